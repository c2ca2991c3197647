import { type ArmClient, createArmClient } from '../connectors/arm-client.ts';
import type { Endpoints } from '../connectors/clouds.ts';
import type { HttpClient } from '../connectors/http.ts';
import { MicrosoftError } from '../connectors/microsoft-error.ts';
import { realSleep, type Sleep } from '../connectors/retry.ts';
import type { TokenProvider } from '../connectors/token-provider.ts';
import { type ArmDataset, armDatasets, type ParentRead } from './arm-datasets.ts';
import type { DatasetOutcome, ProgressEvent } from './collect-graph.ts';
import type { DatasetSink } from './dataset-sink.ts';
import type { CollectContext } from './graph-datasets.ts';
import type { DatasetStatus } from './snapshot-types.ts';

/**
 * One entry of a `perParent` dataset. `error` is set when the read failed for this parent alone
 * (a subscription whose offer Cost Management does not support, a role missing on one
 * subscription, a VM deleted meanwhile): its `items` are then unknown, never "none".
 */
export interface ArmParentItem {
  parentId: string;
  items: unknown[];
  error?: { code: string; message: string };
}

export interface CollectArmOptions {
  arm: ArmClient;
  sink: DatasetSink;
  ctx: CollectContext;
  /** which datasets (default: all of `armDatasets`) */
  datasets?: ArmDataset[];
  /** datasets read at once, and parents read at once within a dataset; the pacer keeps both polite */
  concurrency?: number;
  onProgress?: (event: ProgressEvent) => void;
}

interface Run {
  arm: ArmClient;
  sink: DatasetSink;
  ctx: CollectContext;
  all: ArmDataset[];
  /** dataset name → ids of the parent objects it reads */
  parentIds: Map<string, string[]>;
  concurrency: number;
  onProgress: (event: ProgressEvent) => void;
}

/**
 * Reads the ARM datasets into the sink: each dataset once its parent is read (subscriptions,
 * then inventory, cost, recommendations, then VM metrics). Throws only when the connection
 * itself fails (consent revoked, secret expired); a dataset that fails is recorded as such.
 */
export async function collectArm(options: CollectArmOptions): Promise<DatasetOutcome[]> {
  const run: Run = {
    arm: options.arm,
    sink: options.sink,
    ctx: options.ctx,
    all: options.datasets ?? armDatasets,
    parentIds: new Map(),
    concurrency: options.concurrency ?? 4,
    onProgress: options.onProgress ?? (() => {}),
  };
  return schedule(run, (ds) => collectArmDataset(ds, run));
}

/**
 * Starts each dataset as soon as its parent is read and a slot is free, so VM metrics need not
 * wait for the cost queries pacing themselves under the QPU budget. Outcomes keep the order of
 * the dataset list. The first thrown error (a disconnection) stops new starts; it is rethrown once
 * everything already started has finished, so nothing writes to the sink after the read ended.
 */
