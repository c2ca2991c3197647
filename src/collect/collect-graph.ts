import type { GraphClient } from '../connectors/graph-client.ts';
import { BATCH_LIMIT } from '../connectors/graph-client.ts';
import { MicrosoftError } from '../connectors/microsoft-error.ts';
import { parseCsv } from './csv.ts';
import type { DatasetSink } from './dataset-sink.ts';
import { deltaQueryOf, readDelta } from './delta-read.ts';
import type { CollectContext, GraphDataset } from './graph-datasets.ts';
import type { DatasetResult, DatasetStatus, RelationItem } from './snapshot-types.ts';

export interface DatasetOutcome {
  name: string;
  status: DatasetStatus;
  itemCount: number;
  error?: { code: string; message: string };
  /** delta datasets: `delta` when only changes since the previous snapshot were fetched */
  read?: 'full' | 'delta';
  /** why a delta dataset was read in full although a previous snapshot was given */
  fullReason?: string;
  /** delta datasets: entries Graph sent (every object on a full read, only the changes on a delta one) */
  fetched?: number;
}

export type ProgressEvent = { dataset: string; items: number } & (
  | { phase: 'page' }
  | ({ phase: 'done'; status: DatasetStatus } & Pick<DatasetOutcome, 'read' | 'fullReason' | 'fetched'>)
);

interface Run {
  graph: GraphClient;
  sink: DatasetSink;
  ctx: CollectContext;
  /** the relation datasets of this run, so a parent records the ids they need while it streams */
  relations: Extract<GraphDataset, { shape: 'relation' }>[];
  /** relation dataset name → ids of the parents it reads */
  parentIds: Map<string, string[]>;
  /** the previous snapshot's datasets: delta datasets resume from their deltaLink */
  previous?: Record<string, DatasetResult> | undefined;
  onProgress: (event: ProgressEvent) => void;
}

/** What a read adds to the dataset's record beyond its items. */
type ReadExtras = Pick<DatasetResult, 'deltaLink' | 'deltaQuery'> &
  Pick<DatasetOutcome, 'read' | 'fullReason' | 'fetched'>;

/**
 * Reads one Graph dataset into the sink. Licence and permission refusals become `notLicensed`
 * and `forbidden`; other failures `error`. A connection-level failure (consent revoked, secret
 * expired) is thrown: the whole sync stops, nothing is retried in a loop.
 */
export async function collectGraphDataset(ds: GraphDataset, run: Run): Promise<DatasetOutcome> {
  await run.sink.begin(ds.name);
  let count = 0;
  const add = async (items: unknown[], progress = true) => {
    count += items.length;
    await run.sink.append(ds.name, items);
    if (progress) run.onProgress({ dataset: ds.name, phase: 'page', items: count });
  };
  let outcome: DatasetOutcome;
  let extras: ReadExtras = {};
  try {
    extras = (await read(ds, run, add)) ?? {};
    const { read: mode, fullReason, fetched } = extras;
    outcome = {
      name: ds.name,
      status: 'ok',
      itemCount: count,
      ...(mode ? { read: mode, fetched } : {}),
      ...(fullReason ? { fullReason } : {}),
    };
  } catch (error) {
    if (!(error instanceof MicrosoftError) || error.disconnects) throw error;
    outcome = {
      name: ds.name,
      status: statusOf(error),
      itemCount: 0,
      error: { code: error.code, message: error.message },
    };
  }
  await run.sink.finish(ds.name, {
    status: outcome.status,
    collectedAt: new Date().toISOString(),
    itemCount: outcome.itemCount,
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(outcome.status === 'ok' && extras.deltaLink
      ? { deltaLink: extras.deltaLink, deltaQuery: extras.deltaQuery }
      : {}),
  });
  const { name: _name, itemCount: items, error: _error, ...done } = outcome;
  run.onProgress({ dataset: ds.name, phase: 'done', items, ...done });
  return outcome;
}

function statusOf(error: MicrosoftError): DatasetStatus {
  if (error.kind === 'licenceMissing') return 'notLicensed';
  if (error.kind === 'permissionMissing') return 'forbidden';
  return 'error';
}

type Add = (items: unknown[], progress?: boolean) => Promise<void>;

async function read(ds: GraphDataset, run: Run, add: Add): Promise<ReadExtras | undefined> {
  switch (ds.shape) {
    case 'singleton':
      await add([await run.graph.get(ds.path(run.ctx))]);
      return;
    case 'report':
      await add(parseCsv(await run.graph.download(ds.path(run.ctx))));
      return;
    case 'collection': {
      const deltaQuery = deltaQueryOf(ds, run.ctx);
      if (deltaQuery) return readByDelta(ds, deltaQuery, run, add);
      const parents = parentIds(ds, run);
      for await (const page of run.graph.pages<Record<string, unknown>>(ds.path(run.ctx), {
        consistencyEventual: ds.consistencyEventual ?? false,
      })) {
        parents.see(page.value);
        await add(page.value);
      }
      parents.done();
      return;
    }
    case 'relation':
      await readRelation(ds, run, add);
      return;
  }
}

/**
 * users and groups: a delta round (only the changes when the previous snapshot has a deltaLink),
 * applied in memory, then appended. Holding the dataset once is the price of applying changes
 * (and of de-duplicating replays, §2.3); the previous snapshot holds it anyway.
 */
