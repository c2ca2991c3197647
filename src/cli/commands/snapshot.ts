import type { ProgressEvent } from '../../collect/collect-graph.ts';
import { readDeltaBasis } from '../../collect/delta-basis-file.ts';
import { writeSnapshotFile } from '../../collect/snapshot-file.ts';
import { snapshotFromTenant } from '../../collect/snapshot-from-tenant.ts';
import type { ConnectionFlags } from '../connection-flags.ts';
import type { CliIo } from '../io.ts';

/** The `snapshot` command's own flags, beside `connectionOptions` (main.ts spreads both). */
export const snapshotOptions = {
  out: { type: 'string' },
  previous: { type: 'string' },
  'skip-arm': { type: 'boolean' },
} as const;

export const SNAPSHOT_USAGE = `usage: tenantscope snapshot --out FILE [--previous FILE] <connection options>
  --out FILE        where to write the snapshot (written beside it, then renamed)
  --previous FILE   the tenant's last snapshot: users and groups fetch only what changed since it
                    (Graph delta); a full read follows by itself when its delta token expired
  --skip-arm        read only Microsoft Graph, not Azure (subscriptions, inventory, cost); Azure
                    cost queries are paced under Cost Management's QPU limits and take a minute or more`;

/**
 * `tenantscope snapshot --out FILE [--previous FILE]`: reads a live or emulated tenant into a
 * snapshot file. No database. `previous` (a file path) makes users and groups a delta sync.
 */
export async function snapshotCommand(
  connection: ConnectionFlags,
  out: string,
  io: CliIo,
  options: { previous?: string | undefined; skipArm?: boolean | undefined } = {},
): Promise<number> {
  // Read (and validate) the previous snapshot before any request: a bad file fails fast. Only
  // its tenant, users and groups are read: the rest of the file is not needed for a delta sync.
  const previous = options.previous ? await readDeltaBasis(options.previous) : undefined;
  io.stderr(
    `Reading tenant ${connection.tenantId} from ${connection.endpoints.graphUrl}${previous ? ` (changes since ${previous.collectedAt})` : ''} …`,
  );
  const { snapshot, stats } = await snapshotFromTenant(connection, {
    onProgress: progressPrinter(io),
    previous,
    includeArm: !options.skipArm,
  });
  await writeSnapshotFile(out, snapshot);
  const datasets = Object.entries(snapshot.datasets);
  const notOk = datasets.filter(([, d]) => d.status !== 'ok');
  io.stderr(
    `Wrote ${out}: ${datasets.length} datasets (${notOk.length} not read), ${stats.requests} requests, ${stats.throttled} throttled.`,
  );
  for (const [name, d] of notOk) io.stderr(`  ${name}: ${d.status}${d.error ? ` — ${d.error.message}` : ''}`);
  return 0;
}

/** One line per finished dataset; the item count on a long one every 10 pages. */
export function progressPrinter(io: CliIo): (event: ProgressEvent) => void {
  const pages = new Map<string, number>();
  return (event) => {
    if (event.phase === 'done') {
      const how =
        event.read === 'delta' ? ' (delta)' : event.fullReason ? ` (full read: ${event.fullReason})` : '';
      io.stderr(`  ${event.dataset.padEnd(34)} ${event.status.padEnd(11)} ${event.items} items${how}`);
      return;
    }
    const n = (pages.get(event.dataset) ?? 0) + 1;
    pages.set(event.dataset, n);
    if (n % 10 === 0) io.stderr(`  ${event.dataset.padEnd(34)} reading…    ${event.items} items so far`);
  };
}
