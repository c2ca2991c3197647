import { createHash } from 'node:crypto';

/**
 * Opaque continuation tokens shared by the ARM routes. A token carries the offset of the next
 * row and a fingerprint of the request that produced it, so a token replayed with another body
 * or scope is refused instead of silently returning someone else's page (azure-cost.md §1.4:
 * "nextLink must be POSTed with the same body").
 */
export interface SkipToken {
  offset: number;
  fingerprint: string;
}

export function encodeSkipToken(token: SkipToken): string {
  return Buffer.from(JSON.stringify({ o: token.offset, f: token.fingerprint })).toString('base64url');
}

export function decodeSkipToken(raw: string): SkipToken | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { o, f } = parsed as { o?: unknown; f?: unknown };
    if (typeof o !== 'number' || !Number.isInteger(o) || o < 0 || typeof f !== 'string') return undefined;
    return { offset: o, fingerprint: f };
  } catch {
    return undefined;
  }
}

/** A short hash of the parts that must not change between pages. */
export function fingerprint(...parts: unknown[]): string {
  return createHash('sha256')
    .update(parts.map(canonicalJson).join('\u0000'))
    .digest('base64url')
    .slice(0, 22);
}

/** JSON with sorted keys, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Parses a positive integer page size; `undefined` when absent, `NaN` when malformed. */
export function parseTop(raw: string | null | undefined): number | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  return /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : Number.NaN;
}
