/**
 * The export's pure parts: collecting what the snapshots hold about the person into distinct
 * records, and the readable summary of the newest snapshot that holds them.
 *
 * Size: a tenant synced daily with 90 days of retention holds the same user object 90 times, the
 * same sign-in in up to 7 snapshots (the collector reads 7 days) and the same audit record in up
 * to 30. Each distinct version of a record is listed once with the snapshots that hold it, so the
 * export grows with what changed about the person, not with the number of snapshots.
 */
import { mentions, mentionView, relationOf, scrub } from './rewrite-fns.ts';
import { type Matcher, OTHER } from './rights-types.ts';

export interface ExportRecord {
  dataset: string;
  /** `self`: the person's own object or record; `mention`: another object that names them */
  relation: 'self' | 'mention';
  /** the snapshots holding this very version, newest first */
  snapshotIds: string[];
  /** as stored, except: other people in it are replaced by "another person", and of a relation
   * (a group's members) only the entries naming the person are kept */
  item: unknown;
}

/** JSON with object keys sorted: the same record read in two snapshots gives the same text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** Collects records snapshot by snapshot, one entry per distinct version. */
export class RecordCollector {
  private readonly byKey = new Map<string, ExportRecord>();
  constructor(
    private readonly subject: Matcher,
    private readonly others: Matcher,
  ) {}

  /** Adds what `item` holds about the person; returns the record it went to, if any. */
  add(dataset: string, item: unknown, snapshotId: string): ExportRecord | undefined {
    const relation = relationOf(dataset, item, this.subject);
    if (relation === 'none') return undefined;
    const view = relation === 'self' ? item : mentionView(item, this.subject);
    const shown = scrub(view, this.others, OTHER);
    const key = `${dataset}\n${relation}\n${stableJson(shown)}`;
    let record = this.byKey.get(key);
    if (!record) {
      record = { dataset, relation, snapshotIds: [], item: shown };
      this.byKey.set(key, record);
    }
    if (record.snapshotIds.at(-1) !== snapshotId) record.snapshotIds.push(snapshotId);
    return record;
  }

  records(): ExportRecord[] {
    return [...this.byKey.values()];
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strOrNull = (v: unknown) => (typeof v === 'string' ? v : null);

/** The records of one snapshot, by dataset: what the summary below is built from. */
export type SnapshotRecords = Map<string, { relation: 'self' | 'mention'; item: unknown }[]>;

export interface Names {
  /** group id → name, role id → name, role definition id → name, SKU id → part number */
  groups: Map<string, string>;
  directoryRoles: Map<string, string>;
  roleDefinitions: Map<string, string>;
  skus: Map<string, string>;
}

/** Which lookups the summary needs from the snapshot: the groups and roles it lists the person in. */
export function namesWanted(records: SnapshotRecords): { groups: Set<string>; roles: Set<string> } {
  return { groups: parentsIn(records, 'groupMembers'), roles: parentsIn(records, 'directoryRoleMembers') };
}

export interface CurrentView {
  user: unknown;
  signInActivity: unknown;
  /** userRegistrationDetails: MFA and authentication methods registered */
  authenticationMethods: unknown;
  risk: unknown;
  usage: unknown;
  groups: { id: string; displayName: string | null }[];
  directoryRoles: { id: string; displayName: string | null }[];
  roleAssignments: {
    id: string;
    roleDefinitionId: string | null;
    roleName: string | null;
    scope: string | null;
  }[];
  licences: { skuId: string; skuPartNumber: string | null; disabledPlans: string[] }[];
}

/** The person's standing in one snapshot, in words a reader can follow. */
export function currentView(records: SnapshotRecords, names: Names): CurrentView {
  const self = (dataset: string) =>
    (records.get(dataset) ?? []).find((r) => r.relation === 'self')?.item ?? null;
  const parents = (dataset: string, lookup: Map<string, string>) =>
    [...parentsIn(records, dataset)].map((id) => ({ id, displayName: lookup.get(id) ?? null }));
  const user = self('users');
  const licences = isObj(user) && Array.isArray(user.assignedLicenses) ? user.assignedLicenses : [];
  return {
    user,
    signInActivity: self('userSignInActivity'),
    authenticationMethods: self('userRegistrationDetails'),
    risk: self('riskyUsers'),
    usage: self('office365ActiveUserDetail'),
    groups: parents('groupMembers', names.groups),
    directoryRoles: parents('directoryRoleMembers', names.directoryRoles),
    roleAssignments: (records.get('roleAssignments') ?? []).flatMap((r) =>
      isObj(r.item)
        ? [
            {
              id: String(r.item.id ?? ''),
              roleDefinitionId: strOrNull(r.item.roleDefinitionId),
              roleName: names.roleDefinitions.get(String(r.item.roleDefinitionId)) ?? null,
              scope: strOrNull(r.item.directoryScopeId),
            },
          ]
        : [],
    ),
    licences: licences.filter(isObj).map((l) => ({
      skuId: String(l.skuId ?? ''),
      skuPartNumber: names.skus.get(String(l.skuId)) ?? null,
      disabledPlans: Array.isArray(l.disabledPlans) ? l.disabledPlans.map(String) : [],
    })),
  };
}

/** The parents (groups, roles) of a relation's records. */
function parentsIn(records: SnapshotRecords, dataset: string): Set<string> {
  const out = new Set<string>();
  for (const r of records.get(dataset) ?? [])
    if (isObj(r.item) && typeof r.item.parentId === 'string') out.add(r.item.parentId);
  return out;
}

/** Of a list (a standard's results, an email's paragraphs), the entries that name the person, others redacted. */
export function entriesNaming(list: unknown, m: Matcher, others: Matcher): unknown[] {
  if (!Array.isArray(list)) return [];
  return list.filter((entry) => mentions(entry, m)).map((entry) => scrub(entry, others, OTHER));
}
