/**
 * Exporting everything Tenantscope holds about one person in one tenant, as one JSON document
 * (`tenantscope.person-export/v1`, docs/person-export.md). Snapshots are read chunk by chunk and
 * never whole; a chunk whose text does not contain any of the person's identifiers is skipped
 * without parsing. Other people are never in it: anyone else an exported object names is replaced
 * by "another person".
 */
import type { Kysely } from 'kysely';
import { analyseLicences, priceBookFor } from '../analyse/licences/index.ts';
import { SNAPSHOT_FORMAT } from '../collect/snapshot-types.ts';
import { getPriceBook } from '../pipeline/licence-store.ts';
import { selectUserLines, type UserLine } from '../pipeline/licence-user-fns.ts';
import type { Clock } from '../platform/clock.ts';
import { listChunks, readChunk } from '../snapshots/chunk-store.ts';
import type { Schema } from '../storage/schema.ts';
import { withWorkspace } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import { tenantOf } from './erase-service.ts';
import {
  type CurrentView,
  currentView,
  type ExportRecord,
  type Names,
  namesWanted,
  RecordCollector,
  type SnapshotRecords,
} from './export-fns.ts';
import { type StoredParts, storedParts } from './export-stored.ts';
import { type ResolvedPerson, resolvePerson, type TenantRef } from './person-resolve.ts';
import { PERSON_EXPORT_FORMAT } from './rights-types.ts';
import { mayMention, needlesOf, othersMatcher, plainMatcher } from './subject-match.ts';

export interface PersonExport extends StoredParts {
  format: typeof PERSON_EXPORT_FORMAT;
  exportedAt: string;
  tenant: { id: string; microsoftTenantId: string; displayName: string };
  person: {
    objectId: string | null;
    userPrincipalNames: string[];
    mails: string[];
    displayNames: string[];
    /** when the person was erased from this tenant; then nothing else is held */
    erasedAt: string | null;
  };
  /** every stored snapshot of the tenant, newest first, and whether it holds the person */
  snapshots: { id: string; collectedAt: string; holdsPerson: boolean }[];
  /** the newest snapshot holding the person, summarised */
  current: (CurrentView & { snapshotId: string; collectedAt: string; licenceLine: UserLine | null }) | null;
  records: ExportRecord[];
}

export interface ExportInput {
  workspaceId: string;
  tenantId: string;
  who: string;
  actor: string;
  ip?: string | undefined;
}

export async function exportPerson(
  db: Kysely<Schema>,
  clock: Clock,
  input: ExportInput,
): Promise<PersonExport> {
  const tenant = await tenantOf(db, input.workspaceId, input.tenantId);
  const person = await resolvePerson(db, tenant, input.who, { peopleIds: true });
  const m = plainMatcher(person.subject);
  const others = othersMatcher(person.subject, person.peopleIds);
  const collector = new RecordCollector(m, others);
  const needles = needlesOf(person.subject);
  const holding = new Set<string>();
  let newest: { id: string; collectedAt: Date; records: SnapshotRecords } | undefined;
  for (const s of person.snapshots) {
    const records: SnapshotRecords = new Map();
    for (const place of await listChunks(db, input.workspaceId, s.id)) {
      const read = await readChunk(db, input.workspaceId, place);
      if (!read || !mayMention(read.text, needles)) continue;
      for (const item of JSON.parse(read.text) as unknown[]) {
        const record = collector.add(place.dataset, item, s.id);
        if (!record) continue;
        holding.add(s.id);
        const list = records.get(place.dataset) ?? [];
        list.push({ relation: record.relation, item: record.item });
        records.set(place.dataset, list);
      }
    }
    if (!newest && holding.has(s.id)) newest = { id: s.id, collectedAt: s.collectedAt, records };
  }
  const stored = await storedParts(db, tenant, person.subject, m, others);
  const current = newest ? await summarise(db, tenant, newest) : null;
  const doc = document(clock, tenant, person, holding, current, collector.records(), stored);
  await withWorkspace(db, input.workspaceId, (tx) =>
    appendAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: 'person.exported',
      target: tenant.id,
      ...(input.ip ? { ip: input.ip } : {}),
      detail: { format: PERSON_EXPORT_FORMAT, records: doc.records.length, snapshotsHolding: holding.size },
    }),
  );
  return doc;
}

