import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { roleAllows } from '../src/auth/roles.ts';
import { newId } from '../src/platform/ids.ts';
import { createLogger } from '../src/platform/logger.ts';
import { buildApp } from '../src/present/http/app.ts';
import type { Access } from '../src/present/http/route-kit.ts';
import type { MemberRole } from '../src/storage/schema.ts';
import { withWorkspace } from '../src/storage/transactions.ts';
import { type Agent, freshIp, type Harness, openHarness } from './api-harness.ts';

const PASSWORD = 'role matrix password 2026';
let h: Harness;
let wsA: string;
let wsB: string;
let tenantA: string;
let tenantB: string;
let spareMember: string;
let ownerB: string;
const agents: Partial<Record<MemberRole, Agent>> = {};
const enqueued: unknown[] = [];

async function insertTenant(workspaceId: string, name: string): Promise<string> {
  const id = newId();
  await withWorkspace(h.database.db, workspaceId, (tx) =>
    sql`INSERT INTO tenants (id, workspace_id, display_name, microsoft_tenant_id, status)
        VALUES (${id}, ${workspaceId}, ${name}, ${newId()}, 'connected')`.execute(tx),
  );
  return id;
}

beforeAll(async () => {
  h = await openHarness({
    jobs: {
      enqueueSync: async (job) => {
        enqueued.push(job);
        return `job-${enqueued.length}`;
      },
    },
  });
  wsA = await h.workspace('alpha');
  wsB = await h.workspace('beta');
  for (const role of ['owner', 'admin', 'reports'] as const)
    await h.person(`${role}-a@example.com`, PASSWORD, [{ workspaceId: wsA, role }]);
  spareMember = await h.person('spare-a@example.com', PASSWORD, [{ workspaceId: wsA, role: 'reports' }]);
  ownerB = await h.person('owner-b@example.com', PASSWORD, [{ workspaceId: wsB, role: 'owner' }]);
  tenantA = await insertTenant(wsA, 'Tenant A');
  tenantB = await insertTenant(wsB, 'Tenant B — private');
  for (const role of ['owner', 'admin', 'reports'] as const)
    agents[role] = await h.signIn(`${role}-a@example.com`, PASSWORD);
});
afterAll(async () => {
  h.assertNoSecrets([PASSWORD]);
  await h.close();
});

interface Rule {
  /** the least access the route must demand: the product's rule, written down independently of the code */
  access: Access;
  call: () => Promise<{ url: string; body?: unknown }> | { url: string; body?: unknown };
  /** the status an allowed caller gets (a 400 proves the request got past authorisation to validation) */
  ok: number;
  /** sign in a new agent for this call (the call ends or replaces the session it uses) */
  fresh?: boolean;
}

/**
 * Every /api route and who may call it. A route added to the app without a row here fails the
 * first test, so no route escapes the matrix.
 */
const rules: Record<string, Rule> = {
  'POST /api/session': {
    access: 'public',
    call: () => ({ url: '/api/session', body: { email: 'spare-a@example.com', password: PASSWORD } }),
    ok: 200,
    // signing in again from a browser replaces the session it had
    fresh: true,
  },
  'DELETE /api/session': { access: 'signedIn', call: () => ({ url: '/api/session' }), ok: 204, fresh: true },
  'GET /api/me': { access: 'signedIn', call: () => ({ url: '/api/me' }), ok: 200 },
  'PUT /api/session/workspace': {
    access: 'signedIn',
    call: () => ({ url: '/api/session/workspace', body: { workspaceId: wsA } }),
    ok: 200,
  },
  'GET /api/permissions': { access: 'signedIn', call: () => ({ url: '/api/permissions' }), ok: 200 },
  'GET /api/tenants': { access: 'reports', call: () => ({ url: '/api/tenants' }), ok: 200 },
  'POST /api/tenants': { access: 'admin', call: () => ({ url: '/api/tenants', body: {} }), ok: 400 },
  'GET /api/tenants/:id': { access: 'reports', call: () => ({ url: `/api/tenants/${tenantA}` }), ok: 200 },
  'POST /api/tenants/:id/sync': {
    access: 'admin',
    call: () => ({ url: `/api/tenants/${tenantA}/sync` }),
    ok: 202,
  },
  'GET /api/tenants/:id/syncs': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/syncs` }),
    ok: 200,
  },
  'GET /api/tenants/:id/snapshots': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/snapshots` }),
    ok: 200,
  },
  'PATCH /api/tenants/:id': {
    access: 'admin',
    call: () => ({ url: `/api/tenants/${tenantA}`, body: { displayName: 'Tenant A' } }),
    ok: 200,
  },
  'DELETE /api/tenants/:id': {
    access: 'owner',
    call: async () => ({ url: `/api/tenants/${await insertTenant(wsA, 'To disconnect')}` }),
    ok: 200,
  },
  'GET /api/members': { access: 'admin', call: () => ({ url: '/api/members' }), ok: 200 },
  'PATCH /api/members/:id': {
    access: 'owner',
    call: () => ({ url: `/api/members/${spareMember}`, body: { role: 'reports' } }),
    ok: 200,
  },
  'GET /api/audit': { access: 'owner', call: () => ({ url: '/api/audit' }), ok: 200 },
  'GET /api/docs/openapi.json': {
    access: 'public',
    call: () => ({ url: '/api/docs/openapi.json' }),
    ok: 200,
  },
  'GET /api/docs': { access: 'public', call: () => ({ url: '/api/docs' }), ok: 200 },
};

