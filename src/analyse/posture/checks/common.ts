/** Outcome builders and indexes shared by the check families. */
import type { CheckOutcome, Evidence } from '../posture-types.ts';
import type { Raw, SnapshotView } from '../snapshot-view.ts';

export const pass = (summary: string, evidence?: Evidence[]): CheckOutcome => ({
  state: 'pass',
  summary,
  ...(evidence ? { evidence } : {}),
});
export const fail = (summary: string, evidence: Evidence[]): CheckOutcome => ({
  state: 'fail',
  summary,
  evidence,
});
export const notApplicable = (summary: string): CheckOutcome => ({ state: 'notApplicable', summary });

/** pass when nothing fails, else fail listing them: the common shape of "no object may…" checks. */
export function noneMayFail(evidence: Evidence[], what: string, ok: string): CheckOutcome {
  return evidence.length === 0 ? pass(ok) : fail(`${evidence.length} ${what}.`, evidence);
}

export const DAY_MS = 86_400_000;
export const daysBefore = (now: Date, days: number): number => now.getTime() - days * DAY_MS;

/** Parses an ISO date; Graph's "never" (0001-01-01) and null are undefined. */
export function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) || t < Date.UTC(1900, 0, 1) ? undefined : t;
}

export interface User extends Raw {
  id: string;
  displayName?: string;
  userPrincipalName?: string;
  userType?: string | null;
  accountEnabled?: boolean;
  createdDateTime?: string;
  onPremisesSyncEnabled?: boolean | null;
  externalUserState?: string | null;
  passwordPolicies?: string | null;
  assignedLicenses?: { skuId: string }[];
  licenseAssignmentStates?: {
    skuId: string;
    state?: string;
    error?: string;
    assignedByGroup?: string | null;
  }[];
}

export const userEvidence = (u: User, properties?: Record<string, unknown>): Evidence => ({
  type: 'user',
  id: u.id,
  name: u.userPrincipalName ?? u.displayName ?? u.id,
  ...(properties ? { properties } : {}),
});

export function usersById(view: SnapshotView): Map<string, User> {
  return view.memo('usersById', (v) => new Map(v.items<User>('users').map((u) => [u.id.toLowerCase(), u])));
}

/** Last successful sign-in per user id, from the `userSignInActivity` dataset (P1). */
export function lastSignIn(view: SnapshotView): Map<string, number | undefined> {
  return view.memo('lastSignIn', (v) => {
    const map = new Map<string, number | undefined>();
    for (const row of v.items<{ id: string; signInActivity?: Record<string, unknown> | null }>(
      'userSignInActivity',
    )) {
      const a = row.signInActivity ?? {};
      const times = [a.lastSuccessfulSignInDateTime, a.lastSignInDateTime, a.lastNonInteractiveSignInDateTime]
        .map(timeOf)
        .filter((t): t is number => t !== undefined);
      map.set(row.id.toLowerCase(), times.length ? Math.max(...times) : undefined);
    }
    return map;
  });
}

export interface Named {
  id: string;
  displayName?: string;
}

export const named = (type: string, o: Named, properties?: Record<string, unknown>): Evidence => ({
  type,
  id: o.id,
  name: o.displayName ?? o.id,
  ...(properties ? { properties } : {}),
});

/** An optional dataset: `notLicensed` is empty (see CheckMeta.optionalDatasets); other failures throw. */
export function optionalItems<T>(view: SnapshotView, name: string): T[] {
  return view.status(name) === 'notLicensed' ? [] : view.items<T>(name);
}

export const asArray = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
