import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { analyseSnapshot, pipelineHooks } from '../src/pipeline/analyse-snapshot.ts';
import { systemClock } from '../src/platform/clock.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { newId } from '../src/platform/ids.ts';
import { createLogger } from '../src/platform/logger.ts';
import type { PersonExport } from '../src/rights/export-service.ts';
import { ERASED } from '../src/rights/rights-types.ts';
import { withSystem } from '../src/storage/transactions.ts';
import { type SyncDeps, syncTenant } from '../src/sync/sync-service.ts';
import { connectAppRegistration } from '../src/tenants/connect-service.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import { type Agent, type Harness, openHarness } from './api-harness.ts';
import { change, control, tick } from './drift-emulator-harness.ts';

/**
 * Data-subject rights against a tenant synced from the emulator: the person is the tenant's
 * admin (the generator's first user, who acts in much of the audit log), so they appear in
 * nearly every dataset. Between the two syncs they change a Conditional Access policy (drift by
 * them) and another admin excludes them from it (drift about them), with a baseline pinned, an
 * alert rule emailing on drift and them in the break-glass list. The same Microsoft tenant is
 * connected in a second workspace, which must stay untouched.
 */
const gunzip = promisify(gunzipCb);
const PASSWORD = 'rights suite password 2026';
const CA = 'identity/conditionalAccess/policies';
let emulator: RunningEmulator;
let h: Harness;
let owner: Agent;
let admin: Agent;
let reports: Agent;
let wsA: string;
let wsB: string;
let tenantA = '';
let tenantB = '';
const vault = createVault([generateKey()]);

interface Person {
  id: string;
  upn: string;
  mail: string | null;
}
let person: Person;
let other: Person;
let everyoneElse: Person[];

const deps = (): SyncDeps => {
  const base = { db: h.database.db, clock: systemClock, logger: createLogger({ level: 'silent' }) };
  return { ...base, vault, extraCaFile: emulator.caFile, sleep: async () => {}, ...pipelineHooks(base) };
};

async function connect(workspaceId: string): Promise<string> {
  const t = emulator.tenants[0]!;
  const tenant = await connectAppRegistration(
    { db: h.database.db, vault, clock: systemClock, extraCaFile: emulator.caFile },
    {
      workspaceId,
      actor: 'cli',
      microsoftTenantId: t.tenantId,
      clientId: t.clientId,
      credential: { kind: 'secret', clientSecret: t.clientSecret },
      cloud: 'global',
      endpoints: {
        authorityHost: emulator.authorityHost,
        graphUrl: emulator.graphUrl,
        armUrl: emulator.armUrl,
      },
    },
  );
  return tenant.id;
}

async function sync(workspaceId: string, tenantId: string): Promise<string> {
  await control(emulator, 'POST', '/throttle/reset');
  const result = await syncTenant(deps(), { workspaceId, tenantId, trigger: 'manual' });
  expect(result.status, result.error?.message).toBe('succeeded');
  return result.snapshotId!;
}

/** Every chunk of every snapshot of a tenant, decompressed, read as the owner (nothing hides). */
async function chunksOf(tenantId: string): Promise<{ key: string; text: string }[]> {
  const rows = await withSystem(h.database.db, (tx) =>
    sql<{ snapshot_id: string; dataset: string; seq: number; items: Buffer }>`
      SELECT c.snapshot_id, c.dataset, c.seq, c.items FROM snapshot_chunks c
      JOIN snapshots s ON s.id = c.snapshot_id WHERE s.tenant_id = ${tenantId}
      ORDER BY c.snapshot_id, c.dataset, c.seq`.execute(tx),
  );
  return Promise.all(
    rows.rows.map(async (r) => ({
      key: `${r.snapshot_id}/${r.dataset}/${r.seq}`,
      text: (await gunzip(r.items)).toString('utf8'),
    })),
  );
}

/** The person's objects in every snapshot, as stored JSON: `snapshot/dataset` → text. */
async function objectsOf(tenantId: string, id: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const c of await chunksOf(tenantId)) {
    const [snapshot, dataset] = c.key.split('/');
    for (const item of JSON.parse(c.text) as { id?: string }[])
      if (item?.id === id) out.set(`${snapshot}/${dataset}`, JSON.stringify(item));
  }
  return out;
}

