/**
 * Who holds which licence, how it got there (direct or through a group, from
 * `licenseAssignmentStates[].assignedByGroup`), and what sign-in data says about the holder.
 */
import type { Snapshot } from '../../collect/snapshot-types.ts';
import { accountKind } from './account-heuristics.ts';
import type { AssignmentPath, SignInState, UserLicence, UserLicenceRow } from './licence-types.ts';
import { type RawGroup, type RawUser, read, signInStates } from './licence-view.ts';
import { overlapsOf, type SkuCatalogue, skuName } from './sku-catalogue.ts';

export interface AssignmentInput {
  snapshot: Snapshot;
  catalogue: SkuCatalogue;
  nowMs: number;
  /** skuId → skuPartNumber from subscribedSkus (the tenant's own names win over the catalogue) */
  partNumbers: ReadonlyMap<string, string>;
}

export interface Assignments {
  rows: UserLicenceRow[];
  /** why sign-in states are unknown, when they are */
  signInUnknown: string | null;
}

const UNKNOWN: SignInState = { state: 'unknown' };

export function buildAssignments(input: AssignmentInput): Assignments | undefined {
  const users = read<RawUser>(input.snapshot, 'users');
  if (!users.ok) return undefined;
  const signIns = signInStates(input.snapshot, input.nowMs);
  const groupNames = groupNamesOf(input.snapshot);
  const rows = users.items.map((u) =>
    userRow(u, input, groupNames, signIns.known ? (signIns.byUser.get(u.id) ?? UNKNOWN) : UNKNOWN),
  );
  return { rows, signInUnknown: signIns.known ? null : signIns.reason };
}

function groupNamesOf(snapshot: Snapshot): Map<string, string | null> | undefined {
  const groups = read<RawGroup>(snapshot, 'groups');
  if (!groups.ok) return undefined;
  return new Map(groups.items.map((g) => [g.id, g.displayName ?? null]));
}

function userRow(
  u: RawUser,
  input: AssignmentInput,
  groupNames: Map<string, string | null> | undefined,
  signIn: SignInState,
): UserLicenceRow {
  const licences = licencesOf(u, input, groupNames);
  const parts = licences.map((l) => l.skuPartNumber);
  const { involved, redundant } = overlapsOf(input.catalogue, parts);
  const idOf = (part: string) => licences.find((l) => l.skuPartNumber === part)!.skuId;
  const kind = licences.length > 0 ? accountKind(u, signIn) : null;
  return {
    userId: u.id,
    userPrincipalName: u.userPrincipalName ?? null,
    displayName: u.displayName ?? null,
    department: u.department ?? null,
    userType: u.userType ?? null,
    accountEnabled: u.accountEnabled ?? null,
    createdDateTime: u.createdDateTime ?? null,
    licences,
    signIn,
    overlappingSkuIds: [...involved].map(idOf).sort(),
    redundantSkuIds: [...redundant].map(idOf).sort(),
    possibleSharedMailbox: kind === 'sharedMailbox',
    possibleServiceAccount: kind === 'serviceAccount',
    usage: null,
  };
}

function licencesOf(
  u: RawUser,
  input: AssignmentInput,
  groupNames: Map<string, string | null> | undefined,
): UserLicence[] {
  const states = u.licenseAssignmentStates ?? null;
  const ids = new Set<string>();
  for (const l of u.assignedLicenses ?? []) if (l.skuId) ids.add(l.skuId.toLowerCase());
  return [...ids].map((skuId) => {
    const part = input.partNumbers.get(skuId) ?? input.catalogue.byId.get(skuId)?.skuPartNumber ?? skuId;
    const mine = states?.filter((s) => (s.skuId ?? '').toLowerCase() === skuId) ?? [];
    const groupIds = [...new Set(mine.map((s) => s.assignedByGroup).filter((g): g is string => Boolean(g)))];
    const direct = mine.some((s) => !s.assignedByGroup);
    const path: AssignmentPath =
      states === null || mine.length === 0
        ? 'unknown'
        : direct && groupIds.length > 0
          ? 'both'
          : direct
            ? 'direct'
            : 'group';
    const error = mine.map((s) => s.error).find((e) => e && e !== 'None') ?? null;
    return {
      skuId,
      skuPartNumber: part,
      name: skuName(input.catalogue, skuId, part),
      path,
      groups: groupIds.map((id) => ({ id, displayName: groupNames?.get(id) ?? null })),
      error,
    };
  });
}
