import type { GraphClient } from '../connectors/graph-client.ts';
import { MicrosoftError } from '../connectors/microsoft-error.ts';
import { applyDeltaPage, type DeltaState, deltaState, type GraphItem } from './delta-apply.ts';
import type { CollectContext, GraphDataset } from './graph-datasets.ts';
import type { DatasetResult, Snapshot } from './snapshot-types.ts';

/**
 * Datasets read with delta queries (issue 4). `userSignInActivity` is not one of them: delta does
 * not track signInActivity, so it stays a full read of `/users?$select=id,signInActivity`.
 */
export const DELTA_DATASETS: ReadonlySet<string> = new Set(['users', 'groups']);

/**
 * Delta endpoints take no `$top`; the page size is asked with `Prefer: odata.maxpagesize`, and 999
 * is the directory maximum (graph-protocol.md §2.1, §2.3).
 */
export const DELTA_PAGE_SIZE = 999;

/**
 * The part of a previous snapshot a delta sync uses: its tenant and its delta datasets. Keeping
 * only this (and letting the rest of a loaded file go) means a 100,000-user tenant's previous
 * snapshot does not sit in memory beside the new one.
 */
export function deltaBasis(previous: Snapshot): Snapshot {
  const datasets = Object.fromEntries(
    Object.entries(previous.datasets).filter(([name]) => DELTA_DATASETS.has(name)),
  );
  return { ...previous, datasets };
}

/** How a delta dataset was read, and why not incrementally when there was a previous snapshot. */
export interface DeltaRead {
  items: GraphItem[];
  deltaLink?: string;
  deltaQuery: string;
  mode: 'full' | 'delta';
  /** for a full read: why the previous deltaLink was not (or could not be) followed */
  reason?: string;
  /** upserts and removals applied (a full read counts every object) */
  changes: number;
}

/**
 * The delta request for a dataset, built from its own `$select` in graph-datasets.ts so the two
 * can never disagree: `/users?$select=a,b&$top=999` → `/users/delta?$select=a,b`. A dataset with
 * any other query option ($filter, $expand…) is not delta-capable and gets undefined.
 */
export function deltaQueryOf(ds: GraphDataset, ctx: CollectContext): string | undefined {
  if (ds.shape !== 'collection' || !DELTA_DATASETS.has(ds.name)) return undefined;
  const url = new URL(ds.path(ctx), 'https://graph.invalid');
  for (const key of url.searchParams.keys()) if (key !== '$select' && key !== '$top') return undefined;
  const select = url.searchParams.get('$select');
  return `${url.pathname}/delta${select ? `?$select=${select}` : ''}`;
}

/**
 * Reads a delta dataset completely. With a usable previous dataset it follows the stored
 * deltaLink and applies the changes to the previous items; a token Graph no longer honours (410,
 * `syncStateNotFound`, `resyncRequired` → `deltaExpired`), or one it refuses, falls back to a full
 * round from scratch — never to a partial dataset. Other failures are thrown to the caller.
 */
export async function readDelta(
  graph: GraphClient,
  deltaQuery: string,
  previous: DatasetResult | undefined,
  onPage: (itemsSoFar: number) => void,
): Promise<DeltaRead> {
  const usable = resumeLink(graph, deltaQuery, previous);
  let reason = 'reason' in usable ? usable.reason : undefined;
  if ('link' in usable) {
    const state = deltaState(previous?.items);
    try {
      const round = await readRound(graph, usable.link, state, onPage);
      return { items: [...state.values()], deltaQuery, mode: 'delta', ...round };
    } catch (error) {
      if (!(error instanceof MicrosoftError) || (error.kind !== 'deltaExpired' && error.kind !== 'rejected'))
        throw error;
      reason = `${error.kind === 'deltaExpired' ? 'the delta token expired' : 'Graph refused the delta link'} (${error.code})`;
    }
  }
  const state = deltaState();
  const round = await readRound(graph, deltaQuery, state, onPage);
  return { items: [...state.values()], deltaQuery, mode: 'full', ...round, ...(reason ? { reason } : {}) };
}

/** Whether the previous dataset's deltaLink can be followed for this query on this endpoint. */
function resumeLink(
  graph: GraphClient,
  deltaQuery: string,
  previous: DatasetResult | undefined,
): { link: string } | { reason?: string } {
  if (!previous) return {};
  if (previous.status !== 'ok') return { reason: `the previous read was ${previous.status}` };
  if (!previous.deltaLink) return { reason: 'the previous snapshot has no deltaLink' };
  if (previous.deltaQuery !== deltaQuery) return { reason: 'the selected properties changed' };
  // The token belongs to one endpoint and query; a link to another cloud or version is not ours.
  if (!previous.deltaLink.startsWith(`${graph.baseUrl}${deltaQuery.split('?')[0]}?`))
    return { reason: 'the previous deltaLink is for another endpoint' };
  return { link: previous.deltaLink };
}

/** One round: every page until the deltaLink, each applied to `state` in order. */
async function readRound(
  graph: GraphClient,
  start: string,
  state: DeltaState,
  onPage: (itemsSoFar: number) => void,
): Promise<{ deltaLink?: string; changes: number }> {
  let deltaLink: string | undefined;
  let changes = 0;
  for await (const page of graph.pages<GraphItem>(start, { maxPageSize: DELTA_PAGE_SIZE })) {
    changes += applyDeltaPage(state, page.value);
    deltaLink = page['@odata.deltaLink'] ?? deltaLink;
    onPage(state.size);
  }
  // Without a deltaLink the round is still complete; the next sync simply reads in full again.
  return { ...(deltaLink ? { deltaLink } : {}), changes };
}