/** What analysis and delivery stored for a tenant (and its workspace's emails), as text. */
async function storedText(tenantId: string, workspaceId: string): Promise<string> {
  return withSystem(h.database.db, async (tx) => {
    const parts: string[] = [];
    for (const table of [
      'findings',
      'drift_events',
      'drift_comparisons',
      'baseline_comparisons',
      'standard_results',
      'alert_deliveries',
      'tenant_exceptions',
      'finding_acceptances',
      'notifications',
    ]) {
      const r = await sql<{ t: string }>`
        SELECT coalesce(string_agg(row_to_json(x)::text, E'\n'), '') AS t FROM ${sql.table(table)} x
        WHERE tenant_id = ${tenantId}`.execute(tx);
      parts.push(r.rows[0]!.t);
    }
    const emails = await sql<{ t: string }>`
      SELECT coalesce(string_agg(row_to_json(x)::text, E'\n'), '') AS t FROM email_outbox x
      WHERE workspace_id = ${workspaceId}`.execute(tx);
    parts.push(emails.rows[0]!.t);
    return parts.join('\n');
  });
}

const namesOf = (p: Person) => [p.id, p.upn, ...(p.mail ? [p.mail] : [])].map((s) => s.toLowerCase());
const holds = (text: string, p: Person) => namesOf(p).some((n) => text.toLowerCase().includes(n));

beforeAll(async () => {
  emulator = await startEmulator({ tenants: [{ users: 40, profile: 'typical', seed: 'rights-1' }] });
  h = await openHarness({ connect: { vault, extraCaFile: emulator.caFile } });
  wsA = await h.workspace('rights-a');
  wsB = await h.workspace('rights-b');
  for (const role of ['owner', 'admin', 'reports'] as const)
    await h.person(`${role}@rights.example`, PASSWORD, [{ workspaceId: wsA, role }]);
  owner = await h.signIn('owner@rights.example', PASSWORD);
  admin = await h.signIn('admin@rights.example', PASSWORD);
  reports = await h.signIn('reports@rights.example', PASSWORD);

  const users = emulator.stores[0]!.model.graph.collections.users.map((u) => ({
    id: String(u.id),
    upn: String(u.userPrincipalName),
    mail: typeof u.mail === 'string' ? u.mail : null,
  }));
  person = users[0]!;
  other = users[1]!;
  everyoneElse = users.slice(1);

  tenantA = await connect(wsA);
  tenantB = await connect(wsB);
  await sync(wsA, tenantA);
  await sync(wsB, tenantB);
  expect((await owner.request('PUT', `/api/tenants/${tenantA}/baseline`, {})).statusCode).toBe(200);
  const rule = await owner.request('POST', '/api/alert-rules', {
    name: 'Every change',
    minSeverity: 'low',
    emailTo: ['secops@example.com'],
  });
  expect(rule.statusCode, rule.body).toBe(201);
  const exceptions = await owner.request('PUT', `/api/tenants/${tenantA}/exceptions`, {
    breakGlass: [person.upn, other.id],
  });
  expect(exceptions.statusCode, exceptions.body).toBe(200);

  // drift by the person, and about them (made by another admin); two accounts share an address
  const policies = emulator.stores[0]!.model.graph.collections[CA]!;
  const policy = policies.find((p) => p.state === 'enabled') ?? policies[0]!;
  await tick();
  const as = (p: Person) => ({ user: { id: p.id, userPrincipalName: p.upn } });
  await change(emulator, 0, {
    actor: as(person),
    collection: CA,
    id: String(policy.id),
    patch: { state: 'disabled' },
  });
  const conditions = structuredClone(policy.conditions) as { users: { excludeUsers?: string[] } };
  conditions.users.excludeUsers = [...(conditions.users.excludeUsers ?? []), person.id];
  await change(emulator, 0, {
    actor: as(other),
    collection: CA,
    id: String(policy.id),
    patch: { conditions },
  });
  for (const u of [users[5]!, users[6]!])
    await change(emulator, 0, {
      actor: as(other),
      collection: 'users',
      id: u.id,
      patch: { mail: 'shared@rights.example' },
    });
  await tick();
  await sync(wsA, tenantA);
}, 180_000);

afterAll(async () => {
  h.assertNoSecrets([PASSWORD, emulator.tenants[0]!.clientSecret]);
  await h.close();
  await emulator.close();
});

