/**
 * Request statistics for the control API: counts by route and status, 429s, and resource units
 * used per 10-second window (the directory bucket's window, graph-protocol.md §3.2).
 */
export interface StatsSnapshot {
  requests: number;
  throttled: number;
  faults: number;
  byRoute: Record<string, Record<string, number>>;
  /** resource units per `tenantId/appId`, per window start (ISO) */
  resourceUnits: Record<string, Record<string, number>>;
}

export interface Stats {
  record(routeKey: string, status: number): void;
  throttled(): void;
  fault(): void;
  resourceUnits(tenantId: string, appId: string, units: number, now: number): void;
  snapshot(): StatsSnapshot;
  reset(): void;
}

const WINDOW_MS = 10_000;
/** keep the last hour of windows per pair so memory stays bounded on long runs */
const MAX_WINDOWS = 360;

export function createStats(): Stats {
  let s = empty();
  function empty(): StatsSnapshot {
    return { requests: 0, throttled: 0, faults: 0, byRoute: {}, resourceUnits: {} };
  }
  return {
    record(routeKey, status) {
      s.requests += 1;
      const route = s.byRoute[routeKey] ?? {};
      s.byRoute[routeKey] = route;
      route[String(status)] = (route[String(status)] ?? 0) + 1;
    },
    throttled() {
      s.throttled += 1;
    },
    fault() {
      s.faults += 1;
    },
    resourceUnits(tenantId, appId, units, now) {
      const key = `${tenantId}/${appId}`;
      const pair = s.resourceUnits[key] ?? {};
      s.resourceUnits[key] = pair;
      const window = new Date(Math.floor(now / WINDOW_MS) * WINDOW_MS).toISOString();
      pair[window] = (pair[window] ?? 0) + units;
      const keys = Object.keys(pair);
      if (keys.length > MAX_WINDOWS) delete pair[keys[0]!];
    },
    snapshot: () => structuredClone(s),
    reset() {
      s = empty();
    },
  };
}
