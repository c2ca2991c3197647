/**
 * Posture results into storage: the tenant's exceptions and acceptances in (as PostureSettings),
 * findings with their lifecycle and the score out. One short transaction for the findings and
 * the score of one snapshot (a few hundred rows).
 */
import type { Insertable } from 'kysely';
import type { PostureEvaluation } from '../analyse/posture/evaluate.ts';
import type { CheckResult } from '../analyse/posture/posture-types.ts';
import { DEFAULT_THRESHOLDS, type PostureSettings, settingsFileSchema } from '../analyse/posture/settings.ts';
import { newId } from '../platform/ids.ts';
import type { FindingState, Schema } from '../storage/schema.ts';
import type { Tx } from '../storage/transactions.ts';
import { type Episode, isOpen, nextEpisode } from './finding-fns.ts';
import type { AnalysisTarget } from './pipeline-types.ts';

/** Thresholds overrides are validated with the settings file's own schema. */
export const thresholdsSchema = settingsFileSchema.shape.thresholds;

/** The settings one evaluation of this tenant uses: break-glass accounts and unrevoked acceptances. */
export async function postureSettingsFor(tx: Tx, tenantId: string): Promise<PostureSettings> {
  const exceptions = await tx
    .selectFrom('tenant_exceptions')
    .select(['break_glass', 'thresholds'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  const acceptances = await tx
    .selectFrom('finding_acceptances')
    .select(['check_id', 'reason', 'accepted_by', 'expires_at'])
    .where('tenant_id', '=', tenantId)
    .where('revoked_at', 'is', null)
    .execute();
  return {
    thresholds: { ...DEFAULT_THRESHOLDS, ...thresholdsSchema.parse(exceptions?.thresholds ?? {}) },
    breakGlass: exceptions?.break_glass ?? [],
    // Expired ones are passed too: the evaluator reports them as `fail` with `acceptance.expired`.
    acceptedFindings: acceptances.map((a) => ({
      checkId: a.check_id,
      reason: a.reason,
      acceptedBy: a.accepted_by,
      expiresAt: a.expires_at.toISOString(),
    })),
  };
}

type FindingRow = Insertable<Schema['findings']>;

interface StoredEpisode extends Episode {
  id: string;
  evaluatedCollectedAt: Date;
}

/** Upserts one row per check, appends state changes to the history, retires vanished checks. */
export async function storePosture(
  tx: Tx,
  target: AnalysisTarget,
  evaluation: PostureEvaluation,
): Promise<{ open: number; opened: number; resolved: number }> {
  const existing = await loadEpisodes(tx, target.tenantId);
  if ([...existing.values()].some((e) => e.evaluatedCollectedAt > target.collectedAt)) {
    // A newer snapshot was analysed already (a re-run of an old one): its rows stand.
    return { open: [...existing.values()].filter(isOpen).length, opened: 0, resolved: 0 };
  }
  const rows: FindingRow[] = [];
  const history: { check_id: string; from_state: FindingState | null; to_state: FindingState }[] = [];
  const counts = { open: 0, opened: 0, resolved: 0 };
  const step = (
    checkId: string,
    state: FindingState,
    base: Omit<FindingRow, 'state' | 'id' | 'check_id'>,
  ) => {
    const before = existing.get(checkId);
    const { episode, changed } = nextEpisode(before, state, target.collectedAt);
    if (changed) history.push({ check_id: checkId, from_state: before?.state ?? null, to_state: state });
    if (isOpen(episode)) counts.open++;
    if (isOpen(episode) && !(before && isOpen(before))) counts.opened++;
    if (before && isOpen(before) && !isOpen(episode)) counts.resolved++;
    rows.push({
      ...base,
      id: before?.id ?? newId(),
      check_id: checkId,
      state,
      first_seen_at: episode.firstSeenAt,
      last_seen_at: episode.lastSeenAt,
      resolved_at: episode.resolvedAt,
    });
  };
  const seen = new Set<string>();
  for (const r of evaluation.results) {
    seen.add(r.checkId);
    step(r.checkId, r.state, rowBase(target, r));
  }
  for (const [checkId, e] of existing) {
    if (seen.has(checkId) || e.state === 'retired') continue;
    step(checkId, 'retired', await retiredBase(tx, target, e.id));
  }
  await upsertFindings(tx, rows);
  if (history.length > 0) {
    await tx
      .insertInto('finding_history')
      .values(
        history.map((h) => ({
          ...h,
          workspace_id: target.workspaceId,
          tenant_id: target.tenantId,
          snapshot_id: target.snapshotId,
          collected_at: target.collectedAt,
        })),
      )
      .execute();
  }
  await storeScore(tx, target, evaluation);
  return counts;
}

async function loadEpisodes(tx: Tx, tenantId: string): Promise<Map<string, StoredEpisode>> {
  const rows = await tx
    .selectFrom('findings')
    .select([
      'id',
      'check_id',
      'state',
      'first_seen_at',
      'last_seen_at',
      'resolved_at',
      'evaluated_collected_at',
    ])
    .where('tenant_id', '=', tenantId)
    .execute();
  return new Map(
    rows.map((r) => [
      r.check_id,
      {
        id: r.id,
        state: r.state,
        firstSeenAt: r.first_seen_at,
        lastSeenAt: r.last_seen_at,
        resolvedAt: r.resolved_at,
        evaluatedCollectedAt: r.evaluated_collected_at,
      },
    ]),
  );
}

function rowBase(target: AnalysisTarget, r: CheckResult) {
  return {
    workspace_id: target.workspaceId,
    tenant_id: target.tenantId,
    severity: r.severity,
    area: r.area,
    title: r.title,
    summary: r.summary,
    reason: r.reason ?? null,
    evidence: JSON.stringify({ items: r.evidence, total: r.evidenceTotal }),
    snapshot_id: target.snapshotId,
    evaluated_collected_at: target.collectedAt,
    first_seen_at: null,
    last_seen_at: null,
    resolved_at: null,
  };
}

/** A check no longer in the ruleset keeps its description; only the state and dates move. */
async function retiredBase(tx: Tx, target: AnalysisTarget, id: string) {
  const row = await tx
    .selectFrom('findings')
    .select(['severity', 'area', 'title'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return {
    ...row,
    workspace_id: target.workspaceId,
    tenant_id: target.tenantId,
    summary: 'This check is no longer part of the ruleset.',
    reason: 'retired',
    evidence: JSON.stringify({ items: [], total: 0 }),
    snapshot_id: target.snapshotId,
    evaluated_collected_at: target.collectedAt,
    first_seen_at: null,
    last_seen_at: null,
    resolved_at: null,
  };
}

async function upsertFindings(tx: Tx, rows: FindingRow[]): Promise<void> {
  // 300-odd rows of 16 values stay far below PostgreSQL's 65,535 bind parameters; batch anyway.
  for (let i = 0; i < rows.length; i += 500) {
    await tx
      .insertInto('findings')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'check_id']).doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          severity: eb.ref('excluded.severity'),
          area: eb.ref('excluded.area'),
          title: eb.ref('excluded.title'),
          summary: eb.ref('excluded.summary'),
          reason: eb.ref('excluded.reason'),
          evidence: eb.ref('excluded.evidence'),
          first_seen_at: eb.ref('excluded.first_seen_at'),
          last_seen_at: eb.ref('excluded.last_seen_at'),
          resolved_at: eb.ref('excluded.resolved_at'),
          snapshot_id: eb.ref('excluded.snapshot_id'),
          evaluated_collected_at: eb.ref('excluded.evaluated_collected_at'),
        })),
      )
      .execute();
  }
}

async function storeScore(tx: Tx, target: AnalysisTarget, evaluation: PostureEvaluation): Promise<void> {
  const { tenant, areas } = evaluation.scores;
  const values = {
    snapshot_id: target.snapshotId,
    score: tenant.score,
    passed_weight: tenant.passedWeight,
    possible_weight: tenant.possibleWeight,
    counts: JSON.stringify(tenant.counts),
    areas: JSON.stringify(areas),
    licence_plan: evaluation.licence.plan ?? null,
  };
  await tx
    .insertInto('posture_scores')
    .values({
      id: newId(),
      workspace_id: target.workspaceId,
      tenant_id: target.tenantId,
      collected_at: target.collectedAt,
      ...values,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'collected_at']).doUpdateSet(values))
    .execute();
}
