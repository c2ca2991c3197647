/**
 * Test helper: turns a generated `TenantModel` into the `Snapshot` the collectors would write from
 * the emulator, without HTTP — same dataset names (src/collect/graph-datasets.ts), `$select`
 * projections, date filters, relations as `{ parentId, items }`, and `notLicensed` for datasets
 * the tenant's plan does not cover. Used by posture tests and the 100,000-user benchmark.
 */
import { type CollectContext, type GraphDataset, graphDatasets } from '../../../collect/graph-datasets.ts';
import { type DatasetResult, SNAPSHOT_FORMAT, type Snapshot } from '../../../collect/snapshot-types.ts';
import type { GraphObject, TenantModel } from '../../../emulator/contract.ts';

type Obj = Record<string, unknown>;

function parse(path: string): { resource: string; select?: string[]; filter?: string } {
  const [resource, query = ''] = path.replace(/^\//, '').split('?');
  const params = new URLSearchParams(query.replaceAll('+', '%2B'));
  const select = params.get('$select')?.split(',');
  const filter = params.get('$filter') ?? undefined;
  return { resource: resource!, ...(select ? { select } : {}), ...(filter ? { filter } : {}) };
}

function project(o: Obj, select: string[] | undefined): Obj {
  if (!select) return o;
  const out: Obj = {};
  for (const k of Object.keys(o)) if (k.startsWith('@')) out[k] = o[k];
  out.id = o.id;
  for (const k of select) if (k in o) out[k] = o[k];
  return out;
}

/** `$filter=<dateProperty> ge <iso>`, the only filter the collectors send on collections. */
function applyDateFilter(items: GraphObject[], filter: string | undefined): GraphObject[] {
  const m = filter ? /^(\w+) ge (\S+)$/.exec(filter) : null;
  if (!m) return items;
  const since = Date.parse(m[2]!);
  return items.filter((i) => Date.parse(String(i[m[1]!])) >= since);
}

function collection(model: TenantModel, resource: string): GraphObject[] | undefined {
  const c = model.graph.collections as unknown as Record<string, GraphObject[]>;
  if (resource === 'sites/getAllSites') return c.sites;
  if (resource === 'policies/roleManagementPolicyAssignments') {
    const policies = new Map(c['policies/roleManagementPolicies']!.map((p) => [p.id, p]));
    return c[resource]!.map((a) => ({ ...a, policy: policies.get(String(a.policyId)) ?? null }));
  }
  return c[resource];
}

/** Every directory object by id, with its `@odata.type` (relations return directoryObjects). */
function directoryIndex(model: TenantModel): Map<string, [GraphObject, string]> {
  const c = model.graph.collections;
  const index = new Map<string, [GraphObject, string]>();
  for (const [list, type] of [
    [c.users, 'user'],
    [c.groups, 'group'],
    [c.servicePrincipals, 'servicePrincipal'],
  ] as const)
    for (const o of list) index.set(o.id, [o, type]);
  return index;
}

function relation(
  model: TenantModel,
  ds: Extract<GraphDataset, { shape: 'relation' }>,
  parents: Obj[],
): Obj[] {
  const { select } = parse(ds.path('x'));
  const g = model.graph;
  const directory = directoryIndex(model);
  const projected = new Map<string, Obj>();
  const lookup = (id: string): Obj => {
    let o = projected.get(id);
    if (!o) {
      const hit = directory.get(id);
      o = hit ? { '@odata.type': `#microsoft.graph.${hit[1]}`, ...project(hit[0], select) } : {};
      projected.set(id, o);
    }
    return o;
  };
  return parents
    .filter((p) => ds.include?.(p) ?? true)
    .map((p) => {
      const id = String(p.id);
      if (ds.name === 'appRoleAssignedTo') return { parentId: id, items: g.appRoleAssignedTo[id] ?? [] };
      const ids =
        ds.name === 'groupMembers' ? (g.groupMembers[id] ?? []) : (g.directoryRoleMembers[id] ?? []);
      return { parentId: id, items: ids.map(lookup).filter((o) => 'id' in o) };
    });
}

function licensed(model: TenantModel, ds: GraphDataset): boolean {
  if (ds.licence === 'P1') return model.entraPlan !== 'free';
  if (ds.licence === 'P2') return model.entraPlan === 'P2';
  return true;
}

function readDataset(
  model: TenantModel,
  ds: GraphDataset,
  ctx: CollectContext,
  read: Map<string, Obj[]>,
): Obj[] {
  switch (ds.shape) {
    case 'singleton': {
      const s = model.graph.singletons as unknown as Record<string, GraphObject>;
      const o = s[parse(ds.path(ctx)).resource];
      if (!o) throw new Error(`the model has no singleton for ${ds.name}`);
      return [o];
    }
    case 'report':
      return model.graph.usageReports.getOffice365ActiveUserDetail ?? [];
    case 'collection': {
      const { resource, select, filter } = parse(ds.path(ctx));
      const items = collection(model, resource);
      if (!items) throw new Error(`the model has no collection for ${ds.name} (${resource})`);
      return applyDateFilter(items, filter).map((o) => project(o, select));
    }
    case 'relation':
      return relation(model, ds, read.get(ds.parent) ?? []);
  }
}

/** The snapshot a full collection of `model` would produce, collected "as of" the model's date. */
export function snapshotFromModel(
  model: TenantModel,
  options: { datasets?: readonly GraphDataset[] } = {},
): Snapshot {
  const ctx: CollectContext = { now: new Date(model.asOf) };
  const collectedAt = ctx.now.toISOString();
  const read = new Map<string, Obj[]>();
  const datasets: Record<string, DatasetResult> = {};
  for (const ds of options.datasets ?? graphDatasets) {
    if (!licensed(model, ds)) {
      datasets[ds.name] = {
        status: 'notLicensed',
        collectedAt,
        items: [],
        error: { code: 'TS_ERR_MS_LICENCE_MISSING', message: `the tenant lacks Entra ID ${ds.licence}` },
      };
      continue;
    }
    const items = readDataset(model, ds, ctx, read);
    read.set(ds.name, items);
    datasets[ds.name] = { status: 'ok', collectedAt, items };
  }
  return {
    format: SNAPSHOT_FORMAT,
    tenant: { tenantId: model.tenantId, displayName: model.displayName, cloud: 'global' },
    collectedAt,
    completedAt: collectedAt,
    datasets,
  };
}
