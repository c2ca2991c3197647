/**
 * The tenant's erasure list: hashes of the identifiers of every person erased from it
 * (0012_person_erasures.sql). An erasure adds to it; every later sync of the tenant loads it and
 * drops those people before anything is stored (`erasureGuard`), so they are never stored again —
 * even while their account still exists in Microsoft Entra. The list holds no identifier in clear.
 */
import type { Kysely } from 'kysely';
import type { DatasetSink } from '../collect/dataset-sink.ts';
import type { Schema } from '../storage/schema.ts';
import { type Tx, withWorkspace } from '../storage/transactions.ts';
import { erasingSink } from './erasure-sink.ts';
import type { Matcher } from './rights-types.ts';
import { hashedMatcher } from './subject-match.ts';

/** Adds hashes to the list; returns how many were new (an erasure repeated adds none). */
export async function recordErasure(
  tx: Tx,
  input: { workspaceId: string; tenantId: string; hashes: readonly string[]; erasedAt: Date },
): Promise<number> {
  if (input.hashes.length === 0) return 0;
  const rows = await tx
    .insertInto('person_erasures')
    .values(
      input.hashes.map((h) => ({
        workspace_id: input.workspaceId,
        tenant_id: input.tenantId,
        identifier_hash: h,
        erased_at: input.erasedAt,
      })),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'identifier_hash']).doNothing())
    .returning('seq')
    .execute();
  return rows.length;
}

/** When the identifier with this hash was first erased from the tenant, if it was. */
export async function erasedAt(tx: Tx, tenantId: string, hash: string): Promise<Date | undefined> {
  const row = await tx
    .selectFrom('person_erasures')
    .select('erased_at')
    .where('tenant_id', '=', tenantId)
    .where('identifier_hash', '=', hash)
    .executeTakeFirst();
  return row?.erased_at;
}

/** Every hash of the tenant's list. */
export async function erasureHashes(tx: Tx, tenantId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('person_erasures')
    .select('identifier_hash')
    .where('tenant_id', '=', tenantId)
    .execute();
  return rows.map((r) => r.identifier_hash);
}

/** What a sync of a tenant with a non-empty erasure list does with what it reads. */
export interface ErasureGuard {
  matcher: Matcher;
  /** how many identifiers the list holds */
  size: number;
  /** the sink that drops erased people before items reach `inner` */
  wrap(inner: DatasetSink): DatasetSink;
}

/**
 * The guard for one sync, or undefined when nobody was erased from the tenant. The sync loads it
 * after it has recorded its run as running: an erasure recorded before that is honoured here, and
 * one recorded after finds the run running and refuses until it ends (erase-service.ts).
 */
export async function erasureGuard(
  db: Kysely<Schema>,
  tenant: { workspaceId: string; id: string; microsoftTenantId: string },
): Promise<ErasureGuard | undefined> {
  const hashes = await withWorkspace(db, tenant.workspaceId, (tx) => erasureHashes(tx, tenant.id));
  if (hashes.length === 0) return undefined;
  const matcher = hashedMatcher(tenant.microsoftTenantId, hashes);
  return { matcher, size: hashes.length, wrap: (inner) => erasingSink(inner, matcher) };
}
