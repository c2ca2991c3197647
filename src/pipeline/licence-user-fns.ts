/**
 * Per-user licence lines for the API, picked from a licence analysis (pure). Lines are not
 * stored (licence-store.ts keeps figures only): they are recomputed from the latest snapshot.
 */
import { isIdle } from '../analyse/licences/findings.ts';
import type { LicenceAnalysis, UserLicenceRow, WasteReason } from '../analyse/licences/index.ts';

export const USER_FILTERS = ['all', 'idle', 'disabled', 'neverSignedIn', 'overlap', 'guest'] as const;
export type UserFilter = (typeof USER_FILTERS)[number];

export interface UserWaste {
  reason: WasteReason;
  possible: boolean;
  skuId: string;
  skuPartNumber: string;
  units: number;
  /** null when the SKU has no price */
  monthly: number | null;
}

export interface UserLine extends UserLicenceRow {
  /** the licence units of this user counted as waste, and why */
  waste: UserWaste[];
}

export interface UserSelection {
  /** how many lines match, before paging */
  total: number;
  /** why this filter cannot be answered (no users or no sign-in data), else null */
  cannotTell: string | null;
  users: UserLine[];
}

/**
 * The licensed users a filter names, in the snapshot's order. `idle` is the summary's idle count:
 * last sign-in more than the analysis' idle threshold (90 days) ago. Without sign-in data, `idle`
 * and `neverSignedIn` cannot be told: no one is listed, and `cannotTell` says why.
 */
export function selectUserLines(
  a: LicenceAnalysis,
  filter: UserFilter,
  paging: { limit: number; offset: number },
): UserSelection {
  const f = a.findings;
  if (!f.holdersKnown) return none('The users dataset was not read, so licence holders are unknown.');
  let ids: ReadonlySet<string> | undefined;
  if (filter === 'idle') {
    if (f.idle.status === 'cannotTell') return none(f.idle.reason);
    const nowMs = Date.parse(a.now);
    ids = new Set(a.users.filter((u) => isIdle(u, a.waste.idleDays, nowMs)).map((u) => u.userId));
  } else if (filter === 'neverSignedIn') {
    if (f.neverSignedInWithLicences === null)
      return none(f.idle.status === 'cannotTell' ? f.idle.reason : 'Sign-in data was not read.');
    ids = new Set(f.neverSignedInWithLicences);
  } else if (filter === 'disabled') ids = new Set(f.disabledWithLicences);
  else if (filter === 'overlap') ids = new Set(f.overlapping.map((o) => o.userId));
  else if (filter === 'guest') ids = new Set(f.guestsWithLicences);
  const picked = a.users.filter((u) => u.licences.length > 0 && (!ids || ids.has(u.userId)));
  const waste = wasteByUser(a);
  return {
    total: picked.length,
    cannotTell: null,
    users: picked
      .slice(paging.offset, paging.offset + paging.limit)
      .map((u) => ({ ...u, waste: waste.get(u.userId) ?? [] })),
  };
}

function none(reason: string): UserSelection {
  return { total: 0, cannotTell: reason, users: [] };
}

function wasteByUser(a: LicenceAnalysis): Map<string, UserWaste[]> {
  const out = new Map<string, UserWaste[]>();
  for (const l of a.waste.lines) {
    if (!l.userId) continue;
    const list = out.get(l.userId) ?? [];
    list.push({
      reason: l.reason,
      possible: l.possible,
      skuId: l.skuId,
      skuPartNumber: l.skuPartNumber,
      units: l.units,
      monthly: l.monthly,
    });
    out.set(l.userId, list);
  }
  return out;
}
