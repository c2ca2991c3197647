/**
 * Shared by bench/sync-full.bench.ts and bench/sync-delta.bench.ts (not a benchmark itself).
 * The emulator runs in its own process (`tenantscope emulator --print-json`) and each measured
 * sync in another, so the peak RSS printed is the syncing process's alone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Agent, fetch } from 'undici';
import type { DatasetOutcome } from '../src/collect/collect-graph.ts';
import { DELTA_PAGE_SIZE, deltaQueryOf } from '../src/collect/delta-read.ts';
import { type GraphDataset, graphDatasets } from '../src/collect/graph-datasets.ts';
import type { TenantConnection } from '../src/collect/microsoft-session.ts';
import type { RelationItem, Snapshot } from '../src/collect/snapshot-types.ts';
import { resolveEndpoints } from '../src/connectors/clouds.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What `tenantscope emulator --print-json` prints. */
export interface EmulatorInfo {
  authorityHost: string;
  graphUrl: string;
  armUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  caFile: string;
  controlUrl: string;
  controlToken: string;
}

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0
    ? process.argv[i + 1]!
    : (process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback);
};

export const USERS = Number(arg('users', '100000'));
/**
 * Graph's latency, modelled: a fixed cost per request plus a cost per object returned. 50 ms +
 * 0.2 ms/object makes a 999-user page 250 ms — on the fast side of what Graph answers from a
 * nearby region, which favours the one-request-at-a-time client rather than us.
 */
export const LATENCY = {
  baseMs: Number(arg('base-ms', '50')),
  perObjectMs: Number(arg('per-object-ms', '0.2')),
};
/** `--all` also reads the datasets whose time Microsoft's per-request limits set (below). */
export const ALL = process.argv.includes('--all');

/**
 * Datasets whose wall time is fixed by a requests-per-window limit, not by the client: sign-in
 * activity is 10 requests / minute (200 pages of 500 for 100,000 users ⇒ ≥ 19 min for any
 * client), identity reports 5 requests / 10 s (100 pages of 1,000 ⇒ ≥ 190 s). Left out by
 * default so a run takes minutes; `--all` keeps them.
 */
export const RATE_BOUND: Record<string, { pageSize: number; perWindow: number; windowS: number }> = {
  userSignInActivity: { pageSize: 500, perWindow: 10, windowS: 60 },
  userRegistrationDetails: { pageSize: 1000, perWindow: 5, windowS: 10 },
};

export const benchDatasets = (): GraphDataset[] =>
  ALL ? graphDatasets : graphDatasets.filter((d) => !(d.name in RATE_BOUND));

export function rateBoundFloors(users: number): string[] {
  return Object.entries(RATE_BOUND).map(([name, r]) => {
    const pages = Math.ceil(users / r.pageSize);
    const seconds = (Math.max(0, pages - r.perWindow) / r.perWindow) * r.windowS;
    return `${name}: ${pages} pages at ${r.perWindow} per ${r.windowS} s ⇒ ≥ ${Math.round(seconds)} s for any client`;
  });
}

/** Starts the emulator in a child process; resolves once it printed how to reach it. */
export async function spawnEmulator(
  users: number,
  seed: string,
): Promise<{ info: EmulatorInfo; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=4096',
      'bin/tenantscope.js',
      'emulator',
      '--users',
      String(users),
      '--profile',
      'typical',
      '--seed',
      seed,
      '--print-json',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const first = await firstLine(child);
  const info = JSON.parse(first) as EmulatorInfo;
  return {
    info,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) if (line.startsWith('{')) return line;
  throw new Error('the emulator exited before printing its address');
}

