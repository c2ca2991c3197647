/**
 * A small seeded PRNG (sfc32, from PractRand's "small fast counting" family) keyed by a string
 * hashed with cyrb128. We write our own so the output never depends on Node's version, and
 * never call Math.random: the same seed must give a byte-identical tenant on every machine.
 *
 * Each part of the generator draws from its own named stream (`rng.stream('users')`), so adding
 * a draw in one part never shifts the values of another.
 */

/** cyrb128: a 128-bit string hash (public domain, bryc), used only to seed sfc32. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE64URL = `${BASE62}-_`;

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(
    private readonly seedText: string,
    name = '',
  ) {
    [this.a, this.b, this.c, this.d] = cyrb128(`${seedText}\u0000${name}`);
    // Warm up: the first outputs of sfc32 correlate with the seed words.
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** An independent stream for one part of the tenant. */
  stream(name: string): Rng {
    return new Rng(this.seedText, name);
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  float(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let r = this.next() * total;
    for (const [value, w] of choices) {
      r -= w;
      if (r < 0) return value;
    }
    return choices[choices.length - 1]![0];
  }

  /** Fisher–Yates in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** A random version-4 GUID (RFC 9562 §5.4): version nibble 4, variant bits 10. */
  guid(): string {
    const w0 = this.nextU32();
    const w1 = (this.nextU32() & 0xffff0fff) | 0x00004000;
    const w2 = (this.nextU32() & 0x3fffffff) | 0x80000000;
    const w3 = this.nextU32();
    const h = (w: number) =>
      HEX[(w >>> 24) & 255]! + HEX[(w >>> 16) & 255]! + HEX[(w >>> 8) & 255]! + HEX[w & 255]!;
    const s1 = h(w1);
    const s2 = h(w2);
    return `${h(w0)}-${s1.slice(0, 4)}-${s1.slice(4)}-${s2.slice(0, 4)}-${s2.slice(4)}${h(w3)}`;
  }

  /** `length` characters of base62 (passwords, secrets). */
  base62(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += BASE62[this.nextU32() % 62];
    return out;
  }

  /** `length` characters of base64url (opaque Graph ids such as role assignment ids). */
  base64url(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += BASE64URL[this.nextU32() & 63];
    return out;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += HEX[this.nextU32() & 255];
    return out.slice(0, length);
  }
}
