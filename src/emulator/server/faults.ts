import { Rng } from '../generator/prng.ts';
/**
 * Fault injection in the manner of Microsoft Dev Proxy (graph-protocol.md §6, §8.4): random
 * errors with Retry-After, slow responses and dropped connections, optionally scoped to a path
 * prefix. The control API (`/_emulator`) is never faulted, so a test can always switch faults off.
 */
export interface FaultRule {
  /** only paths starting with this prefix (case-insensitive); all paths when absent */
  pathPrefix?: string;
  /** 0..1: share of requests answered with one of `statuses` */
  errorRate?: number;
  /** statuses to pick from; default [503]. 429/503/504 carry Retry-After (§3.3) */
  statuses?: number[];
  retryAfterSeconds?: number;
  /** 0..1: share of requests delayed by `slowMs` */
  slowRate?: number;
  slowMs?: number;
  /** 0..1: share of requests whose socket is destroyed without a response */
  dropRate?: number;
}

export type FaultDecision =
  | { kind: 'none'; delayMs: number }
  | { kind: 'error'; status: number; retryAfterSeconds: number; delayMs: number }
  | { kind: 'drop'; delayMs: number };

export interface FaultInjector {
  /** `seed` makes the random decisions repeatable (a test that must see at least one fault) */
  set(rules: FaultRule[], seed?: string): void;
  rules(): FaultRule[];
  decide(path: string): FaultDecision;
}

export const CONTROL_PREFIX = '/_emulator';

function valid(rule: FaultRule): FaultRule {
  for (const k of ['errorRate', 'slowRate', 'dropRate'] as const) {
    const v = rule[k];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) {
      throw new RangeError(`${k} must be a number between 0 and 1`);
    }
  }
  if (rule.statuses?.some((s) => !Number.isInteger(s) || s < 400 || s > 599)) {
    throw new RangeError('statuses must be HTTP error statuses (400-599)');
  }
  return { ...rule };
}

/** `random` is injectable so tests can make every decision deterministic. */
export function createFaultInjector(
  initial: FaultRule[] = [],
  initialRandom: () => number = Math.random,
): FaultInjector {
  let random = initialRandom;
  let rules = initial.map(valid);
  return {
    set(next, seed) {
      rules = next.map(valid);
      if (seed !== undefined) {
        const rng = new Rng(seed, 'faults');
        random = () => rng.next();
      }
    },
    rules: () => rules.map((r) => ({ ...r })),
    decide(path) {
      const lower = path.toLowerCase();
      if (lower.startsWith(CONTROL_PREFIX)) return { kind: 'none', delayMs: 0 };
      let delayMs = 0;
      for (const r of rules) {
        if (r.pathPrefix && !lower.startsWith(r.pathPrefix.toLowerCase())) continue;
        if (r.slowRate && random() < r.slowRate) delayMs += r.slowMs ?? 1000;
        if (r.dropRate && random() < r.dropRate) return { kind: 'drop', delayMs };
        if (r.errorRate && random() < r.errorRate) {
          const statuses = r.statuses?.length ? r.statuses : [503];
          const status = statuses[Math.floor(random() * statuses.length) % statuses.length]!;
          return { kind: 'error', status, retryAfterSeconds: r.retryAfterSeconds ?? 2, delayMs };
        }
      }
      return { kind: 'none', delayMs };
    },
  };
}

/** Graph's codes for the injected statuses (MGD concepts/errors.md, §3.3). */
export function faultCode(status: number): { code: string; message: string } {
  switch (status) {
    case 429:
      return { code: 'TooManyRequests', message: 'Please retry again later.' };
    case 503:
      return {
        code: 'serviceNotAvailable',
        message:
          'The service is temporarily unavailable. Please retry after the delay in the Retry-After header.',
      };
    case 504:
      return { code: 'gatewayTimeout', message: 'The server did not respond in time. Please retry.' };
    default:
      return { code: 'generalException', message: 'An unspecified error occurred.' };
  }
}
