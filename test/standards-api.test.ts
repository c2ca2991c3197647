import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newId } from '../src/platform/ids.ts';
import { withWorkspace } from '../src/storage/transactions.ts';
import { type Agent, type Harness, openHarness } from './api-harness.ts';

/** Standards through the API without tenants' data: validation, versions, assignment, audit. */
const PASSWORD = 'standards api password 2026';
let h: Harness;
let ws: string;
let wsOther: string;
let admin: Agent;
let tenant: string;
let foreignTenant: string;

const doc = (over: Record<string, unknown> = {}) => ({
  format: 'tenantscope.standard/v1',
  name: 'Hardened',
  rules: [{ id: 'sd', objectKind: 'securityDefaults', expect: { isEnabled: { equals: false } } }],
  ...over,
});

async function insertTenant(workspaceId: string): Promise<string> {
  const id = newId();
  await withWorkspace(h.database.db, workspaceId, (tx) =>
    sql`INSERT INTO tenants (id, workspace_id, display_name, microsoft_tenant_id) VALUES (${id}, ${workspaceId}, 'T', ${newId()})`.execute(
      tx,
    ),
  );
  return id;
}

beforeAll(async () => {
  h = await openHarness();
  ws = await h.workspace('std-a');
  wsOther = await h.workspace('std-b');
  await h.person('admin@std.test', PASSWORD, [{ workspaceId: ws, role: 'admin' }]);
  admin = await h.signIn('admin@std.test', PASSWORD);
  tenant = await insertTenant(ws);
  foreignTenant = await insertTenant(wsOther);
});
afterAll(async () => {
  h.assertNoSecrets([PASSWORD]);
  await h.close();
});

describe('standards API', () => {
  test.each([
    ['another format', doc({ format: 'x' }), 'format must be "tenantscope.standard/v1"'],
    [
      'an unknown kind',
      doc({ rules: [{ id: 'r', objectKind: 'mailbox', expect: { a: { equals: 1 } } }] }),
      'rules[0].objectKind',
    ],
    [
      'workspace-level overrides',
      doc({ overrides: { t: { sd: { skip: true, reason: 'x' } } } }),
      'overrides are set per tenant',
    ],
  ])('%s is refused with the place named, and nothing is stored', async (_n, body, message) => {
    const res = await admin.request('POST', '/api/standards', body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'TS_ERR_STANDARD_INVALID',
      message: expect.stringContaining(message),
    });
    expect((await admin.request('GET', '/api/standards')).json().standards).toEqual([]);
  });

  test('created, renamed to a taken name (refused), replaced as a new version, assigned, unassigned, deleted — all audited', async () => {
    const a = (await admin.request('POST', '/api/standards', doc())).json();
    expect(a).toMatchObject({ name: 'Hardened', version: 1, tenants: [] });
    expect(a.document).not.toHaveProperty('overrides');
    const b = await admin.request('POST', '/api/standards', doc({ name: 'Relaxed' }));
    expect(b.statusCode).toBe(201);
    const clash = await admin.request('PUT', `/api/standards/${a.id}`, doc({ name: 'Relaxed' }));
    expect(clash.json()).toMatchObject({
      code: 'TS_ERR_VALIDATION',
      message: expect.stringContaining('Relaxed'),
    });
    const v2 = await admin.request('PUT', `/api/standards/${a.id}`, doc({ description: 'v2' }));
    expect(v2.json()).toMatchObject({ version: 2, document: { description: 'v2' } });

    const assigned = await admin.request('PUT', `/api/standards/${a.id}/tenants/${tenant}`, {
      overrides: { sd: { skip: true, reason: 'customer on a free plan relies on security defaults' } },
    });
    expect(assigned.json().tenants).toMatchObject([{ tenantId: tenant, overrides: { sd: { skip: true } } }]);
    // a rule an override names cannot be removed from the standard under it
    const dropping = await admin.request(
      'PUT',
      `/api/standards/${a.id}`,
      doc({
        rules: [{ id: 'other', objectKind: 'securityDefaults', expect: { isEnabled: { equals: true } } }],
      }),
    );
    expect(dropping.json()).toMatchObject({
      code: 'TS_ERR_STANDARD_INVALID',
      message: expect.stringContaining('names no rule'),
    });
    expect((await admin.request('GET', `/api/standards/${a.id}`)).json().version).toBe(2);

    const foreign = await admin.request('PUT', `/api/standards/${a.id}/tenants/${foreignTenant}`, {});
    expect(foreign.statusCode).toBe(404);
    expect((await admin.request('DELETE', `/api/standards/${a.id}/tenants/${tenant}`)).statusCode).toBe(204);
    expect((await admin.request('DELETE', `/api/standards/${a.id}`)).statusCode).toBe(204);
    expect((await admin.request('GET', `/api/standards/${a.id}`)).statusCode).toBe(404);
    const actions = await withWorkspace(h.database.db, ws, (tx) =>
      tx
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'like', 'standard.%')
        .orderBy('id')
        .execute(),
    );
    expect(actions.map((x) => x.action)).toEqual([
      'standard.created',
      'standard.created',
      'standard.updated',
      'standard.assigned',
      'standard.unassigned',
      'standard.deleted',
    ]);
  });
});
