/**
 * The licence facts a generator planted, read from the roster it generated (the same roster the
 * Graph objects are built from). Definitions (also in README.md):
 * - idle N days: licensed, signed in at least once, and the later of the last interactive and
 *   non-interactive sign-in is more than N days before asOf; the lists are cumulative
 *   (days30 ⊇ days60 ⊇ days90) and independent of accountEnabled;
 * - never signed in: licensed, no interactive and no non-interactive sign-in ever;
 * - overlapping: a user's SKUs where one includes another (catalog/skus.ts SKU_INCLUDES).
 */
import { overlappingSkuIds } from './catalog/skus.ts';
import type { GenContext, UserMeta } from './context.ts';
import { DAY_MS } from './time.ts';

export function plantLicenceFacts(ctx: GenContext): void {
  const p = ctx.planted;
  const licensed = ctx.users.filter((u) => u.skus.length > 0);
  const lastOf = (u: UserMeta) =>
    Math.max(u.lastInteractiveMs ?? -Infinity, u.lastNonInteractiveMs ?? -Infinity);
  const idleOver = (days: number) =>
    licensed
      .filter((u) => Number.isFinite(lastOf(u)) && ctx.clock.asOfMs - lastOf(u) > days * DAY_MS)
      .map((u) => u.id);
  p.users = ctx.users.length;
  p.guests = ctx.users.filter((u) => u.kind === 'guest').length;
  p.disabledUsersWithLicences = licensed.filter((u) => !u.enabled).map((u) => u.id);
  p.neverSignedInWithLicences = licensed.filter((u) => !Number.isFinite(lastOf(u))).map((u) => u.id);
  p.idleWithLicences = { days30: idleOver(30), days60: idleOver(60), days90: idleOver(90) };
  p.overlappingLicences = [];
  for (const u of licensed) {
    const skuIds = overlappingSkuIds(u.skus);
    if (skuIds.length > 0) p.overlappingLicences.push({ userId: u.id, skuIds });
  }
  p.guestsWithLicences = licensed.filter((u) => u.kind === 'guest').map((u) => u.id);
  p.notes.sharedMailboxesWithLicences = licensed.filter((u) => u.kind === 'shared').map((u) => u.id);
  p.notes.serviceAccountsWithLicences = licensed.filter((u) => u.kind === 'service').map((u) => u.id);
  p.notes.breakGlassAccounts = ctx.breakGlass.map((u) => u.id);
  p.notes.licenceGroups = Object.fromEntries(ctx.licenceGroups);
  p.notes.sensitiveGroups = ctx.groups.sensitive;
}

export function emptyPlanted(): GenContext['planted'] {
  return {
    users: 0,
    guests: 0,
    disabledUsersWithLicences: [],
    neverSignedInWithLicences: [],
    idleWithLicences: { days30: [], days60: [], days90: [] },
    overlappingLicences: [],
    guestsWithLicences: [],
    globalAdmins: [],
    permanentPrivilegedAssignments: [],
    riskyConsentGrants: [],
    expiringAppCredentials: [],
    usersWithoutMfa: [],
    anyoneLinks: 0,
    orgWideLinks: 0,
    idleAzureResources: [],
    notes: {},
  };
}
