import { describe, expect, test } from 'vitest';
import {
  alignmentCentres,
  dataCodewords,
  encodeQr,
  formatBits,
  type QrMatrix,
  reedSolomonDivisor,
  reedSolomonRemainder,
  versionFor,
} from './qr-code.ts';
import { qrPath } from './qr-svg.ts';

/**
 * The encoder against the standard's own numbers. (While it was written, every version 1–40 at
 * its smallest and largest text was also read back exactly by zbarimg, a real QR reader.)
 */
describe('a QR code', () => {
  test('level M holds the data codewords of ISO/IEC 18004 table 7 in versions 1–40', () => {
    expect(Array.from({ length: 40 }, (_, i) => dataCodewords(i + 1))).toEqual([
      16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627, 669, 714, 782,
      860, 914, 1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812, 1914, 1992, 2102, 2216,
      2334,
    ]);
  });

  test.each([
    [1, 1],
    [14, 1],
    [15, 2],
    [122, 7],
    [123, 8],
    [152, 8],
    [153, 9],
    [213, 10],
    [214, 11],
    [2331, 40],
    [2332, null],
  ])('%i bytes need version %s', (bytes, want) => {
    expect(versionFor(bytes)).toBe(want);
  });

  test('the Reed–Solomon codewords of "HELLO WORLD" 1-M are the worked example’s', () => {
    const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
    expect(reedSolomonRemainder(data, reedSolomonDivisor(10))).toEqual([
      196, 35, 39, 119, 235, 215, 231, 226, 93, 23,
    ]);
  });

  test.each([
    [1, []],
    [2, [6, 18]],
    [7, [6, 22, 38]],
    [10, [6, 28, 50]],
    [15, [6, 26, 48, 70]],
    [32, [6, 34, 60, 86, 112, 138]],
    [36, [6, 24, 50, 76, 102, 128, 154]],
    [40, [6, 30, 58, 86, 114, 142, 170]],
  ])('version %i has alignment patterns centred at %o', (version, want) => {
    expect(alignmentCentres(version)).toEqual(want);
  });

  const uri =
    'otpauth://totp/Tenantscope:ann%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Tenantscope&algorithm=SHA1&digits=6&period=30';
  const m = encodeQr(uri)!;
  const size = m.length;

  test('an otpauth URI fits in version 8 with finder patterns in three corners and timing lines between', () => {
    expect(size).toBe(8 * 4 + 17);
    const finder = (x0: number, y0: number) =>
      Array.from({ length: 7 }, (_, y) =>
        Array.from({ length: 7 }, (_, x) => (m[y0 + y]![x0 + x] ? '#' : '.')).join(''),
      );
    const want = ['#######', '#.....#', '#.###.#', '#.###.#', '#.###.#', '#.....#', '#######'];
    expect([finder(0, 0), finder(size - 7, 0), finder(0, size - 7)]).toEqual([want, want, want]);
    for (let i = 8; i < size - 8; i++) expect([m[6]![i], m[i]![6]]).toEqual([i % 2 === 0, i % 2 === 0]);
    expect(m[size - 8]![8]).toBe(true);
  });

  test('both copies of the format information say level M and a valid mask', () => {
    const read = (cells: [number, number][]) =>
      cells.reduce((bits, [x, y], i) => bits | (Number(m[y]![x]) << i), 0);
    const first: [number, number][] = [
      [8, 0],
      [8, 1],
      [8, 2],
      [8, 3],
      [8, 4],
      [8, 5],
      [8, 7],
      [8, 8],
      [7, 8],
      [5, 8],
      [4, 8],
      [3, 8],
      [2, 8],
      [1, 8],
      [0, 8],
    ];
    const second: [number, number][] = [
      ...Array.from({ length: 8 }, (_, i): [number, number] => [size - 1 - i, 8]),
      ...Array.from({ length: 7 }, (_, i): [number, number] => [8, size - 7 + i]),
    ];
    const bits = read(first);
    expect(read(second)).toBe(bits);
    const masks = [0, 1, 2, 3, 4, 5, 6, 7].filter((mask) => formatBits(mask) === bits);
    expect(masks).toHaveLength(1);
  });

  // ISO/IEC 18004 annex D: the version information of versions 7, 21 and 40
  test.each([
    [110, 7, 0x07c94],
    [700, 21, 0x15683],
    [2331, 40, 0x28c69],
  ])('%i bytes: version %i carries its number, BCH-coded, in two places', (bytes, version, want) => {
    const code = encodeQr('x'.repeat(bytes))!;
    const n = code.length;
    expect(n).toBe(17 + 4 * version);
    let bits = 0;
    for (let i = 0; i < 18; i++) bits |= Number(code[Math.floor(i / 3)]![n - 11 + (i % 3)]) << i;
    let mirrored = 0;
    for (let i = 0; i < 18; i++) mirrored |= Number(code[n - 11 + (i % 3)]![Math.floor(i / 3)]) << i;
    expect([bits, mirrored]).toEqual([want, want]);
  });

  test('an otpauth URI with a 150-character address still gets a code', () => {
    const long = uri.replace('ann%40example.com', `${'a'.repeat(136)}%40example.com`);
    expect(encodeQr(long)?.length).toBe(17 + 4 * (versionFor(long.length) ?? 0));
    expect(versionFor(long.length)).toBeGreaterThan(10);
  });

  test('a text over the capacity gives no code (the page shows the key as text)', () => {
    expect(encodeQr('x'.repeat(2332))).toBeNull();
  });

  test('the SVG path draws each run of dark modules in a row as one rectangle, offset by the quiet zone', () => {
    const tiny: QrMatrix = [
      [true, true, false],
      [false, true, false],
    ];
    expect(qrPath(tiny, 4)).toBe('M4 4h2v1h-2zM5 5h1v1h-1z');
  });
});
