/**
 * Standards: workspace-wide templates of expected settings (tenantscope.standard/v1, validated by
 * src/analyse/drift/standard-schema.ts), assigned to tenants with per-tenant overrides, and the
 * stored results of evaluating them. Every function takes the workspace transaction; changes are
 * written to the audit log.
 */
import { parseStandard, type Standard } from '../analyse/drift/index.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { isUuid, newId } from '../platform/ids.ts';
import type { Tx } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import { requireTenant } from './tenant-guard.ts';

export interface Actor {
  workspaceId: string;
  by: string;
  now: Date;
  ip?: string;
}

export interface StandardView {
  id: string;
  name: string;
  version: number;
  document: Record<string, unknown>;
  updatedBy: string;
  updatedAt: Date;
  tenants: { tenantId: string; overrides: Record<string, unknown>; assignedBy: string; assignedAt: Date }[];
}

/**
 * A workspace standard is the file format without `overrides`: those belong to one tenant's
 * assignment, where they can be changed without touching the template the other tenants share.
 */
export function parseWorkspaceStandard(document: unknown): Standard {
  const parsed = parseStandard(document, 'body');
  if (Object.keys(parsed.overrides).length > 0)
    throw new TenantscopeError(
      'TS_ERR_STANDARD_INVALID',
      'body: overrides are set per tenant (PUT /api/standards/:id/tenants/:tenantId), not in the standard',
    );
  return parsed;
}

const audit = (tx: Tx, a: Actor, action: string, target: string, detail: Record<string, unknown>) =>
  appendAudit(tx, {
    workspaceId: a.workspaceId,
    actor: a.by,
    action,
    target,
    ...(a.ip ? { ip: a.ip } : {}),
    detail,
  });

export async function createStandard(tx: Tx, a: Actor, document: unknown): Promise<StandardView> {
  const parsed = parseWorkspaceStandard(document);
  await refuseDuplicateName(tx, parsed.name);
  const id = newId();
  await tx
    .insertInto('standards')
    .values({
      id,
      workspace_id: a.workspaceId,
      name: parsed.name,
      document: JSON.stringify(stored(parsed)),
      updated_by: a.by,
      updated_at: a.now,
    })
    .execute();
  await audit(tx, a, 'standard.created', id, { name: parsed.name, rules: parsed.rules.length });
  return mustGetStandard(tx, id);
}

/** Replaces the document (a new version); assignments whose overrides name a removed rule are refused. */
export async function replaceStandard(
  tx: Tx,
  a: Actor,
  id: string,
  document: unknown,
): Promise<StandardView> {
  const current = await mustGetStandard(tx, id);
  const parsed = parseWorkspaceStandard(document);
  if (parsed.name !== current.name) await refuseDuplicateName(tx, parsed.name);
  for (const t of current.tenants) checkOverrides(parsed, t.overrides, `tenant ${t.tenantId}`);
  await tx
    .updateTable('standards')
    .set((eb) => ({
      name: parsed.name,
      document: JSON.stringify(stored(parsed)),
      version: eb('version', '+', 1),
      updated_by: a.by,
      updated_at: a.now,
    }))
    .where('id', '=', id)
    .execute();
  await audit(tx, a, 'standard.updated', id, { name: parsed.name, version: current.version + 1 });
  return mustGetStandard(tx, id);
}

export async function deleteStandard(tx: Tx, a: Actor, id: string): Promise<void> {
  const current = await mustGetStandard(tx, id);
  await tx.deleteFrom('standards').where('id', '=', id).execute();
  await audit(tx, a, 'standard.deleted', id, { name: current.name });
}

/** Assigns the standard to a tenant, or replaces that tenant's overrides. */
export async function assignStandard(
  tx: Tx,
  a: Actor,
  input: { standardId: string; tenantId: string; overrides: Record<string, unknown> },
): Promise<StandardView> {
  const current = await mustGetStandard(tx, input.standardId);
  await requireTenant(tx, input.tenantId);
  const checked = checkOverrides(toStandard(current), input.overrides, 'body.overrides');
  const values = { overrides: JSON.stringify(checked), assigned_by: a.by, assigned_at: a.now };
  await tx
    .insertInto('standard_assignments')
    .values({
      standard_id: input.standardId,
      tenant_id: input.tenantId,
      workspace_id: a.workspaceId,
      ...values,
    })
    .onConflict((oc) => oc.columns(['standard_id', 'tenant_id']).doUpdateSet(values))
    .execute();
  await audit(tx, a, 'standard.assigned', input.standardId, {
    tenantId: input.tenantId,
    overriddenRules: Object.keys(checked),
  });
  return mustGetStandard(tx, input.standardId);
}