async function schedule(run: Run, work: (ds: ArmDataset) => Promise<DatasetOutcome>) {
  const outcomes = new Map<string, DatasetOutcome>();
  const running = new Map<string, Promise<void>>();
  let pending = [...run.all];
  let failed: { error: unknown } | undefined;
  const known = new Set(run.all.map((d) => d.name));
  const ready = (d: ArmDataset) => !d.parent || outcomes.has(d.parent) || !known.has(d.parent);
  for (;;) {
    // Nothing running and nothing ready means a cycle: read anyway, to fail as "parent not read".
    const waiting = running.size === 0 && !pending.some(ready);
    for (const ds of pending.filter((d) => waiting || ready(d))) {
      if (failed || running.size >= run.concurrency) break;
      pending = pending.filter((d) => d !== ds);
      const task = work(ds).then(
        (outcome) => {
          outcomes.set(ds.name, outcome);
        },
        (error: unknown) => {
          failed ??= { error };
        },
      );
      running.set(
        ds.name,
        task.finally(() => running.delete(ds.name)),
      );
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (failed) throw failed.error;
  return run.all.flatMap((d) => outcomes.get(d.name) ?? []);
}

/** Reads one ARM dataset: the same statuses and sink protocol as the Graph collectors. */
async function collectArmDataset(ds: ArmDataset, run: Run): Promise<DatasetOutcome> {
  await run.sink.begin(ds.name);
  const children = run.all.filter((c) => c.parent === ds.name);
  const ids = children.map((): string[] => []);
  let count = 0;
  const add = async (items: unknown[]) => {
    for (const item of items as Record<string, unknown>[]) {
      children.forEach((child, k) => {
        if (typeof item.id === 'string' && (child.include?.(item) ?? true)) ids[k]!.push(item.id);
      });
    }
    count += items.length;
    await run.sink.append(ds.name, items);
    run.onProgress({ dataset: ds.name, phase: 'page', items: count });
  };
  let outcome: DatasetOutcome;
  try {
    await read(ds, run, add);
    children.forEach((child, k) => {
      run.parentIds.set(child.name, ids[k]!);
    });
    outcome = { name: ds.name, status: 'ok', itemCount: count };
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
  });
  run.onProgress({ dataset: ds.name, phase: 'done', status: outcome.status, items: outcome.itemCount });
  return outcome;
}

function statusOf(error: MicrosoftError): DatasetStatus {
  if (error.kind === 'licenceMissing') return 'notLicensed';
  if (error.kind === 'permissionMissing') return 'forbidden';
  return 'error';
}

function parentsOf(ds: ArmDataset, run: Run): string[] {
  const parents = run.parentIds.get(ds.name);
  if (!parents) throw new MicrosoftError('rejected', `${ds.name} needs ${ds.parent}, which was not read`);
  return parents;
}

async function read(ds: ArmDataset, run: Run, add: (items: unknown[]) => Promise<void>): Promise<void> {
  switch (ds.shape) {
    case 'list':
      for await (const page of run.arm.list(ds.path(run.ctx))) await add(page);
      return;
    case 'resourceGraph': {
      // parents are subscriptions: `/subscriptions/{id}` → the id Resource Graph wants
      const subscriptionIds = parentsOf(ds, run).map((id) => id.split('/')[2]!);
      for await (const page of run.arm.resourceGraph(ds.query, subscriptionIds)) await add(page);
      return;
    }
    case 'perParent':
      return readPerParent(ds, ds.read, run, add);
  }
}

/**
 * One entry per parent, `concurrency` parents at a time, appended in parent order so two reads
 * of an unchanged tenant give identical content. A failure that concerns one parent is kept on
 * its entry; if every parent failed, the dataset fails with the first failure, since nothing
 * usable was read.
 */
async function readPerParent(
  ds: ArmDataset,
  how: ParentRead,
  run: Run,
  add: (items: unknown[]) => Promise<void>,
): Promise<void> {
  const parents = parentsOf(ds, run);
  let succeeded = 0;
  let firstFailure: MicrosoftError | undefined;
  for (let i = 0; i < parents.length; i += run.concurrency) {
    const chunk = parents.slice(i, i + run.concurrency);
    const results = await settleAll(chunk.map((id) => readParent(how, id, run)));
    for (const r of results) {
      if (r.failure) firstFailure ??= r.failure;
      else succeeded += 1;
    }
    await add(results.map((r) => r.entry));
  }
  if (parents.length > 0 && succeeded === 0 && firstFailure) throw firstFailure;
}

async function readParent(
  how: ParentRead,
  parentId: string,
  run: Run,
): Promise<{ entry: ArmParentItem; failure?: MicrosoftError }> {
  try {
    return { entry: { parentId, items: await readItems(how, parentId, run) } };
  } catch (error) {
    // Throttling and outages after all retries, and a broken connection, are not about this parent.
    if (!(error instanceof MicrosoftError) || error.disconnects || error.retryable) throw error;
    return {
      entry: { parentId, items: [], error: { code: error.code, message: error.message } },
      failure: error,
    };
  }
}

async function readItems(how: ParentRead, parentId: string, run: Run): Promise<unknown[]> {
  const items: unknown[] = [];
  switch (how.kind) {
    case 'list':
      for await (const page of run.arm.list(how.path(parentId, run.ctx))) items.push(...page);
      return items;
    case 'costQuery':
      for (const query of how.queries(run.ctx))
        for await (const rows of run.arm.costQuery(parentId, query)) items.push(...rows);
      return items;
    case 'get':
      return how.items(await run.arm.get(how.path(parentId, run.ctx)));
  }
}

/**
 * Like `Promise.all`, but waits for every promise before throwing the first failure, so nothing
 * still writes to the sink after a disconnection has ended the read.
 */
async function settleAll<T>(work: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/**
 * An ARM client for a tenant connection, sharing the session's HTTP pool and MSAL tokens (the
 * token scope is the cloud's ARM resource, `Endpoints.armScope`).
 */
export function openArmClient(
  connection: { endpoints: Pick<Endpoints, 'armUrl' | 'armScope'> },
  http: HttpClient,
  tokens: TokenProvider,
  options: { sleep?: Sleep; now?: () => number } = {},
): ArmClient {
  return createArmClient({
    armUrl: connection.endpoints.armUrl,
    scope: connection.endpoints.armScope,
    tokens,
    http,
    sleep: options.sleep ?? realSleep,
    ...(options.now ? { now: options.now } : {}),
  });
}
