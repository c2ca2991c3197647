import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compareToStandard, parseStandard } from '../src/analyse/drift/index.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { BASELINE_DATASETS } from '../src/pipeline/baseline-compare.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { newId } from '../src/platform/ids.ts';
import { loadSnapshot } from '../src/snapshots/snapshot-repo.ts';
import { withWorkspace } from '../src/storage/transactions.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import { type Agent, type Harness, openHarness } from './api-harness.ts';
import { connectEmulatorTenant, testSyncDeps } from './helpers/emulator-tenant.ts';

/**
 * `GET /api/tenants/:id/settings` on a synced emulated tenant. The honesty test is the round
 * trip: every setting it lists, written as an "equals" rule on its object, evaluates with zero
 * deviations for that tenant — directly on the stored snapshot, and through the standards API.
 */
interface Setting {
  kind: string;
  objectId?: string;
  objectName: string;
  path: string;
  value: unknown;
  valueType: string;
}

const PASSWORD = 'tenant settings password 2026';
let emulator: RunningEmulator;
let h: Harness;
let admin: Agent;
let reader: Agent;
let ws: string;
let tenant: string;
let unsynced: string;
let foreign: string;
const vault = createVault([generateKey()]);
let all: Setting[] = [];

async function insertTenant(workspaceId: string): Promise<string> {
  const id = newId();
  await withWorkspace(h.database.db, workspaceId, (tx) =>
    sql`INSERT INTO tenants (id, workspace_id, display_name, microsoft_tenant_id) VALUES (${id}, ${workspaceId}, 'Never synced', ${newId()})`.execute(
      tx,
    ),
  );
  return id;
}

/** Every page of the tenant's settings, as a client pages through them. */
async function readAll(agent: Agent, id: string): Promise<Setting[]> {
  const out: Setting[] = [];
  for (let offset = 0; ; ) {
    const res = await agent.request('GET', `/api/tenants/${id}/settings?limit=1000&offset=${offset}`);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json();
    out.push(...page.settings);
    offset += page.settings.length;
    if (!page.truncated) {
      expect(out).toHaveLength(page.total);
      return out;
    }
  }
}

/** One rule per object: its settings as "equals"; a collection's object selected by its id. */
function roundTripRules(settings: Setting[]) {
  const byObject = new Map<string, Setting[]>();
  for (const s of settings) {
    const key = `${s.kind}\n${s.objectId ?? ''}`;
    byObject.set(key, [...(byObject.get(key) ?? []), s]);
  }
  return [...byObject.values()].map((list, i) => {
    const first = list[0]!;
    // an object whose value carries no `id` (directory role members) cannot be singled out: "any"
    const selectable = list.some((s) => s.path === 'id');
    return {
      id: `r${i}`,
      objectKind: first.kind,
      ...(first.objectId
        ? selectable
          ? { where: { id: { equals: first.objectId } } }
          : { match: 'any' }
        : {}),
      expect: Object.fromEntries(list.map((s) => [s.path, { equals: s.value }])),
    };
  });
}

beforeAll(async () => {
  emulator = await startEmulator({ tenants: [{ users: 30, profile: 'neglected', seed: 'settings-1' }] });
  h = await openHarness({ connect: { vault, extraCaFile: emulator.caFile } });
  ws = await h.workspace('settings-a');
  const wsOther = await h.workspace('settings-b');
  await h.person('admin@settings.test', PASSWORD, [{ workspaceId: ws, role: 'admin' }]);
  await h.person('reader@settings.test', PASSWORD, [{ workspaceId: ws, role: 'reports' }]);
  admin = await h.signIn('admin@settings.test', PASSWORD);
  reader = await h.signIn('reader@settings.test', PASSWORD);
  tenant = await connectEmulatorTenant(testSyncDeps(h.database.db, vault, emulator), emulator, ws, 0, 1);
  unsynced = await insertTenant(ws);
  foreign = await insertTenant(wsOther);
  all = await readAll(reader, tenant);
}, 120_000);
afterAll(async () => {
  h.assertNoSecrets([PASSWORD, emulator.tenants[0]!.clientSecret]);
  await h.close();
  await emulator.close();
});

