/**
 * Licence findings over user rows. Definitions (the same as the generator's planted facts,
 * src/emulator/generator/README.md, so tests can compare exactly):
 * - idle N days: licensed, signed in at least once, and the later of the last interactive and
 *   non-interactive sign-in is MORE than N days before `now`; cumulative (30 ⊇ 60 ⊇ 90);
 *   independent of accountEnabled;
 * - never signed in: licensed, neither kind of sign-in ever, and created more than
 *   `newAccountGraceDays` ago (a new starter who has not signed in yet is not waste);
 * - without sign-in data (no Entra ID P1) both are "cannot tell": no account is called idle.
 */
import type { IdleView, LicenceFindings, UserLicenceRow } from './licence-types.ts';
import { DAY_MS } from './licence-view.ts';

export const IDLE_THRESHOLDS = [30, 60, 90] as const;

export interface FindingOptions {
  nowMs: number;
  newAccountGraceDays: number;
  /** null when sign-in data is known; else why not */
  signInUnknown: string | null;
}

export function isIdle(row: UserLicenceRow, days: number, nowMs: number): boolean {
  return row.signIn.state === 'seen' && nowMs - Date.parse(row.signIn.last) > days * DAY_MS;
}

export function isNeverSignedIn(row: UserLicenceRow, nowMs: number, graceDays: number): boolean {
  if (row.signIn.state !== 'never') return false;
  const created = row.createdDateTime ? Date.parse(row.createdDateTime) : Number.NaN;
  return Number.isNaN(created) || nowMs - created > graceDays * DAY_MS;
}

export function buildFindings(rows: readonly UserLicenceRow[], options: FindingOptions): LicenceFindings {
  const licensed = rows.filter((r) => r.licences.length > 0);
  const ids = (keep: (r: UserLicenceRow) => boolean) => licensed.filter(keep).map((r) => r.userId);
  const known = options.signInUnknown === null;
  const idle: IdleView = known
    ? {
        status: 'known',
        days30: ids((r) => isIdle(r, 30, options.nowMs)),
        days60: ids((r) => isIdle(r, 60, options.nowMs)),
        days90: ids((r) => isIdle(r, 90, options.nowMs)),
      }
    : { status: 'cannotTell', reason: options.signInUnknown! };
  const assignments = licensed.flatMap((r) => r.licences);
  return {
    holdersKnown: true,
    licensedUsers: licensed.length,
    directAssignments: assignments.filter((l) => l.path === 'direct' || l.path === 'both').length,
    groupAssignments: assignments.filter((l) => l.path === 'group' || l.path === 'both').length,
    disabledWithLicences: ids((r) => r.accountEnabled === false),
    neverSignedInWithLicences: known
      ? ids((r) => isNeverSignedIn(r, options.nowMs, options.newAccountGraceDays))
      : null,
    idle,
    overlapping: licensed
      .filter((r) => r.overlappingSkuIds.length > 0)
      .map((r) => ({ userId: r.userId, skuIds: r.overlappingSkuIds })),
    guestsWithLicences: ids((r) => r.userType === 'Guest'),
    possibleSharedMailboxes: ids((r) => r.possibleSharedMailbox),
    possibleServiceAccounts: ids((r) => r.possibleServiceAccount),
    assignmentErrors: licensed.flatMap((r) =>
      r.licences
        .filter((l) => l.error !== null)
        .map((l) => ({ userId: r.userId, skuId: l.skuId, error: l.error! })),
    ),
  };
}
