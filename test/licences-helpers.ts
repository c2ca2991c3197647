/**
 * Test helpers for the licence analysis: a generated TenantModel turned into a Snapshot the way
 * the collectors would write it (dataset names, `$select` projections and shapes from
 * src/collect/graph-datasets.ts; licence gating and name concealment the way the emulator's Graph
 * routes answer), without starting a server.
 */
import { createHash } from 'node:crypto';
import { graphDatasets } from '../src/collect/graph-datasets.ts';
import { type DatasetResult, SNAPSHOT_FORMAT, type Snapshot } from '../src/collect/snapshot-types.ts';
import type { GraphObject, TenantModel } from '../src/emulator/contract.ts';

const ctx = { now: new Date('2026-11-01T00:00:00Z') };

/** The fields a collection dataset `$select`s, read from the collector's own path. */
export function selectedFields(dataset: string): string[] {
  const ds = graphDatasets.find((d) => d.name === dataset);
  if (ds?.shape !== 'collection') throw new Error(`no collection dataset ${dataset}`);
  const select = /\$select=([^&]+)/.exec(ds.path(ctx))?.[1];
  if (!select) throw new Error(`${dataset} selects nothing`);
  return select.split(',');
}

const pick = (o: GraphObject, fields: readonly string[]) =>
  Object.fromEntries(fields.filter((f) => f in o).map((f) => [f, o[f]]));

const ok = <T>(items: T[], at: string): DatasetResult<T> => ({ status: 'ok', collectedAt: at, items });
const notLicensed = (at: string): DatasetResult => ({
  status: 'notLicensed',
  collectedAt: at,
  items: [],
  error: {
    code: 'TS_ERR_MS_LICENCE_MISSING',
    message: 'the tenant lacks the licence for /users?$select=signInActivity',
  },
});

/** 32 upper-case hex digits, the form concealed report names take (emulator usage-reports.ts). */
function conceal(tenantId: string, value: string): string {
  return createHash('sha256').update(`${tenantId}:${value}`).digest('hex').slice(0, 32).toUpperCase();
}

export interface ModelSnapshotOptions {
  /** when the snapshot was read; default the model's asOf */
  collectedAt?: string;
  /** force concealed usage-report names (default: what the model's reportSettings say) */
  concealNames?: boolean;
}

export function modelToSnapshot(model: TenantModel, options: ModelSnapshotOptions = {}): Snapshot {
  const at = options.collectedAt ?? new Date(model.asOf).toISOString();
  const c = model.graph.collections;
  const userFields = selectedFields('users');
  const groupFields = selectedFields('groups');
  const settings = { ...model.graph.singletons['admin/reportSettings'] };
  if (options.concealNames !== undefined) settings.displayConcealedNames = options.concealNames;
  const hide = settings.displayConcealedNames === true;
  const rows = (model.graph.usageReports.getOffice365ActiveUserDetail ?? []).map((r) =>
    hide
      ? {
          ...r,
          'User Principal Name': conceal(model.tenantId, r['User Principal Name'] ?? ''),
          'Display Name': conceal(model.tenantId, r['Display Name'] ?? ''),
        }
      : r,
  );
  return {
    format: SNAPSHOT_FORMAT,
    tenant: { tenantId: model.tenantId, displayName: model.displayName, cloud: 'global' },
    collectedAt: at,
    completedAt: at,
    datasets: {
      organization: ok(c.organization, at),
      subscribedSkus: ok(c.subscribedSkus, at),
      users: ok(
        c.users.map((u) => pick(u, userFields)),
        at,
      ),
      // signInActivity needs Entra ID P1 (graph-protocol.md §7): a free tenant gets a 403 → notLicensed
      userSignInActivity:
        model.entraPlan === 'free'
          ? notLicensed(at)
          : ok(
              c.users.map((u) => ({ id: u.id, signInActivity: u.signInActivity })),
              at,
            ),
      groups: ok(
        c.groups.map((g) => pick(g, groupFields)),
        at,
      ),
      groupMembers: ok(groupMembers(model), at),
      reportSettings: ok([settings], at),
      office365ActiveUserDetail: ok(rows, at),
    },
  };
}

function groupMembers(model: TenantModel): { parentId: string; items: unknown[] }[] {
  const users = new Map(model.graph.collections.users.map((u) => [u.id, u]));
  return model.graph.collections.groups.map((g) => ({
    parentId: g.id,
    items: (model.graph.groupMembers[g.id] ?? []).map((id) => {
      const u = users.get(id);
      return u
        ? {
            '@odata.type': '#microsoft.graph.user',
            id,
            displayName: u.displayName,
            userPrincipalName: u.userPrincipalName,
            userType: u.userType,
          }
        : { '@odata.type': '#microsoft.graph.group', id };
    }),
  }));
}

/** A snapshot from hand-written Graph objects, for table tests. */
export function snapshotOf(
  datasets: Record<string, unknown[] | DatasetResult>,
  collectedAt: string,
): Snapshot {
  return {
    format: SNAPSHOT_FORMAT,
    tenant: { tenantId: '11111111-1111-4111-8111-111111111111', displayName: 'Contoso', cloud: 'global' },
    collectedAt,
    completedAt: collectedAt,
    datasets: Object.fromEntries(
      Object.entries(datasets).map(([name, d]) => [name, Array.isArray(d) ? ok(d, collectedAt) : d]),
    ),
  };
}