async function readByDelta(ds: GraphDataset, deltaQuery: string, run: Run, add: Add): Promise<ReadExtras> {
  const result = await readDelta(run.graph, deltaQuery, run.previous?.[ds.name], (items) =>
    run.onProgress({ dataset: ds.name, phase: 'page', items }),
  );
  const parents = parentIds(ds, run);
  parents.see(result.items);
  parents.done();
  for (let i = 0; i < result.items.length; i += APPEND_CHUNK)
    await add(result.items.slice(i, i + APPEND_CHUNK), false);
  return {
    read: result.mode,
    fetched: result.changes,
    deltaQuery,
    ...(result.deltaLink ? { deltaLink: result.deltaLink } : {}),
    ...(result.reason ? { fullReason: result.reason } : {}),
  };
}

/** Items per sink append: a storage sink writes one chunk per call. */
const APPEND_CHUNK = 1_000;

/** Records, while a parent dataset streams, the ids its relation datasets will read. */
function parentIds(ds: GraphDataset, run: Run) {
  const children = run.relations.filter((r) => r.parent === ds.name);
  const ids = children.map((): string[] => []);
  return {
    see(items: Record<string, unknown>[]) {
      for (const item of items) {
        children.forEach((child, k) => {
          if (typeof item.id === 'string' && (child.include?.(item) ?? true)) ids[k]!.push(item.id);
        });
      }
    },
    done() {
      children.forEach((child, k) => {
        run.parentIds.set(child.name, ids[k]!);
      });
    },
  };
}

/**
 * One entry per parent: the first page of every parent goes through $batch (20 at a time,
 * json-batching.md), the rare further pages through their nextLink.
 */
async function readRelation(
  ds: Extract<GraphDataset, { shape: 'relation' }>,
  run: Run,
  add: Add,
): Promise<void> {
  const parents = run.parentIds.get(ds.name);
  if (!parents) throw new MicrosoftError('rejected', `${ds.name} needs ${ds.parent}, which was not read`);
  const chunks: string[][] = [];
  for (let i = 0; i < parents.length; i += BATCH_LIMIT) chunks.push(parents.slice(i, i + BATCH_LIMIT));
  // A few batches in flight, the next starting as soon as any finishes (a batch holding an
  // all-users group pages on for a while); appended in parent order so two reads are identical.
  let stop = false;
  const slot = slots(BATCHES_IN_FLIGHT);
  const reads = chunks.map((ids) =>
    slot(() => (stop ? Promise.resolve([]) : readRelationChunk(ds, run, ids))),
  );
  for (const r of reads) r.catch(() => {}); // each is awaited below, in order; none goes unhandled
  try {
    for (const r of reads) await add(await r);
  } finally {
    stop = true;
  }
}

/** At most `size` tasks running at once, started in the order they were asked for. */
function slots(size: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<void>((resolve) => {
      if (running < size) {
        running += 1;
        resolve();
      } else waiting.push(resolve);
    })
      .then(task)
      .finally(() => {
        const next = waiting.shift();
        if (next) next();
        else running -= 1;
      });
}

/**
 * `$batch` requests of one relation dataset in flight together. Latency, not the budget, limits a
 * relation read: the pacer still admits every inner request against its bucket (graph-budget.ts).
 * 4 follows graph-protocol.md §3.3's suggested concurrency of at most 4 per endpoint.
 */
const BATCHES_IN_FLIGHT = 4;

async function readRelationChunk(
  ds: Extract<GraphDataset, { shape: 'relation' }>,
  run: Run,
  ids: string[],
): Promise<RelationItem[]> {
  const responses = await run.graph.batch(ids.map((id) => ds.path(id)));
  const found: { parentId: string; items: unknown[]; next?: string | undefined }[] = [];
  for (const [j, res] of responses.entries()) {
    if (res.status === 404) continue; // deleted between the two reads
    const body = res.body as {
      value?: unknown[];
      '@odata.nextLink'?: string;
      error?: { code?: string; message?: string };
    };
    if (res.status >= 400) throw innerFailure(res.status, body, ds.path(ids[j]!));
    found.push({ parentId: ids[j]!, items: [...(body.value ?? [])], next: body['@odata.nextLink'] });
  }
  // Large parents page on through their nextLinks, a few parents at a time: each one's pages
  // follow each other, but two large groups in one batch need not wait for each other.
  const slot = slots(BATCHES_IN_FLIGHT);
  await Promise.all(
    found
      .filter((f) => f.next)
      .map((f) =>
        slot(async () => {
          for (let next = f.next; next; ) {
            const page: { value: unknown[]; '@odata.nextLink'?: string } = await run.graph.get(next);
            f.items.push(...page.value);
            next = page['@odata.nextLink'];
          }
        }),
      ),
  );
  return found.map(({ parentId, items }) => ({ parentId, items }));
}

function innerFailure(
  status: number,
  body: { error?: { code?: string; message?: string } },
  path: string,
): MicrosoftError {
  const code = body.error?.code ?? '';
  if (
    code === 'Authentication_RequestFromNonPremiumTenantOrB2CTenant' ||
    code === 'AadPremiumLicenseRequired'
  ) {
    return new MicrosoftError('licenceMissing', `the tenant lacks the licence for ${path}`, {
      status,
      microsoftCode: code,
    });
  }
  if (status === 403)
    return new MicrosoftError('permissionMissing', `the app lacks permission for ${path} (${code})`, {
      status,
      microsoftCode: code,
    });
  return new MicrosoftError(
    status === 429 || status >= 500 ? 'transient' : 'rejected',
    `${path} failed in $batch (${status} ${code})`,
    { status, microsoftCode: code },
  );
}