type Caller = 'anonymous' | MemberRole;
const callers: Caller[] = ['anonymous', 'reports', 'admin', 'owner'];

function expected(access: Access, caller: Caller, ok: number): number {
  if (access === 'public') return ok;
  if (caller === 'anonymous') return 401;
  if (access === 'signedIn') return ok;
  return roleAllows(caller, access) ? ok : 403;
}

describe('who may call each route', () => {
  test('every /api route of the app has a rule in this matrix, and every rule a route', () => {
    expect([...h.app.apiRoutes].sort()).toEqual(Object.keys(rules).sort());
  });

  const cases = Object.entries(rules).flatMap(([route, rule]) =>
    callers.map((caller) => ({ route, rule, caller, status: expected(rule.access, caller, rule.ok) })),
  );
  test.each(cases)('$route as $caller → $status', async ({ route, rule, caller, status }) => {
    const method = route.split(' ')[0]!;
    const { url, body } = await rule.call();
    let res: LightMyRequestResponse;
    if (caller === 'anonymous') {
      res = await h.inject({
        method: method as 'GET',
        url,
        remoteAddress: freshIp(),
        ...(body ? { payload: body } : {}),
      });
    } else {
      const agent = rule.fresh ? await h.signIn(`${caller}-a@example.com`, PASSWORD) : agents[caller]!;
      res = await agent.request(method, url, body);
    }
    expect(res.statusCode, res.body).toBe(status);
    if (status === 401) expect(res.json().code).toBe('TS_ERR_UNAUTHENTICATED');
    if (status === 403) expect(res.json().code).toBe('TS_ERR_FORBIDDEN');
  });

  test('an /api route registered without an access rule stops the app from starting', async () => {
    const app = await buildApp({
      config: { tls: false },
      database: h.database,
      logger: createLogger({ level: 'silent' }),
    });
    expect(() => app.get('/api/unguarded', async () => ({}))).toThrow(/no access rule/);
    await app.close();
  });

  test('a person removed from the workspace loses access at their next request', async () => {
    const id = await h.person('leaving@example.com', PASSWORD, [{ workspaceId: wsA, role: 'admin' }]);
    const agent = await h.signIn('leaving@example.com', PASSWORD);
    expect((await agent.request('GET', '/api/tenants')).statusCode).toBe(200);
    await withWorkspace(h.database.db, wsA, (tx) =>
      tx.deleteFrom('memberships').where('user_id', '=', id).execute(),
    );
    const res = await agent.request('GET', '/api/tenants');
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('TS_ERR_FORBIDDEN');
  });
});

describe('ids of another workspace', () => {
  const tenantRoutes = [
    ['GET', ''],
    ['PATCH', ''],
    ['DELETE', ''],
    ['POST', '/sync'],
    ['GET', '/syncs'],
    ['GET', '/snapshots'],
  ] as const;
  test.each(tenantRoutes)(
    "%s /api/tenants/<B's tenant>%s answers 404 to A's owner, never data",
    async (method, suffix) => {
      const body = method === 'PATCH' ? { displayName: 'taken over' } : undefined;
      const res = await agents.owner!.request(method, `/api/tenants/${tenantB}${suffix}`, body);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'TS_ERR_NOT_FOUND', message: 'no such tenant' });
      expect(res.body).not.toContain('private');
    },
  );

  test("B's tenant is unchanged and still connected after A's attempts", async () => {
    const row = await withWorkspace(h.database.db, wsB, (tx) =>
      tx
        .selectFrom('tenants')
        .select(['display_name', 'status'])
        .where('id', '=', tenantB)
        .executeTakeFirstOrThrow(),
    );
    expect(row).toEqual({ display_name: 'Tenant B — private', status: 'connected' });
  });

  test("B's member cannot be re-roled from A, nor B chosen as A's workspace", async () => {
    const member = await agents.owner!.request('PATCH', `/api/members/${ownerB}`, { role: 'reports' });
    expect(member.statusCode).toBe(404);
    const choose = await agents.owner!.request('PUT', '/api/session/workspace', { workspaceId: wsB });
    expect(choose.statusCode).toBe(404);
  });

  test("lists show only the caller's workspace", async () => {
    const tenants = (await agents.owner!.request('GET', '/api/tenants')).json().tenants;
    expect(tenants.map((t: { id: string }) => t.id)).toContain(tenantA);
    expect(tenants.map((t: { id: string }) => t.id)).not.toContain(tenantB);
    const members = (await agents.owner!.request('GET', '/api/members')).json().members;
    expect(members.map((m: { email: string }) => m.email)).not.toContain('owner-b@example.com');
  });

  test('an id that is not a GUID is a validation error before any lookup', async () => {
    const res = await agents.owner!.request('GET', "/api/tenants/1' OR '1'='1");
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'TS_ERR_VALIDATION' });
  });
});
