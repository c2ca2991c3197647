/**
 * Drift between two snapshots of a 100,000-user tenant with ~5,000 app registrations and ~5,000
 * service principals, ~1 % of configuration objects changed (issue 6: goal under 1 s). Not a
 * test: it prints numbers. The snapshots are built from the generator's model directly (no HTTP):
 * reading is the collector's cost, diffing is this one's.
 * Run: `npx tsx bench/drift.bench.ts` (or `npm run bench drift`)
 */
import { diffSnapshots } from '../src/analyse/drift/index.ts';
import { type DatasetResult, SNAPSHOT_FORMAT, type Snapshot } from '../src/collect/snapshot-types.ts';
import type { GraphObject, TenantModel } from '../src/emulator/contract.ts';
import { generateTenant } from '../src/emulator/generator/index.ts';

const USERS = 100_000;
const APPS = 5_000;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const T0 = '2026-11-20T08:00:00.000Z';
const T1 = '2026-11-21T08:00:00.000Z';
const ok = (items: unknown[]): DatasetResult => ({ status: 'ok', collectedAt: T0, items });

/** Copies of the generated in-house apps (and their service principals) up to `APPS`. */
function withSyntheticApps(model: TenantModel): { apps: GraphObject[]; sps: GraphObject[] } {
  const c = model.graph.collections;
  const apps = [...c.applications];
  const sps = [...c.servicePrincipals];
  const templateApp = c.applications[0]!;
  const templateSp = sps.find((s) => s.appId === templateApp.appId)!;
  for (let i = apps.length; i < APPS; i++) {
    const hex = i.toString(16).padStart(12, '0');
    const appId = `5e000000-0000-4000-8000-${hex}`;
    apps.push({
      ...structuredClone(templateApp),
      id: `a0000000-0000-4000-8000-${hex}`,
      appId,
      displayName: `Synthetic app ${i}`,
    });
    sps.push({
      ...structuredClone(templateSp),
      id: `5b000000-0000-4000-8000-${hex}`,
      appId,
      displayName: `Synthetic app ${i}`,
    });
  }
  return { apps, sps };
}

function snapshotOf(
  model: TenantModel,
  apps: GraphObject[],
  sps: GraphObject[],
  collectedAt: string,
): Snapshot {
  const g = model.graph;
  const c = g.collections;
  const relation = (m: Record<string, unknown[]>, wrap: (x: unknown) => unknown) =>
    ok(Object.entries(m).map(([parentId, items]) => ({ parentId, items: items.map(wrap) })));
  return {
    format: SNAPSHOT_FORMAT,
    tenant: { tenantId: model.tenantId, cloud: 'global' },
    collectedAt,
    completedAt: collectedAt,
    datasets: {
      users: ok(c.users),
      groups: ok(c.groups),
      domains: ok(c.domains),
      applications: ok(apps),
      servicePrincipals: ok(sps),
      oauth2PermissionGrants: ok(c.oauth2PermissionGrants),
      appRoleAssignedTo: relation(g.appRoleAssignedTo as Record<string, unknown[]>, (x) => x),
      conditionalAccessPolicies: ok(c['identity/conditionalAccess/policies']),
      namedLocations: ok(c['identity/conditionalAccess/namedLocations']),
      directoryRoles: ok(c.directoryRoles),
      directoryRoleMembers: relation(g.directoryRoleMembers as Record<string, unknown[]>, (id) => ({ id })),
      roleDefinitions: ok(c['roleManagement/directory/roleDefinitions']),
      roleAssignments: ok(c['roleManagement/directory/roleAssignments']),
      roleManagementPolicyAssignments: ok(c['policies/roleManagementPolicyAssignments']),
      appManagementPolicies: ok(c['policies/appManagementPolicies']),
      groupSettings: ok(c.groupSettings),
      authorizationPolicy: ok([g.singletons['policies/authorizationPolicy']]),
      authenticationMethodsPolicy: ok([g.singletons['policies/authenticationMethodsPolicy']]),
      securityDefaults: ok([g.singletons['policies/identitySecurityDefaultsEnforcementPolicy']]),
      sharepointSettings: ok([g.singletons['admin/sharepoint/settings']]),
      directoryAudits: ok(c['auditLogs/directoryAudits']),
    },
  };
}

/** Changes every 100th app and SP (a secret added, a rename) and records who did it. */
function mutate(apps: GraphObject[], sps: GraphObject[], audits: GraphObject[]) {
  let changed = 0;
  const record = (target: string) =>
    audits.push({
      id: `Directory_bench_${changed}`,
      result: 'success',
      activityDisplayName: 'Update application – Certificates and secrets management ',
      activityDateTime: '2026-11-20T12:00:00.000Z',
      operationType: 'Update',
      initiatedBy: { user: { id: 'u', userPrincipalName: 'admin@bench.test' }, app: null },
      targetResources: [
        {
          id: target,
          modifiedProperties: [{ displayName: 'KeyDescription', oldValue: '[]', newValue: '[]' }],
        },
      ],
    });
  const nextApps = apps.map((a, i) => {
    if (i % 100 !== 0) return a;
    changed += 1;
    record(a.id);
    const creds = (a.passwordCredentials as unknown[]) ?? [];
    return {
      ...a,
      passwordCredentials: [...creds, { keyId: `bench-${i}`, displayName: 'added', endDateTime: T1 }],
    };
  });
  const nextSps = sps.map((s, i) => {
    if (i % 100 !== 50) return s;
    changed += 1;
    return { ...s, displayName: `${String(s.displayName)} (renamed)` };
  });
  return { nextApps, nextSps, changed };
}

const gc = (globalThis as { gc?: () => void }).gc;
const genStart = performance.now();
const model = generateTenant({ users: USERS, profile: 'typical', seed: 'drift-bench' });
const { apps, sps } = withSyntheticApps(model);
const before = snapshotOf(model, apps, sps, T0);
const audits = [...model.graph.collections['auditLogs/directoryAudits']];
const { nextApps, nextSps, changed } = mutate(apps, sps, audits);
const after = snapshotOf(model, nextApps, nextSps, T1);
after.datasets.directoryAudits = ok(audits);
console.log(
  `built: users=${USERS} generatedApps=${model.graph.collections.applications.length} apps=${apps.length} sps=${sps.length} changedObjects=${changed} (${(performance.now() - genStart).toFixed(0)} ms)`,
);

gc?.();
for (let run = 1; run <= 3; run++) {
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  const report = diffSnapshots(before, after);
  const ms = performance.now() - start;
  const heapAfter = process.memoryUsage().heapUsed;
  console.log(
    [
      `run=${run}`,
      `time=${ms.toFixed(0)} ms`,
      `events=${report.events.length}`,
      `attributed=${report.summary.attributed}`,
      `heapDelta=${mb(heapAfter - heapBefore)}`,
      `rss=${mb(process.memoryUsage().rss)}`,
      `maxRss=${mb(process.resourceUsage().maxRSS * 1024)}`,
      `goal=${ms < 1000 ? 'met (< 1 s)' : 'MISSED (>= 1 s)'}`,
    ].join(' '),
  );
  gc?.();
}