export async function unassignStandard(
  tx: Tx,
  a: Actor,
  input: { standardId: string; tenantId: string },
): Promise<boolean> {
  await mustGetStandard(tx, input.standardId);
  await requireTenant(tx, input.tenantId);
  const gone = await tx
    .deleteFrom('standard_assignments')
    .where('standard_id', '=', input.standardId)
    .where('tenant_id', '=', input.tenantId)
    .executeTakeFirst();
  if (Number(gone.numDeletedRows) === 0) return false;
  await audit(tx, a, 'standard.unassigned', input.standardId, { tenantId: input.tenantId });
  return true;
}

export async function listStandards(tx: Tx): Promise<StandardView[]> {
  const rows = await tx.selectFrom('standards').select('id').orderBy('name').execute();
  return Promise.all(rows.map((r) => mustGetStandard(tx, r.id)));
}

export async function mustGetStandard(tx: Tx, id: string): Promise<StandardView> {
  const row = isUuid(id)
    ? await tx.selectFrom('standards').selectAll().where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!row) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'no such standard');
  const assignments = await tx
    .selectFrom('standard_assignments')
    .selectAll()
    .where('standard_id', '=', id)
    .orderBy('assigned_at')
    .execute();
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    document: row.document,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
    tenants: assignments.map((s) => ({
      tenantId: s.tenant_id,
      overrides: s.overrides,
      assignedBy: s.assigned_by,
      assignedAt: s.assigned_at,
    })),
  };
}

/** The standard with one tenant's overrides, keyed as compareToStandard reads them. */
export function withOverrides(
  view: Pick<StandardView, 'document'>,
  microsoftTenantId: string,
  overrides: Record<string, unknown>,
): Standard {
  return parseStandard({ ...view.document, overrides: { [microsoftTenantId]: overrides } });
}

export interface StandardResultView {
  standardId: string;
  standardName: string;
  standardVersion: number;
  tenantId: string;
  snapshotId: string;
  collectedAt: Date;
  evaluatedAt: Date;
  summary: Record<string, number>;
  results: unknown[];
}

/** The newest result of each standard assigned to the tenant (or of one standard). */
export async function latestStandardResults(
  tx: Tx,
  tenantId: string,
  standardId?: string,
): Promise<StandardResultView[]> {
  await requireTenant(tx, tenantId);
  let q = tx
    .selectFrom('standard_results as r')
    .innerJoin('standards as s', 's.id', 'r.standard_id')
    .innerJoin('standard_assignments as a', (j) =>
      j.onRef('a.standard_id', '=', 'r.standard_id').onRef('a.tenant_id', '=', 'r.tenant_id'),
    )
    .selectAll('r')
    .select('s.name')
    .distinctOn('r.standard_id')
    .where('r.tenant_id', '=', tenantId);
  if (standardId) q = q.where('r.standard_id', '=', standardId);
  const rows = await q
    .orderBy('r.standard_id')
    .orderBy('r.collected_at', 'desc')
    .orderBy('r.evaluated_at', 'desc')
    .execute();
  return rows.map((r) => ({
    standardId: r.standard_id,
    standardName: r.name,
    standardVersion: r.standard_version,
    tenantId: r.tenant_id,
    snapshotId: r.snapshot_id,
    collectedAt: r.collected_at,
    evaluatedAt: r.evaluated_at,
    summary: r.summary,
    results: r.results,
  }));
}

function stored(s: Standard): Record<string, unknown> {
  const { overrides: _o, ...rest } = s;
  return rest;
}

function toStandard(view: StandardView): Standard {
  return parseStandard(view.document);
}

/** Validates overrides against the standard's rules, with the field named in the error. */
function checkOverrides(standard: Standard, overrides: Record<string, unknown>, where: string) {
  const probe = 'tenant';
  try {
    return parseStandard({ ...stored(standard), overrides: { [probe]: overrides } }).overrides[probe] ?? {};
  } catch (e) {
    const message = (e as Error).message.replace(`standard: overrides.${probe}`, where);
    throw new TenantscopeError('TS_ERR_STANDARD_INVALID', message);
  }
}

async function refuseDuplicateName(tx: Tx, name: string): Promise<void> {
  const clash = await tx.selectFrom('standards').select('id').where('name', '=', name).executeTakeFirst();
  if (clash)
    throw new TenantscopeError(
      'TS_ERR_VALIDATION',
      `body.name: a standard named ${JSON.stringify(name)} exists`,
    );
}
