/**
 * Full sync of a 100,000-user `typical` emulated tenant: wall time, requests against the fewest
 * pages possible, 429s received (goal 0: we pace ourselves), peak RSS of the syncing process
 * (goal < 600 MB); then the same read done the obvious way with @microsoft/microsoft-graph-client
 * (PageIterator, one dataset after another, one request per group for relations, same $select),
 * reported as a ratio (goal: ours ≥ 3× faster). Prints; asserts nothing.
 *
 * Run: `npx tsx bench/sync-full.bench.ts [--users N] [--base-ms 50] [--per-object-ms 0.2] [--all]`
 */

import { fileURLToPath } from 'node:url';
import { ClientSecretCredential } from '@azure/identity';
import { Client, type PageCollection, PageIterator, ResponseType } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { GraphDataset } from '../src/collect/graph-datasets.ts';
import { snapshotFromTenant } from '../src/collect/snapshot-from-tenant.ts';
import {
  ALL,
  benchDatasets,
  type ChildResult,
  childEmulator,
  childRole,
  connectionOf,
  control,
  emulatorStats,
  freshWindow,
  LATENCY,
  measured,
  minimumPages,
  RATE_BOUND,
  rateBoundFloors,
  reply,
  runChild,
  type ServerStats,
  secs,
  spawnEmulator,
  USERS,
} from './sync-common.ts';

const SELF = fileURLToPath(import.meta.url);

async function main(): Promise<void> {
  const datasets = benchDatasets();
  console.log(`full sync: ${USERS.toLocaleString('en')}-user typical tenant, emulator in its own process`);
  console.log(
    `  latency model: ${LATENCY.baseMs} ms per request + ${LATENCY.perObjectMs} ms per object returned`,
  );
  console.log(
    `  datasets: ${datasets.length}${ALL ? ' (all)' : ` (without ${Object.keys(RATE_BOUND).join(', ')}; --all adds them)`}`,
  );
  if (!ALL) for (const line of rateBoundFloors(USERS)) console.log(`    ${line}`);
  const started = performance.now();
  const emulator = await spawnEmulator(USERS, 'bench');
  console.log(`  emulator generated and listening in ${secs(performance.now() - started)}`);
  try {
    const { info } = emulator;
    await control(info, 'PUT', '/latency', LATENCY);
    await freshWindow(info);
    console.log('  tenantscope sync …');
    const ours = await runChild(SELF, 'ours', info);
    const oursServer = await emulatorStats(info);
    await freshWindow(info);
    console.log('  @microsoft/microsoft-graph-client, PageIterator, one dataset after another …');
    const sdk = await runChild(SELF, 'sdk', info, { NODE_EXTRA_CA_CERTS: info.caFile });
    const sdkServer = await emulatorStats(info);
    report(ours, oursServer, sdk, sdkServer);
  } finally {
    await emulator.stop();
  }
}

function report(ours: ChildResult, oursServer: ServerStats, sdk: ChildResult, sdkServer: ServerStats): void {
  const row = (label: string, a: string, b: string) =>
    console.log(`  ${label.padEnd(30)} ${a.padStart(14)} ${b.padStart(16)}`);
  console.log('');
  row('', 'tenantscope', 'graph-client SDK');
  row('wall time', secs(ours.wallMs), secs(sdk.wallMs));
  row('Graph requests (client count)', String(ours.requests), String(sdk.requests));
  row('minimum pages', String(ours.minPages), String(ours.minPages));
  row(
    'requests / minimum pages',
    (ours.requests / ours.minPages!).toFixed(2),
    (sdk.requests / ours.minPages!).toFixed(2),
  );
  row('429 received (emulator count)', String(oursServer.throttled), String(sdkServer.throttled));
  row('peak RSS of the syncing process', `${ours.peakRssMb} MB`, `${sdk.peakRssMb} MB`);
  row('RSS before the sync', `${ours.startRssMb} MB`, `${sdk.startRssMb} MB`);
  row('objects read', String(ours.items), String(sdk.items));
  console.log(
    `\n  speed-up: ${(sdk.wallMs / ours.wallMs).toFixed(1)}× (goal ≥ 3×); 429s: ${oursServer.throttled} (goal 0); peak RSS ${ours.peakRssMb} MB (goal < 600 MB)`,
  );
  console.log(
    `  429s by route, ours: ${JSON.stringify(oursServer.throttledRoutes)}; SDK: ${JSON.stringify(sdkServer.throttledRoutes)}`,
  );
  const slowest = Object.entries(ours.doneAtMs as Record<string, number>)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, ms]) => `${name} ${secs(ms)}`);
  console.log(`  ours, last datasets to finish: ${slowest.join(', ')}`);
  const notOk = (ours.outcomes ?? []).filter((o) => o.status !== 'ok').map((o) => `${o.name}:${o.status}`);
  console.log(`  datasets not ok (the tenant's licences): ${notOk.join(', ') || 'none'}`);
}

