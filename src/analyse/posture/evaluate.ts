/**
 * Evaluates the ruleset over one snapshot. Pure: the snapshot, settings and `now` in, results out.
 *
 * Order of decisions for one check (README.md):
 * 1. `manual` checks say what to look at;
 * 2. the tenant's Entra plan (from subscribedSkus) below the check's floor → `notLicensed`;
 * 3. a declared dataset that is `notLicensed` → `notLicensed`; otherwise not `ok` → `unknown`;
 * 4. the check runs on a view limited to its datasets; reading an unavailable one → as in 3;
 *    any other error → `unknown` (a broken check never passes);
 * 5. a `fail` of a premium check when the plan could not be read → `unknown` (never a false fail);
 * 6. a `fail` covered by an unexpired acceptance → `accepted`; an expired one stays `fail`.
 */
import type { Snapshot } from '../../collect/snapshot-types.ts';
import { LICENCE_RANK, type TenantLicence, tenantLicence } from './licence.ts';
import type {
  AcceptedFinding,
  BreakGlass,
  Check,
  CheckOutcome,
  CheckResult,
  ResultState,
} from './posture-types.ts';
import { ruleset } from './ruleset.ts';
import { type PostureScores, scoreResults } from './score.ts';
import { defaultSettings, type PostureSettings } from './settings.ts';
import { createView, DatasetUnavailable, type SnapshotView } from './snapshot-view.ts';

export interface EvaluateInput {
  snapshot: Snapshot;
  settings?: PostureSettings;
  /** ages and acceptance expiry are measured from here; default: when the snapshot was collected */
  now?: Date;
  /** the checks to run; default: the whole ruleset */
  checks?: readonly Check[];
}

export interface PostureEvaluation {
  tenant: Snapshot['tenant'];
  snapshotCollectedAt: string;
  evaluatedAt: string;
  licence: TenantLicence;
  results: CheckResult[];
  scores: PostureScores;
}

export function evaluatePosture(input: EvaluateInput): PostureEvaluation {
  const settings = input.settings ?? defaultSettings();
  const now = input.now ?? new Date(input.snapshot.collectedAt);
  const views = createView(input.snapshot, now);
  const licence = tenantLicence(views.root);
  const breakGlass = resolveBreakGlass(views.root, settings.breakGlass);
  const results = (input.checks ?? ruleset()).map((check) => {
    const view = views.scoped([...check.datasets, ...(check.optionalDatasets ?? [])]);
    const raw = runCheck(check, view, settings, breakGlass, licence);
    return finish(check, raw, settings, now);
  });
  return {
    tenant: input.snapshot.tenant,
    snapshotCollectedAt: input.snapshot.collectedAt,
    evaluatedAt: now.toISOString(),
    licence,
    results,
    scores: scoreResults(results),
  };
}

type Raw = { state: ResultState; summary: string; reason?: string; evidence?: CheckOutcome['evidence'] };

function runCheck(
  check: Check,
  view: SnapshotView,
  settings: PostureSettings,
  breakGlass: BreakGlass,
  licence: TenantLicence,
): Raw {
  if (check.mode === 'manual') {
    const summary = check.evaluate({ view, settings, breakGlass }).summary;
    return { state: 'manual', summary, reason: summary };
  }
  if (licence.plan !== undefined && LICENCE_RANK[licence.plan] < LICENCE_RANK[check.minLicence]) {
    const reason = `The tenant has Entra ID ${licence.plan}; this check needs ${check.minLicence}.`;
    return { state: 'notLicensed', summary: reason, reason };
  }
  for (const name of check.datasets) {
    const status = view.status(name);
    if (status !== 'ok') return unavailable(new DatasetUnavailable(name, status));
  }
  let outcome: CheckOutcome;
  try {
    outcome = check.evaluate({ view, settings, breakGlass });
  } catch (error) {
    if (error instanceof DatasetUnavailable) return unavailable(error);
    const reason = `The check could not be evaluated: ${(error as Error).message}`;
    return { state: 'unknown', summary: reason, reason };
  }
  if (outcome.state === 'fail' && licence.plan === undefined && check.minLicence !== 'Free') {
    const reason = `The tenant's licences could not be read, so a missing ${check.minLicence} feature is not reported as a failure.`;
    return { state: 'unknown', summary: outcome.summary, reason };
  }
  return outcome.state === 'notApplicable' || outcome.state === 'manual'
    ? { ...outcome, reason: outcome.summary }
    : outcome;
}

function unavailable(e: DatasetUnavailable): Raw {
  if (e.status === 'notLicensed') {
    const reason = `The tenant lacks the licence to read ${e.dataset}${e.detail ? ` (${e.detail})` : ''}.`;
    return { state: 'notLicensed', summary: reason, reason };
  }
  const reason = `Dataset ${e.dataset} is ${e.status}${e.detail ? `: ${e.detail}` : ''}; the check cannot tell.`;
  return { state: 'unknown', summary: reason, reason };
}

function finish(check: Check, raw: Raw, settings: PostureSettings, now: Date): CheckResult {
  const evidence = raw.evidence ?? [];
  const result: CheckResult = {
    checkId: check.id,
    title: check.title,
    area: check.area,
    severity: check.severity,
    state: raw.state,
    summary: raw.summary,
    ...(raw.reason ? { reason: raw.reason } : {}),
    evidence: evidence.slice(0, settings.thresholds.maxEvidence),
    evidenceTotal: evidence.length,
    frameworks: check.frameworks,
  };
  if (raw.state !== 'fail') return result;
  const acceptance = latestAcceptance(settings.acceptedFindings, check.id);
  if (!acceptance) return result;
  const expired = Date.parse(acceptance.expiresAt) <= now.getTime();
  return { ...result, state: expired ? 'fail' : 'accepted', acceptance: { ...acceptance, expired } };
}

/** Several acceptances for one check: the one that runs longest counts. */
function latestAcceptance(all: readonly AcceptedFinding[], checkId: string): AcceptedFinding | undefined {
  return all
    .filter((a) => a.checkId === checkId)
    .sort((a, b) => Date.parse(b.expiresAt) - Date.parse(a.expiresAt))[0];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Object ids are taken as they are; UPNs are looked up in `users` (case-insensitive). */
function resolveBreakGlass(view: SnapshotView, declared: readonly string[]): BreakGlass {
  const ids = new Set<string>();
  const upns = declared.filter((d) => !GUID.test(d));
  for (const d of declared) if (GUID.test(d)) ids.add(d.toLowerCase());
  if (upns.length === 0) return { ids, unresolved: [] };
  if (view.status('users') !== 'ok') return { ids, unresolved: upns };
  const wanted = new Set(upns.map((u) => u.toLowerCase()));
  for (const u of view.items<{ id: string; userPrincipalName?: string }>('users')) {
    const upn = u.userPrincipalName?.toLowerCase();
    if (upn && wanted.has(upn)) {
      ids.add(u.id.toLowerCase());
      wanted.delete(upn);
    }
  }
  // A UPN that is not in the tenant excludes nobody; it is simply not a break-glass account here.
  return { ids, unresolved: [] };
}