function document(
  clock: Clock,
  tenant: TenantRef,
  person: ResolvedPerson,
  holding: ReadonlySet<string>,
  current: PersonExport['current'],
  records: ExportRecord[],
  stored: StoredParts,
): PersonExport {
  const selves = records.filter((r) => r.dataset === 'users' && r.relation === 'self');
  const values = (key: string) => [
    ...new Set(
      selves
        .map((r) => (r.item as Record<string, unknown>)[key])
        .filter((v): v is string => typeof v === 'string' && v !== ''),
    ),
  ];
  return {
    format: PERSON_EXPORT_FORMAT,
    exportedAt: clock.now().toISOString(),
    tenant: { id: tenant.id, microsoftTenantId: tenant.microsoftTenantId, displayName: tenant.displayName },
    person: {
      objectId: person.objectId,
      userPrincipalNames: values('userPrincipalName'),
      mails: values('mail'),
      displayNames: values('displayName'),
      erasedAt: person.erasedAt?.toISOString() ?? null,
    },
    snapshots: person.snapshots.map((s) => ({
      id: s.id,
      collectedAt: s.collectedAt.toISOString(),
      holdsPerson: holding.has(s.id),
    })),
    current,
    records,
    ...stored,
  };
}

/** Names of the groups, roles and SKUs the newest records point at, and the person's licence line. */
async function summarise(
  db: Kysely<Schema>,
  tenant: TenantRef,
  newest: { id: string; collectedAt: Date; records: SnapshotRecords },
): Promise<NonNullable<PersonExport['current']>> {
  const wanted = namesWanted(newest.records);
  const names: Names = {
    groups: new Map(),
    directoryRoles: new Map(),
    roleDefinitions: new Map(),
    skus: new Map(),
  };
  const skus: unknown[] = [];
  await eachItem(
    db,
    tenant.workspaceId,
    newest.id,
    ['groups', 'directoryRoles', 'roleDefinitions', 'subscribedSkus'],
    (dataset, item) => {
      const id = String(item.id ?? '');
      if (dataset === 'groups' && wanted.groups.has(id)) names.groups.set(id, String(item.displayName ?? ''));
      if (dataset === 'directoryRoles' && wanted.roles.has(id))
        names.directoryRoles.set(id, String(item.displayName ?? ''));
      if (dataset === 'roleDefinitions') names.roleDefinitions.set(id, String(item.displayName ?? ''));
      if (dataset === 'subscribedSkus') {
        names.skus.set(String(item.skuId ?? ''), String(item.skuPartNumber ?? ''));
        skus.push(item);
      }
    },
  );
  const view = currentView(newest.records, names);
  return {
    snapshotId: newest.id,
    collectedAt: newest.collectedAt.toISOString(),
    ...view,
    licenceLine: await licenceLine(db, tenant, newest, view, skus),
  };
}

/**
 * The person's per-user licence line, as the licences page computes it: the licence engine over
 * a snapshot holding only them (their user, sign-in activity and usage row) and the tenant's SKUs,
 * priced with the workspace's current price book.
 */
async function licenceLine(
  db: Kysely<Schema>,
  tenant: TenantRef,
  newest: { collectedAt: Date },
  view: CurrentView,
  skus: unknown[],
): Promise<UserLine | null> {
  if (!view.user) return null;
  const book = await withWorkspace(db, tenant.workspaceId, (tx) => getPriceBook(tx, tenant.workspaceId));
  const prices = priceBookFor(book.book, tenant.microsoftTenantId);
  const at = newest.collectedAt.toISOString();
  const ok = (items: unknown[]) => ({ status: 'ok' as const, collectedAt: at, items });
  const analysis = analyseLicences(
    {
      format: SNAPSHOT_FORMAT,
      tenant: { tenantId: tenant.microsoftTenantId, cloud: 'global' },
      collectedAt: at,
      completedAt: at,
      datasets: {
        subscribedSkus: ok(skus),
        users: ok([view.user]),
        ...(view.signInActivity ? { userSignInActivity: ok([view.signInActivity]) } : {}),
        ...(view.usage ? { office365ActiveUserDetail: ok([view.usage]) } : {}),
      },
    },
    { prices },
  );
  return selectUserLines(analysis, 'all', { limit: 1, offset: 0 }).users[0] ?? null;
}

async function eachItem(
  db: Kysely<Schema>,
  workspaceId: string,
  snapshotId: string,
  datasets: readonly string[],
  visit: (dataset: string, item: Record<string, unknown>) => void,
): Promise<void> {
  for (const place of await listChunks(db, workspaceId, snapshotId, datasets)) {
    const read = await readChunk(db, workspaceId, place);
    if (!read) continue;
    for (const item of JSON.parse(read.text) as unknown[])
      if (item && typeof item === 'object') visit(place.dataset, item as Record<string, unknown>);
  }
}
