import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Keys whose values are secret wherever they appear in a log object, at any depth.
 * Matching is on the key name, so a new field called `clientSecret` is covered without a change here.
 */
const SECRET_KEY =
  /pass(word)?|secret|token|authorization|cookie|api[-_]?key|private[-_]?key|master[-_]?key|assertion|credential|refresh/i;

/** Bearer tokens and JWTs inside free text (an error message quoting a header, say). */
const SECRET_TEXT = [
  /Bearer\s+[A-Za-z0-9\-._~+/]+=*/g,
  /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  // emailed links (src/delivery/): the token in an invitation or reset address, e.g. a request URL
  /\/(?:invite|reset-password)\/[A-Za-z0-9_-]{43}/g,
  // Microsoft's redirects carry a single-use code and our state: a request URL keeps its path only
  /(?<=\/api\/(?:session\/microsoft|connect)\/callback\?)[^\s"]+/g,
];

export const REDACTED = '[redacted]';

export interface LoggerOptions {
  level: string;
  /** Known secret values (from config); they are removed from every line, in any field or message. */
  secretValues?: readonly string[];
  destination?: DestinationStream;
}

/**
 * A pino logger that cannot write a secret: key-based redaction walks every object before it is
 * serialised, and the finished line is scrubbed of known secret values and token shapes, which
 * also catches secrets inside error messages and stack traces.
 */
export function createLogger(options: LoggerOptions): Logger {
  const known = [...(options.secretValues ?? [])]
    .filter((s) => s.length >= 6)
    .sort((a, b) => b.length - a.length);
  return pino(
    {
      level: options.level,
      base: undefined,
      formatters: { log: (object) => redactObject(object) as Record<string, unknown> },
      hooks: { streamWrite: (line) => scrubText(line, known) },
    },
    options.destination ?? pino.destination(2),
  );
}

export function redactObject(value: unknown, depth = 0): unknown {
  if (depth > 12 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactObject(v, depth + 1));
  // Class instances (errors, requests) are left to pino's serializers; their output is scrubbed as text.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      SECRET_KEY.test(key) && v !== null && v !== undefined && v !== ''
        ? REDACTED
        : redactObject(v, depth + 1);
  }
  return out;
}

export function scrubText(text: string, knownSecrets: readonly string[]): string {
  let out = text;
  for (const secret of knownSecrets) {
    out = out.split(secret).join(REDACTED);
    // the same value as it appears inside a JSON string
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join(REDACTED);
  }
  for (const pattern of SECRET_TEXT) out = out.replace(pattern, REDACTED);
  return out;
}