/** The control API (`/_emulator`), trusting the emulator's CA. */
export async function control(
  info: EmulatorInfo,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const { readFileSync } = await import('node:fs');
  const dispatcher = new Agent({ connect: { ca: readFileSync(info.caFile, 'utf8') } });
  try {
    const res = await fetch(`${info.controlUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${info.controlToken}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      dispatcher,
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`control ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  } finally {
    await dispatcher.close();
  }
}

/** A fresh measurement window: empty throttle buckets (as after a day between syncs) and zeroed stats. */
export async function freshWindow(info: EmulatorInfo): Promise<void> {
  await control(info, 'POST', '/throttle/reset');
  await control(info, 'POST', '/stats/reset');
}

export interface ServerStats {
  requests: number;
  throttled: number;
  /** `GET /v1.0/…` route → 429s it answered */
  throttledRoutes: Record<string, number>;
}

export async function emulatorStats(info: EmulatorInfo): Promise<ServerStats> {
  const s = (await control(info, 'GET', '/stats')) as {
    requests: number;
    byRoute: Record<string, Record<string, number>>;
  };
  const throttledRoutes = Object.fromEntries(
    Object.entries(s.byRoute)
      .filter(([, r]) => r['429'])
      .map(([route, r]) => [route, r['429']!]),
  );
  const throttled = Object.values(throttledRoutes).reduce((n, c) => n + c, 0);
  return { requests: s.requests, throttled, throttledRoutes };
}

export function connectionOf(info: EmulatorInfo): TenantConnection {
  return {
    endpoints: resolveEndpoints('global', {
      authorityHost: info.authorityHost,
      graphUrl: info.graphUrl,
      armUrl: info.armUrl,
    }),
    cloud: 'global',
    tenantId: info.tenantId,
    clientId: info.clientId,
    credential: { kind: 'secret', clientSecret: info.clientSecret },
    caFile: info.caFile,
  };
}

/**
 * The fewest pages that could carry the snapshot: per collection ceil(items / page size) at the
 * page size we ask for (Prefer 999 on delta, else `$top`, else 999), one per singleton or report,
 * and for relations one per parent (more for a parent with over 999 entries). `$batch` packs 20
 * relation pages into one request, so requests may come out below this number.
 */
export function minimumPages(snapshot: Snapshot, datasets: GraphDataset[]): number {
  const ctx = { now: new Date(snapshot.collectedAt) };
  let pages = 0;
  for (const ds of datasets) {
    const d = snapshot.datasets[ds.name];
    if (d?.status !== 'ok' || ds.shape === 'singleton' || ds.shape === 'report') {
      pages += 1;
      continue;
    }
    if (ds.shape === 'relation') {
      for (const entry of d.items as RelationItem[])
        pages += Math.max(1, Math.ceil(entry.items.length / 999));
      continue;
    }
    const top = new URL(ds.path(ctx), 'https://x').searchParams.get('$top');
    const size = deltaQueryOf(ds, ctx) ? DELTA_PAGE_SIZE : top ? Number(top) : 999;
    pages += Math.max(1, Math.ceil(d.items.length / size));
  }
  return pages;
}

/** What a measured child process reports back on its last stdout line. */
export interface ChildResult {
  wallMs: number;
  requests: number;
  throttled: number;
  retries: number;
  peakRssMb: number;
  startRssMb: number;
  minPages?: number;
  items?: number;
  outcomes?: Pick<DatasetOutcome, 'name' | 'status' | 'itemCount' | 'read' | 'fetched' | 'fullReason'>[];
  [key: string]: unknown;
}

/** Runs `file --role role` in a fresh Node process with the emulator info; returns its result. */
export async function runChild(
  file: string,
  role: string,
  info: EmulatorInfo,
  extraEnv: Record<string, string> = {},
): Promise<ChildResult> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', file, '--role', role, ...process.argv.slice(2)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_EMULATOR: JSON.stringify(info), ...extraEnv },
    },
  );
  let last = '';
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith('RESULT ')) last = line.slice(7);
    else console.log(`    ${line}`);
  }
  const [code] = (child.exitCode === null ? await once(child, 'exit') : [child.exitCode]) as [number];
  if (code !== 0 || !last) throw new Error(`${role} exited with ${code}`);
  return JSON.parse(last) as ChildResult;
}

export const childRole = (): string | undefined => {
  const i = process.argv.indexOf('--role');
  return i > 0 ? process.argv[i + 1] : undefined;
};

export const childEmulator = (): EmulatorInfo =>
  JSON.parse(process.env.BENCH_EMULATOR ?? '{}') as EmulatorInfo;

/** Measures `work` in this process: wall time, and RSS before and at its peak (kernel high-water mark). */
export async function measured<T>(
  work: () => Promise<T>,
): Promise<{ value: T; wallMs: number; peakRssMb: number; startRssMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const startRssMb = mb(process.memoryUsage().rss);
  const t0 = performance.now();
  const value = await work();
  const wallMs = performance.now() - t0;
  return { value, wallMs, startRssMb, peakRssMb: mb(process.resourceUsage().maxRSS * 1024) };
}

export const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);
export const reply = (result: ChildResult): void => {
  console.log(`RESULT ${JSON.stringify(result)}`);
};
export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
