/**
 * The comparison with a tenant's baseline, as people read it: changes grouped by area, a
 * summary in words, what could not be compared and why, and who pinned the baseline.
 */
import { errorCatalogue } from '../../../platform/errors.ts';
import type { ComparisonEvent, NotCompared } from '../drift-control-types.ts';
import { countOf } from '../format.ts';
import { AREA_ORDER, areaLabel, areaOf, kindLabel } from './kind-fns.ts';

export interface AreaChanges {
  area: string;
  label: string;
  events: ComparisonEvent[];
  high: number;
}

const SEV_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };

/**
 * Changes grouped by area in the fixed area order (so the page does not reshuffle between
 * comparisons); inside an area the most severe first, then by object and path.
 */
export function groupChangesByArea(events: readonly ComparisonEvent[]): AreaChanges[] {
  const groups = new Map<string, ComparisonEvent[]>();
  for (const e of events) {
    const area = areaOf(e.objectKind);
    groups.set(area, [...(groups.get(area) ?? []), e]);
  }
  return AREA_ORDER.filter((a) => groups.has(a)).map((area) => {
    const list = [...groups.get(area)!].sort(
      (a, b) =>
        (SEV_RANK[a.severity] ?? 9) - (SEV_RANK[b.severity] ?? 9) ||
        (a.objectName || a.objectId).localeCompare(b.objectName || b.objectId) ||
        a.path.localeCompare(b.path),
    );
    return {
      area,
      label: areaLabel(area),
      events: list,
      high: list.filter((e) => e.severity === 'high').length,
    };
  });
}

/** "3 changes since the baseline: 1 added, 2 changed", or that nothing changed. */
export function changeSummary(events: readonly ComparisonEvent[]): string {
  if (events.length === 0) return 'No change since the baseline.';
  const parts = (['added', 'removed', 'changed'] as const)
    .map((k) => [k, events.filter((e) => e.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  return `${countOf(events.length, 'change', 'changes')} since the baseline: ${parts.join(', ')}.`;
}

const STATUS_WORDS: Record<string, string> = {
  ok: 'read in full',
  notLicensed: 'not licensed in the tenant',
  forbidden: 'refused by Microsoft (a permission is missing)',
  error: 'failed to read',
  missing: 'not read at all',
};

const statusWords = (s: string) => STATUS_WORDS[s] ?? s;

/**
 * Why a dataset was left out of the comparison, naming the side that was not read in full, and
 * what its error code means (the server's reason is statuses and codes, for support).
 */
export function notComparedWords(n: NotCompared): string {
  const kinds = n.objectKinds.map(kindLabel).join(', ') || n.dataset;
  const from = statusWords(n.fromStatus);
  const to = statusWords(n.toStatus);
  const sides =
    n.fromStatus !== 'ok' && n.toStatus !== 'ok'
      ? from === to
        ? `${from} in the baseline and in the newest snapshot`
        : `${from} in the baseline and ${to} in the newest snapshot`
      : n.fromStatus !== 'ok'
        ? `${from} in the baseline`
        : `${to} in the newest snapshot`;
  const codes = [...new Set(n.reason.match(/TS_ERR_[A-Z_]+/g) ?? [])];
  const hints = codes
    .map((c) => (errorCatalogue as Record<string, { hint?: string }>)[c]?.hint)
    .filter((h): h is string => !!h);
  return `${kinds}: not compared, ${sides}.${hints.length ? ` ${hints.join(' ')}` : ''}`;
}

/**
 * Who changed it, from the attribution stored with the comparison. Against a baseline the
 * window is often longer than the directory audit log keeps, so "unknown" is common and says why.
 */
export function changedByWords(attribution: Record<string, unknown>): string {
  const actor = attribution.actor;
  if (actor && typeof actor === 'object') {
    const a = actor as Record<string, unknown>;
    const name = [a.userPrincipalName, a.displayName, a.appId, a.id].find((v) => typeof v === 'string');
    const confidence =
      typeof attribution.confidence === 'string' ? ` (${attribution.confidence} confidence)` : '';
    return name ? `${String(name)}${confidence}` : 'someone the audit log does not name';
  }
  const detail = typeof attribution.detail === 'string' ? attribution.detail : null;
  return detail ? `unknown: ${detail}` : 'unknown';
}

/** The person behind a `pinnedBy`/`updatedBy` id, in words. */
export function personWords(
  id: string,
  me: { id: string },
  people: ReadonlyMap<string, { email: string; displayName: string | null }> | null,
): string {
  if (id === me.id) return 'you';
  if (id === 'cli') return 'the tenantscope command';
  const p = people?.get(id);
  if (p) return p.displayName ? `${p.displayName} (${p.email})` : p.email;
  return people ? 'a former member' : 'a workspace member';
}
