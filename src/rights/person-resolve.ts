/**
 * Finding the person a request names — an Entra object id, or a UPN / mail address — in a tenant's
 * stored snapshots (the `users` dataset of each), and gathering every identifier they had: their
 * UPNs and mail addresses change over time, and each old one still names them in older snapshots.
 * A person erased before is found through the erasure list instead, so erasing again is a no-op
 * rather than "not found".
 */
import type { Kysely } from 'kysely';
import { TenantscopeError } from '../platform/errors.ts';
import { listChunks, readChunk } from '../snapshots/chunk-store.ts';
import type { Schema } from '../storage/schema.ts';
import { withWorkspace } from '../storage/transactions.ts';
import { erasedAt } from './erasure-list.ts';
import type { Subject } from './rights-types.ts';
import { identifierHash, mayMention, referenceKind } from './subject-match.ts';

export interface TenantRef {
  workspaceId: string;
  id: string;
  microsoftTenantId: string;
  displayName: string;
}

export interface StoredSnapshot {
  id: string;
  collectedAt: Date;
}

export interface ResolvedPerson {
  subject: Subject;
  /** null when only an address of an erased person was given */
  objectId: string | null;
  /** when the person was first erased from this tenant, if they were */
  erasedAt: Date | null;
  /** every snapshot of the tenant still held (complete, and unfinished ones a dead worker left), newest first */
  snapshots: StoredSnapshot[];
  /** object ids of every user in the snapshots (asked for by exports, to redact other people) */
  peopleIds: Set<string>;
}

interface UserItem {
  id?: unknown;
  userPrincipalName?: unknown;
  mail?: unknown;
  displayName?: unknown;
}

const lower = (v: unknown) => (typeof v === 'string' && v !== '' ? v.toLowerCase() : undefined);

/** Resolves `who`; TS_ERR_PERSON_NOT_FOUND or TS_ERR_PERSON_AMBIGUOUS when it cannot. */
export async function resolvePerson(
  db: Kysely<Schema>,
  tenant: TenantRef,
  who: string,
  options: { peopleIds?: boolean } = {},
): Promise<ResolvedPerson> {
  const kind = referenceKind(who);
  if (!kind)
    throw new TenantscopeError(
      'TS_ERR_VALIDATION',
      'name the person by their Entra object id (a GUID) or their UPN / email address',
    );
  const wanted = who.trim().toLowerCase();
  const snapshots = await tenantSnapshots(db, tenant);
  const peopleIds = new Set<string>();
  const matchOf = (u: UserItem) =>
    kind === 'objectId'
      ? lower(u.id) === wanted
      : lower(u.userPrincipalName) === wanted || lower(u.mail) === wanted;
  // Pass 1: who matches (and, for exports, every user id). Pass 2 gathers the match's identifiers.
  const candidates = new Set<string>();
  await eachUser(db, tenant.workspaceId, snapshots, options.peopleIds ? undefined : [wanted], (u) => {
    const id = lower(u.id);
    if (!id) return;
    if (options.peopleIds) peopleIds.add(id);
    if (matchOf(u)) candidates.add(id);
  });
  const erased = await withWorkspace(db, tenant.workspaceId, (tx) =>
    erasedAt(tx, tenant.id, identifierHash(tenant.microsoftTenantId, wanted)),
  );
  if (candidates.size === 0) {
    if (!erased) throw notFound(tenant);
    // Erased before: nothing of them is stored; the identifier alone lets a repeat find nothing.
    return {
      subject: kind === 'objectId' ? subject([wanted], [], []) : subject([], [wanted], []),
      objectId: kind === 'objectId' ? wanted : null,
      erasedAt: erased,
      snapshots,
      peopleIds,
    };
  }
  if (candidates.size > 1)
    throw new TenantscopeError(
      'TS_ERR_PERSON_AMBIGUOUS',
      `${who.trim()} names ${candidates.size} different accounts in the stored snapshots (object ids ${[...candidates].slice(0, 5).join(', ')})`,
    );
  const objectId = [...candidates][0]!;
  const addresses: string[] = [];
  const names: string[] = [];
  await eachUser(db, tenant.workspaceId, snapshots, [objectId], (u) => {
    if (lower(u.id) !== objectId) return;
    for (const a of [lower(u.userPrincipalName), lower(u.mail)]) if (a) addresses.push(a);
    if (typeof u.displayName === 'string' && u.displayName.trim() !== '') names.push(u.displayName.trim());
  });
  return {
    subject: subject([objectId], addresses, names),
    objectId,
    erasedAt: erased ?? null,
    snapshots,
    peopleIds,
  };
}

function subject(objectIds: string[], addresses: string[], names: string[]): Subject {
  return {
    objectIds: [...new Set(objectIds)],
    addresses: [...new Set(addresses)],
    names: [...new Set(names)],
  };
}

function notFound(tenant: TenantRef): TenantscopeError {
  return new TenantscopeError(
    'TS_ERR_PERSON_NOT_FOUND',
    `no user with that object id, UPN or email address in the stored snapshots of ${tenant.displayName}`,
  );
}

/**
 * The tenant's snapshots that hold data: complete ones, and unfinished ones a killed worker left
 * with chunks (the next sync would drop them, but until then they hold the person too).
 */
export async function tenantSnapshots(db: Kysely<Schema>, tenant: TenantRef): Promise<StoredSnapshot[]> {
  const rows = await withWorkspace(db, tenant.workspaceId, (tx) =>
    tx
      .selectFrom('snapshots')
      .select(['id', 'started_at', 'status'])
      .where('tenant_id', '=', tenant.id)
      .where('status', 'in', ['complete', 'collecting'])
      .orderBy('started_at', 'desc')
      .execute(),
  );
  return rows.map((r) => ({ id: r.id, collectedAt: r.started_at }));
}

/** Every user item of every snapshot, chunk by chunk; `needles` skips chunks that cannot match. */
async function eachUser(
  db: Kysely<Schema>,
  workspaceId: string,
  snapshots: readonly StoredSnapshot[],
  needles: readonly string[] | undefined,
  visit: (u: UserItem) => void,
): Promise<void> {
  for (const s of snapshots) {
    for (const place of await listChunks(db, workspaceId, s.id, ['users'])) {
      const read = await readChunk(db, workspaceId, place);
      if (!read || (needles && !mayMention(read.text, needles))) continue;
      for (const u of JSON.parse(read.text) as UserItem[]) if (u && typeof u === 'object') visit(u);
    }
  }
}