/** Child: Tenantscope's own sync, measured in this process. */
async function ours(): Promise<void> {
  const datasets = benchDatasets();
  const doneAtMs: Record<string, number> = {};
  const t0 = performance.now();
  const m = await measured(() =>
    snapshotFromTenant(connectionOf(childEmulator()), {
      datasets,
      onProgress: (e) => {
        if (e.phase === 'done') doneAtMs[e.dataset] = performance.now() - t0;
      },
    }),
  );
  const { snapshot, stats, outcomes } = m.value;
  reply({
    wallMs: m.wallMs,
    requests: stats.requests,
    throttled: stats.throttled,
    retries: stats.retries,
    peakRssMb: m.peakRssMb,
    startRssMb: m.startRssMb,
    minPages: minimumPages(snapshot, datasets),
    doneAtMs,
    items: countItems(Object.values(snapshot.datasets).flatMap((d) => d.items)),
    outcomes: outcomes.map(({ name, status, itemCount, read }) => ({
      name,
      status,
      itemCount,
      ...(read ? { read } : {}),
    })),
  });
}

/** Relations count their member objects, like the SDK side does. */
const countItems = (items: unknown[]): number =>
  items.reduce<number>(
    (n, i) =>
      n + (Array.isArray((i as { items?: unknown[] }).items) ? (i as { items: unknown[] }).items.length : 1),
    0,
  );

/** Child: the obvious way with Microsoft's Graph SDK, every request counted at fetch. */
async function sdk(): Promise<void> {
  const info = childEmulator();
  let requests = 0;
  let throttled = 0;
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    requests += 1;
    const res = await realFetch(input, init);
    if (res.status === 429) throttled += 1;
    return res;
  };
  const credential = new ClientSecretCredential(info.tenantId, info.clientId, info.clientSecret, {
    authorityHost: info.authorityHost,
    disableInstanceDiscovery: true,
  });
  const client = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, {
      scopes: [connectionOf(info).endpoints.graphScope],
    }),
    baseUrl: `${info.graphUrl}/`,
    customHosts: new Set([new URL(info.graphUrl).hostname]),
  });
  const m = await measured(async () => {
    const read = new Map<string, unknown[]>();
    let items = 0;
    for (const ds of benchDatasets()) {
      const got = await sdkRead(client, ds, read);
      read.set(ds.name, got);
      items += got.length;
    }
    return items;
  });
  reply({
    wallMs: m.wallMs,
    requests,
    throttled,
    retries: 0,
    peakRssMb: m.peakRssMb,
    startRssMb: m.startRssMb,
    items: m.value,
  });
}

async function sdkRead(client: Client, ds: GraphDataset, read: Map<string, unknown[]>): Promise<unknown[]> {
  const ctx = { now: new Date() };
  const items: unknown[] = [];
  const collect = async (path: string) => {
    const first = (await client.api(path).get()) as PageCollection;
    await new PageIterator(client, first, (item) => {
      items.push(item);
      return true;
    }).iterate();
  };
  try {
    switch (ds.shape) {
      case 'singleton':
        items.push(await client.api(ds.path(ctx)).get());
        break;
      case 'report':
        {
          // one object per CSV row, as the product counts them (header line excluded)
          const csv = String(await client.api(ds.path(ctx)).responseType(ResponseType.TEXT).get());
          items.push(...csv.split(/\r?\n/).filter(Boolean).slice(1));
        }
        break;
      case 'collection':
        await collect(ds.path(ctx));
        break;
      case 'relation':
        for (const parent of (read.get(ds.parent) ?? []) as Record<string, unknown>[])
          if (ds.include?.(parent) ?? true) await collect(ds.path(String(parent.id)));
        break;
    }
  } catch (error) {
    // not licensed / forbidden datasets: recorded as such by the product; nothing to count here
    if (![400, 403, 404].includes((error as { statusCode?: number }).statusCode ?? 0)) throw error;
  }
  return items;
}

const role = childRole();
if (role === 'ours') await ours();
else if (role === 'sdk') await sdk();
else await main();