describe('a tenant’s current settings', () => {
  test('a reports member reads them: settings of many kinds, each path unique per object', () => {
    const kinds = new Set(all.map((s) => s.kind));
    for (const k of ['securityDefaults', 'authorizationPolicy', 'conditionalAccessPolicy', 'application'])
      expect(kinds).toContain(k);
    const keys = all.map((s) => `${s.kind}|${s.objectId ?? ''}|${s.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(all.find((s) => s.kind === 'securityDefaults' && s.path === 'isEnabled')).toMatchObject({
      valueType: 'boolean',
    });
  });

  test('every setting listed, as an "equals" rule on its object, evaluates with zero deviations', async () => {
    const rules = roundTripRules(all);
    const standard = parseStandard({ format: 'tenantscope.standard/v1', name: 'round trip', rules });
    const row = await withWorkspace(h.database.db, ws, (tx) =>
      tx
        .selectFrom('snapshots')
        .innerJoin('tenants', 'tenants.id', 'snapshots.tenant_id')
        .select(['snapshots.id', 'microsoft_tenant_id', 'display_name', 'cloud'])
        .where('tenant_id', '=', tenant)
        .executeTakeFirstOrThrow(),
    );
    const snapshot = await loadSnapshot(
      h.database.db,
      ws,
      row.id,
      { microsoftTenantId: row.microsoft_tenant_id, displayName: row.display_name, cloud: row.cloud },
      new Set(BASELINE_DATASETS),
    );
    const report = compareToStandard(snapshot!, standard);
    const failing = report.results.filter((r) => r.status !== 'pass').slice(0, 3);
    expect(failing, JSON.stringify(failing)).toEqual([]);
    expect(report.summary.pass).toBe(rules.length);

    // the test can fail: one value changed is one deviation, on that path
    const flipped = all.find((s) => s.valueType === 'boolean')!;
    const changed = roundTripRules(all.map((s) => (s === flipped ? { ...s, value: !s.value } : s)));
    const again = compareToStandard(
      snapshot!,
      parseStandard({ format: 'tenantscope.standard/v1', name: 'flipped', rules: changed }),
    );
    expect(again.summary.deviation).toBe(1);
    expect(again.results.flatMap((r) => r.deviations)).toMatchObject([
      { objectKind: flipped.kind, path: flipped.path, actual: flipped.value },
    ]);
  });

  test('through the standards API: a standard written from one object of each kind passes on the tenant', async () => {
    const firstOfKind = new Map<string, string>();
    for (const s of all) if (!firstOfKind.has(s.kind)) firstOfKind.set(s.kind, s.objectId ?? '');
    const picked = all.filter((s) => firstOfKind.get(s.kind) === (s.objectId ?? ''));
    const rules = roundTripRules(picked);
    const created = await admin.request('POST', '/api/standards', {
      format: 'tenantscope.standard/v1',
      name: 'Taken from the tenant',
      rules,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect((await admin.request('PUT', `/api/standards/${id}/tenants/${tenant}`, {})).statusCode).toBe(200);
    const evaluated = await admin.request('POST', `/api/standards/${id}/evaluate`);
    expect(evaluated.json().tenants).toMatchObject([
      { tenantId: tenant, summary: { pass: rules.length, deviation: 0, unknown: 0, skipped: 0 } },
    ]);
  });

  test('no secret is listed: credentials appear without key material or the secret’s hint', () => {
    const credentialPaths = all.filter((s) => /^(password|key)Credentials\[/.test(s.path));
    expect(credentialPaths.length).toBeGreaterThan(0);
    expect(credentialPaths.filter((s) => /\.(hint|secretText|key)$/.test(s.path))).toEqual([]);
  });

  test.each([
    ['kind', 'kind=securityDefaults', (s: Setting) => s.kind === 'securityDefaults'],
    ['words', 'q=allowedToCreateApps', (s: Setting) => s.path.includes('allowedToCreateApps')],
    [
      'kind and words',
      'kind=conditionalAccessPolicy&q=state',
      (s: Setting) => s.kind === 'conditionalAccessPolicy' && s.path.includes('state'),
    ],
  ])('filtered by %s, it lists exactly the matching settings', async (_name, query, keep) => {
    const res = await reader.request('GET', `/api/tenants/${tenant}/settings?${query}&limit=1000`);
    const body = res.json();
    const expected = all.filter(keep);
    expect(expected.length).toBeGreaterThan(0);
    expect(body.settings.map((s: Setting) => `${s.objectId}|${s.path}`)).toEqual(
      expected.map((s) => `${s.objectId}|${s.path}`),
    );
    expect(body.total).toBe(expected.length);
  });

  test('paged: a page says it is truncated, the last one does not, and counts per kind stay whole', async () => {
    const first = (await reader.request('GET', `/api/tenants/${tenant}/settings?limit=5`)).json();
    expect(first).toMatchObject({ total: all.length, offset: 0, truncated: true });
    expect(first.settings).toEqual(all.slice(0, 5));
    const last = (
      await reader.request('GET', `/api/tenants/${tenant}/settings?offset=${all.length - 2}`)
    ).json();
    expect(last).toMatchObject({ truncated: false });
    expect(last.settings).toEqual(all.slice(-2));
    const sd = first.kinds.find((k: { kind: string }) => k.kind === 'securityDefaults');
    expect(sd).toMatchObject({
      cardinality: 'one',
      objects: 1,
      settings: all.filter((s) => s.kind === 'securityDefaults').length,
    });
  });

  test('a tenant with no complete snapshot yet answers TS_ERR_NO_SNAPSHOT in words', async () => {
    const res = await reader.request('GET', `/api/tenants/${unsynced}/settings`);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'TS_ERR_NO_SNAPSHOT',
      message: expect.stringContaining('sync it first'),
    });
  });

  test.each([
    ['another workspace’s tenant', () => `/api/tenants/${foreign}/settings`, 404, 'TS_ERR_NOT_FOUND'],
    ['a tenant that never existed', () => `/api/tenants/${newId()}/settings`, 404, 'TS_ERR_NOT_FOUND'],
    ['an unknown kind', () => `/api/tenants/${tenant}/settings?kind=mailbox`, 400, 'TS_ERR_VALIDATION'],
    ['a page too large', () => `/api/tenants/${tenant}/settings?limit=5000`, 400, 'TS_ERR_VALIDATION'],
  ])('%s is refused', async (_name, url, status, code) => {
    const res = await reader.request('GET', url());
    expect([res.statusCode, res.json().code]).toEqual([status, code]);
  });
});
