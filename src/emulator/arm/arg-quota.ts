/**
 * Resource Graph's own per-user quota, on top of ARM's buckets: 15 queries per 5-second window,
 * reported on every answer as `x-ms-user-quota-remaining` and `x-ms-user-quota-resets-after`
 * (`hh:mm:ss`) (azure-cost.md §3, MicrosoftDocs guidance-for-throttled-requests.md).
 */
export const ARG_QUOTA = 15;
export const ARG_WINDOW_MS = 5_000;

export interface QuotaDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export interface ArgQuota {
  take(principal: string): QuotaDecision;
}

export function createArgQuota(now: () => number = Date.now): ArgQuota {
  const windows = new Map<string, { start: number; used: number }>();
  return {
    take(principal) {
      const t = now();
      let w = windows.get(principal);
      if (!w || t - w.start >= ARG_WINDOW_MS) {
        w = { start: t, used: 0 };
        windows.set(principal, w);
      }
      const allowed = w.used < ARG_QUOTA;
      if (allowed) w.used += 1;
      const resetsMs = Math.max(0, w.start + ARG_WINDOW_MS - t);
      return {
        allowed,
        headers: {
          'x-ms-user-quota-remaining': String(ARG_QUOTA - w.used),
          'x-ms-user-quota-resets-after': hhmmss(resetsMs),
        },
      };
    },
  };
}

/** `00:00:03`: whole seconds, rounded up so a client that waits this long is let in. */
export function hhmmss(ms: number): string {
  const s = Math.ceil(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}