describe('before erasure', () => {
  test('the person is in both snapshots, drift about and by them, the alert and the break-glass list', async () => {
    const chunks = await chunksOf(tenantA);
    const snapshots = new Set(chunks.filter((c) => holds(c.text, person)).map((c) => c.key.split('/')[0]));
    expect(snapshots.size).toBe(2);
    expect(holds(await storedText(tenantA, wsA), person)).toBe(true);
    const events = await withSystem(h.database.db, (tx) =>
      tx
        .selectFrom('drift_events')
        .select(['object_name', 'actor_label', 'after'])
        .where('tenant_id', '=', tenantA)
        .execute(),
    );
    expect(events.some((e) => e.actor_label.toLowerCase() === person.upn.toLowerCase())).toBe(true);
    expect(events.some((e) => JSON.stringify(e.after).includes(person.id))).toBe(true);
  });
});

describe('export (GET /api/tenants/:id/people/:who/export)', () => {
  let doc: PersonExport;
  let text: string;

  test('only an owner may export; admins and reports members are refused', async () => {
    for (const agent of [admin, reports]) {
      const res = await agent.request('GET', `/api/tenants/${tenantA}/people/${person.id}/export`);
      expect(res.json()).toMatchObject({ statusCode: 403, code: 'TS_ERR_FORBIDDEN' });
    }
  });

  test('names the person, their groups, roles and licences, and everything held about them', async () => {
    const res = await owner.request(
      'GET',
      `/api/tenants/${tenantA}/people/${encodeURIComponent(person.upn)}/export`,
    );
    expect(res.statusCode, res.body).toBe(200);
    doc = res.json();
    text = res.body;
    expect(doc.format).toBe('tenantscope.person-export/v1');
    expect(doc.person).toMatchObject({ objectId: person.id.toLowerCase(), erasedAt: null });
    expect(doc.person.userPrincipalNames).toContain(person.upn);
    expect(doc.snapshots).toHaveLength(2);
    expect(doc.snapshots.every((s) => s.holdsPerson)).toBe(true);
    const user = doc.records.find((r) => r.dataset === 'users' && r.relation === 'self')!;
    expect((user.item as { id: string }).id).toBe(person.id);
    expect(user.snapshotIds).toHaveLength(2);
    expect(doc.current!.groups.length).toBeGreaterThan(0);
    expect(doc.current!.groups[0]!.displayName).toEqual(expect.any(String));
    expect(doc.current!.directoryRoles.map((r) => r.displayName)).toContain('Global Administrator');
    expect(doc.current!.licences.length).toBeGreaterThan(0);
    expect(doc.current!.licences[0]!.skuPartNumber).toEqual(expect.any(String));
    expect(doc.current!.licenceLine).toMatchObject({ userId: person.id });
    expect(doc.records.some((r) => r.dataset === 'directoryAudits')).toBe(true);
    expect(doc.drift.by.length).toBeGreaterThan(0);
    expect(doc.drift.about.length).toBeGreaterThan(0);
    expect(doc.baselineComparisons.length).toBeGreaterThan(0);
    expect(doc.alerts.deliveries.length).toBeGreaterThan(0);
    expect(doc.alerts.emails.length).toBeGreaterThan(0);
    expect(doc.settings).toEqual({ breakGlass: true, armSignedInAs: false });
  });

  test('holds nothing about anyone else: no other user id or address appears', () => {
    for (const p of everyoneElse)
      for (const n of namesOf(p)) expect(text.toLowerCase().includes(n), `${n} in the export`).toBe(false);
  });

  test('is audited as person.exported without the person in the entry', async () => {
    const audit = await withSystem(h.database.db, (tx) =>
      tx.selectFrom('audit_log').selectAll().where('action', '=', 'person.exported').execute(),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: owner.personId, target: tenantA });
    expect(holds(JSON.stringify(audit[0]), person)).toBe(false);
  });

  test('an unknown person is a 404 code; an address two accounts share is ambiguous; a name is not a way in', async () => {
    const unknown = await owner.request(
      'GET',
      `/api/tenants/${tenantA}/people/nobody%40rights.example/export`,
    );
    expect(unknown.json()).toMatchObject({ statusCode: 404, code: 'TS_ERR_PERSON_NOT_FOUND' });
    const shared = await owner.request(
      'GET',
      `/api/tenants/${tenantA}/people/shared%40rights.example/export`,
    );
    expect(shared.json()).toMatchObject({ statusCode: 409, code: 'TS_ERR_PERSON_AMBIGUOUS' });
    const named = await owner.request('GET', `/api/tenants/${tenantA}/people/Alice%20Smith/export`);
    expect(named.json()).toMatchObject({ statusCode: 400, code: 'TS_ERR_VALIDATION' });
    const foreign = await owner.request('GET', `/api/tenants/${tenantB}/people/${person.id}/export`);
    expect(foreign.json()).toMatchObject({ statusCode: 404, code: 'TS_ERR_NOT_FOUND' });
  });
});

