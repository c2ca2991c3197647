/**
 * Reads the datasets the licence analysis needs out of a snapshot, as Microsoft returned them
 * (shapes: graph-protocol.md §4; fields: src/collect/graph-datasets.ts). A dataset that is not
 * `ok` is unknown, never empty: `read` says so and callers report "cannot tell".
 */
import type { RelationItem, Snapshot } from '../../collect/snapshot-types.ts';
import type { SignInState } from './licence-types.ts';

export interface RawUser {
  id: string;
  userPrincipalName?: string | null;
  displayName?: string | null;
  department?: string | null;
  userType?: string | null;
  accountEnabled?: boolean | null;
  createdDateTime?: string | null;
  assignedLicenses?: { skuId?: string | null; disabledPlans?: string[] }[] | null;
  licenseAssignmentStates?:
    | {
        skuId?: string | null;
        assignedByGroup?: string | null;
        state?: string | null;
        error?: string | null;
      }[]
    | null;
}

export interface RawSignInActivity {
  lastSignInDateTime?: string | null;
  lastNonInteractiveSignInDateTime?: string | null;
}

export interface RawSku {
  skuId: string;
  skuPartNumber?: string | null;
  appliesTo?: string | null;
  capabilityStatus?: string | null;
  consumedUnits?: number | null;
  prepaidUnits?: { enabled?: number; warning?: number; suspended?: number; lockedOut?: number } | null;
  servicePlans?: { servicePlanId?: string; servicePlanName?: string; provisioningStatus?: string }[] | null;
  subscriptionIds?: string[] | null;
}

export interface RawGroup {
  id: string;
  displayName?: string | null;
  assignedLicenses?: { skuId?: string | null }[] | null;
}

export type Read<T> = { ok: true; items: T[] } | { ok: false; status: string };

export function read<T>(snapshot: Snapshot, name: string): Read<T> {
  const d = snapshot.datasets[name];
  if (!d) return { ok: false, status: 'missing' };
  if (d.status !== 'ok') return { ok: false, status: d.status };
  return { ok: true, items: d.items as T[] };
}

export function readRelation<T>(snapshot: Snapshot, name: string): Map<string, T[]> | undefined {
  const r = read<RelationItem<T>>(snapshot, name);
  if (!r.ok) return undefined;
  return new Map(r.items.map((e) => [e.parentId, e.items]));
}

export const DAY_MS = 86_400_000;

/**
 * Sign-in data begins in April 2020 (graph-protocol.md §4 notes), and Graph writes "never" for
 * non-interactive sign-ins as `0001-01-01T00:00:00Z`: any instant before 2000 means never.
 */
const EARLIEST_REAL_SIGN_IN = Date.UTC(2000, 0, 1);

function instant(value: string | null | undefined): number | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) || t < EARLIEST_REAL_SIGN_IN ? null : t;
}

/**
 * The later of the interactive and non-interactive sign-in (CIPP's InactiveLicensedUsers rule too).
 * Dates are kept as Microsoft wrote them (ISO 8601, UTC): reformatting 100,000 of them is slow.
 */
export function signInState(activity: RawSignInActivity | null | undefined, nowMs: number): SignInState {
  const interactive = instant(activity?.lastSignInDateTime);
  const nonInteractive = instant(activity?.lastNonInteractiveSignInDateTime);
  if (interactive === null && nonInteractive === null) return { state: 'never' };
  const interactiveLater = interactive !== null && (nonInteractive === null || interactive >= nonInteractive);
  const last = interactiveLater ? interactive : nonInteractive!;
  return {
    state: 'seen',
    last: (interactiveLater ? activity!.lastSignInDateTime : activity!.lastNonInteractiveSignInDateTime)!,
    lastInteractive: interactive === null ? null : activity!.lastSignInDateTime!,
    lastNonInteractive: nonInteractive === null ? null : activity!.lastNonInteractiveSignInDateTime!,
    daysSince: Math.floor((nowMs - last) / DAY_MS),
  };
}

/**
 * Sign-in states by user id, or the reason none can be known. `userSignInActivity` needs Entra ID
 * P1 (graph-protocol.md §7): `notLicensed` there means "the tenant cannot tell", never "idle".
 */
export function signInStates(
  snapshot: Snapshot,
  nowMs: number,
): { known: true; byUser: Map<string, SignInState> } | { known: false; reason: string } {
  const r = read<{ id: string; signInActivity?: RawSignInActivity | null }>(snapshot, 'userSignInActivity');
  if (!r.ok) {
    const reason =
      r.status === 'notLicensed'
        ? 'The tenant has no Microsoft Entra ID P1 or P2, so Microsoft does not record last sign-ins: no account can be called idle.'
        : `Last sign-ins were not read (userSignInActivity is ${r.status}), so no account can be called idle.`;
    return { known: false, reason };
  }
  const byUser = new Map<string, SignInState>();
  for (const item of r.items) byUser.set(item.id, signInState(item.signInActivity, nowMs));
  return { known: true, byUser };
}