describe('erasure (POST /api/tenants/:id/people/:who/erase)', () => {
  const url = () => `/api/tenants/${tenantA}/people/${person.id}/erase`;
  let otherBefore: Map<string, string>;
  let workspaceB: { key: string; text: string }[];

  test('is refused to admins, and without the confirmation', async () => {
    otherBefore = await objectsOf(tenantA, other.id);
    workspaceB = await chunksOf(tenantB);
    expect((await admin.request('POST', url(), { confirm: person.id })).json()).toMatchObject({
      statusCode: 403,
      code: 'TS_ERR_FORBIDDEN',
    });
    for (const body of [{}, { confirm: other.id }])
      expect((await owner.request('POST', url(), body)).json()).toMatchObject({
        statusCode: 400,
        code: 'TS_ERR_ERASE_NOT_CONFIRMED',
      });
    expect(holds((await chunksOf(tenantA)).map((c) => c.text).join('\n'), person)).toBe(true);
  });

  test('removes every occurrence from every chunk, finding, drift row and alert; another user is byte-identical', async () => {
    const res = await owner.request('POST', url(), { confirm: person.id.toUpperCase() });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ tenantId: tenantA, erasedBefore: false });
    expect(body.notice).toContain('Microsoft Entra');
    expect(body.erasureListAdded).toBeGreaterThanOrEqual(2);
    expect(body.counts).toMatchObject({ snapshotsScanned: 2, snapshotsChanged: 2, breakGlassRemoved: 1 });
    for (const key of [
      'snapshotItemsRemoved',
      'snapshotItemsChanged',
      'driftEventsDeleted',
      'driftEventsChanged',
      'emailsChanged',
    ])
      expect(body.counts[key], key).toBeGreaterThan(0);

    for (const c of await chunksOf(tenantA)) expect(holds(c.text, person), c.key).toBe(false);
    const stored = await storedText(tenantA, wsA);
    expect(holds(stored, person)).toBe(false);
    expect(stored).toContain(ERASED.name);
    expect(await objectsOf(tenantA, other.id)).toEqual(otherBefore);
    // each dataset's item count still agrees with its chunks
    const perDataset = new Map<string, number>();
    for (const c of await chunksOf(tenantA)) {
      const [snapshot, dataset] = c.key.split('/');
      const key = `${snapshot}/${dataset}`;
      perDataset.set(key, (perDataset.get(key) ?? 0) + (JSON.parse(c.text) as unknown[]).length);
    }
    const counted = await withSystem(h.database.db, (tx) =>
      tx
        .selectFrom('snapshot_datasets')
        .innerJoin('snapshots', 'snapshots.id', 'snapshot_datasets.snapshot_id')
        .select(['snapshot_datasets.snapshot_id', 'snapshot_datasets.name', 'snapshot_datasets.item_count'])
        .where('snapshots.tenant_id', '=', tenantA)
        .where('snapshot_datasets.status', '=', 'ok')
        .execute(),
    );
    for (const d of counted)
      expect(perDataset.get(`${d.snapshot_id}/${d.name}`) ?? 0, `${d.name}`).toBe(d.item_count);
    const exceptions = await owner.request('GET', `/api/tenants/${tenantA}/exceptions`);
    expect(exceptions.json().breakGlass).toEqual([other.id]);
  });

  test('the rewritten snapshots still analyse, and the findings and licences pages answer', async () => {
    const latest = await withSystem(h.database.db, (tx) =>
      tx
        .selectFrom('snapshots')
        .select('id')
        .where('tenant_id', '=', tenantA)
        .orderBy('started_at', 'desc')
        .executeTakeFirstOrThrow(),
    );
    const base = { db: h.database.db, clock: systemClock, logger: createLogger({ level: 'silent' }) };
    const outcome = await analyseSnapshot(base, {
      workspaceId: wsA,
      tenantId: tenantA,
      snapshotId: latest.id,
    });
    expect(outcome.posture.evaluated).toBeGreaterThan(0);
    for (const page of ['findings', 'licences', 'licences/users', 'licences/skus', 'drift']) {
      const res = await owner.request('GET', `/api/tenants/${tenantA}/${page}`);
      expect(res.statusCode, page).toBe(200);
      expect(holds(res.body, person), page).toBe(false);
    }
    const users = await owner.request('GET', `/api/tenants/${tenantA}/licences/users?limit=500`);
    expect(users.json().users.length).toBeGreaterThan(0);
  });

  test('is audited with who asked and the counts, never the person', async () => {
    const audit = await withSystem(h.database.db, (tx) =>
      tx.selectFrom('audit_log').selectAll().where('action', '=', 'person.erased').execute(),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: owner.personId, target: tenantA, ip: owner.ip });
    expect(audit[0]!.detail).toMatchObject({ counts: expect.objectContaining({ snapshotsScanned: 2 }) });
    expect(holds(JSON.stringify(audit[0]), person)).toBe(false);
  });

  test('erasing again (by their UPN this time) changes nothing', async () => {
    const who = encodeURIComponent(person.upn);
    const res = await owner.request('POST', `/api/tenants/${tenantA}/people/${who}/erase`, {
      confirm: person.upn,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ erasedBefore: true, erasureListAdded: 0 });
    const { snapshotsScanned, ...rest } = body.counts;
    expect(snapshotsScanned).toBe(2);
    expect(Object.values(rest).every((n) => n === 0)).toBe(true);
  });

  test('the same Microsoft tenant in another workspace is untouched', async () => {
    expect(await chunksOf(tenantB)).toEqual(workspaceB);
    expect(holds(workspaceB.map((c) => c.text).join('\n'), person)).toBe(true);
  });

  test('the next sync does not store the person again, though they still exist in the tenant', async () => {
    const snapshotId = await sync(wsA, tenantA);
    const fresh = (await chunksOf(tenantA)).filter((c) => c.key.startsWith(snapshotId));
    expect(fresh.length).toBeGreaterThan(0);
    for (const c of fresh) expect(holds(c.text, person), c.key).toBe(false);
    expect(fresh.some((c) => holds(c.text, other))).toBe(true);
    expect(holds(await storedText(tenantA, wsA), person)).toBe(false);
    const count = await withSystem(h.database.db, (tx) =>
      tx
        .selectFrom('snapshot_datasets')
        .select('item_count')
        .where('snapshot_id', '=', snapshotId)
        .where('name', '=', 'users')
        .executeTakeFirstOrThrow(),
    );
    expect(count.item_count).toBe(emulator.stores[0]!.model.graph.collections.users.length - 1);
  });

  test('while a sync that read the erasure list earlier still runs, erasure waits (and is recorded)', async () => {
    const third = everyoneElse[2]!;
    const runId = newId();
    await withSystem(h.database.db, (tx) =>
      sql`INSERT INTO sync_runs (id, workspace_id, tenant_id, trigger, status, started_at)
          VALUES (${runId}, ${wsA}, ${tenantA}, 'manual', 'running', now())`.execute(tx),
    );
    const busy = await owner.request('POST', `/api/tenants/${tenantA}/people/${third.id}/erase`, {
      confirm: third.id,
    });
    expect(busy.json()).toMatchObject({ statusCode: 409, code: 'TS_ERR_TENANT_BUSY' });
    expect(holds((await chunksOf(tenantA)).map((c) => c.text).join('\n'), third)).toBe(true);
    const deferred = await withSystem(h.database.db, (tx) =>
      tx.selectFrom('audit_log').select(['detail']).where('action', '=', 'person.erasure_deferred').execute(),
    );
    expect(deferred).toHaveLength(1);
    await withSystem(h.database.db, (tx) =>
      tx
        .updateTable('sync_runs')
        .set({ status: 'failed', finished_at: new Date() })
        .where('id', '=', runId)
        .execute(),
    );
    const done = await owner.request('POST', `/api/tenants/${tenantA}/people/${third.id}/erase`, {
      confirm: third.id,
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ erasedBefore: true, erasureListAdded: 0 });
    expect(done.json().counts.snapshotItemsRemoved).toBeGreaterThan(0);
    for (const c of await chunksOf(tenantA)) expect(holds(c.text, third), c.key).toBe(false);
  });

  test('an export afterwards says when they were erased and holds nothing else', async () => {
    const res = await owner.request('GET', `/api/tenants/${tenantA}/people/${person.id}/export`);
    expect(res.statusCode, res.body).toBe(200);
    const doc = res.json();
    expect(doc.person.erasedAt).toEqual(expect.any(String));
    expect(doc.records).toEqual([]);
    expect(doc.current).toBeNull();
    expect(doc.drift).toEqual({ about: [], by: [] });
  });
});
