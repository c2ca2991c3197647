import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { roleAllows } from '../src/auth/roles.ts';
import { generateKey } from '../src/platform/crypto.ts';
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
    keks: [generateKey()],
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
  'GET /api/me/totp': { access: 'signedIn', call: () => ({ url: '/api/me/totp' }), ok: 200 },
  // enrolment only starts (nothing changes at sign-in until confirmed), so every caller may repeat it
  'POST /api/me/totp': { access: 'signedIn', call: () => ({ url: '/api/me/totp' }), ok: 200 },
  'POST /api/me/totp/confirm': {
    access: 'signedIn',
    call: () => ({ url: '/api/me/totp/confirm', body: {} }),
    ok: 400,
  },
  // nobody here has a second factor on: turning it off is refused as a state error
  'DELETE /api/me/totp': { access: 'signedIn', call: () => ({ url: '/api/me/totp', body: {} }), ok: 409 },
  'POST /api/me/totp/recovery-codes': {
    access: 'signedIn',
    call: () => ({ url: '/api/me/totp/recovery-codes', body: { totpCode: '123456' } }),
    ok: 409,
  },
  // the person's own password and sessions (account-routes.ts): an empty body is a validation
  // error past authorisation; a random session id is nobody's
  'POST /api/me/password': {
    access: 'signedIn',
    call: () => ({ url: '/api/me/password', body: {} }),
    ok: 400,
  },
  'GET /api/me/sessions': { access: 'signedIn', call: () => ({ url: '/api/me/sessions' }), ok: 200 },
  'DELETE /api/me/sessions/:id': {
    access: 'signedIn',
    call: () => ({ url: `/api/me/sessions/${newId()}` }),
    ok: 404,
  },
  // sign-in with Microsoft is not configured here: its public routes answer the "off" error
  'GET /api/session/options': { access: 'public', call: () => ({ url: '/api/session/options' }), ok: 200 },
  'GET /api/session/microsoft': {
    access: 'public',
    call: () => ({ url: '/api/session/microsoft' }),
    ok: 409,
  },
  'GET /api/session/microsoft/callback': {
    access: 'public',
    call: () => ({ url: '/api/session/microsoft/callback?state=x&code=y' }),
    ok: 409,
  },
  'GET /api/me/microsoft': { access: 'signedIn', call: () => ({ url: '/api/me/microsoft' }), ok: 200 },
  'POST /api/me/microsoft': {
    access: 'signedIn',
    call: () => ({ url: '/api/me/microsoft', body: {} }),
    ok: 400,
  },
  // nobody here has linked one
  'DELETE /api/me/microsoft': { access: 'signedIn', call: () => ({ url: '/api/me/microsoft' }), ok: 404 },
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
  // connect-routes.ts: this harness configures no multi-tenant app, so starting and finishing answer 409
  'POST /api/connect/admin-consent': {
    access: 'admin',
    call: () => ({ url: '/api/connect/admin-consent', body: {} }),
    ok: 409,
  },
  'POST /api/tenants/:id/arm/sign-in': {
    access: 'admin',
    call: () => ({ url: `/api/tenants/${tenantA}/arm/sign-in` }),
    ok: 409,
  },
  'GET /api/connect/callback': { access: 'admin', call: () => ({ url: '/api/connect/callback' }), ok: 409 },
  'PUT /api/tenants/:id/arm': {
    access: 'admin',
    call: () => ({ url: `/api/tenants/${tenantA}/arm`, body: { reads: 'off' } }),
    ok: 200,
  },
  // a connected tenant cannot be purged: the owner gets past authorisation to the state check
  'POST /api/tenants/:id/purge': {
    access: 'owner',
    call: () => ({ url: `/api/tenants/${tenantA}/purge` }),
    ok: 409,
  },
  // data-subject rights (rights-routes.ts): this tenant was never synced, so an owner gets past
  // authorisation to "no such person"; an erasure without its confirmation is refused first
  'GET /api/tenants/:id/people/:who/export': {
    access: 'owner',
    call: () => ({ url: `/api/tenants/${tenantA}/people/${newId()}/export` }),
    ok: 404,
  },
  'POST /api/tenants/:id/people/:who/erase': {
    access: 'owner',
    call: () => ({ url: `/api/tenants/${tenantA}/people/${newId()}/erase`, body: {} }),
    ok: 400,
  },
  'GET /api/members': { access: 'admin', call: () => ({ url: '/api/members' }), ok: 200 },
  'PATCH /api/members/:id': {
    access: 'owner',
    call: () => ({ url: `/api/members/${spareMember}`, body: { role: 'reports' } }),
    ok: 200,
  },
  'GET /api/audit': { access: 'owner', call: () => ({ url: '/api/audit' }), ok: 200 },
  'GET /api/retention': { access: 'admin', call: () => ({ url: '/api/retention' }), ok: 200 },
  'PUT /api/retention': {
    access: 'owner',
    call: () => ({ url: '/api/retention', body: { audit: 1 } }),
    ok: 400,
  },
  'POST /api/retention/purge': { access: 'owner', call: () => ({ url: '/api/retention/purge' }), ok: 200 },
  // branding (branding-routes.ts): every member reads it; admins change it. No logo is stored here,
  // so reading or removing it gets past authorisation to 404, and an empty upload to its type error
  'GET /api/branding': { access: 'reports', call: () => ({ url: '/api/branding' }), ok: 200 },
  'PUT /api/branding': {
    access: 'admin',
    call: () => ({ url: '/api/branding', body: { accentColor: 'not a colour' } }),
    ok: 400,
  },
  'PUT /api/branding/logo': {
    access: 'admin',
    call: () => ({ url: '/api/branding/logo', body: { notAnImage: true } }),
    ok: 415,
  },
  'DELETE /api/branding/logo': { access: 'admin', call: () => ({ url: '/api/branding/logo' }), ok: 404 },
  'GET /api/branding/logo': { access: 'reports', call: () => ({ url: '/api/branding/logo' }), ok: 404 },
  'GET /api/docs/openapi.json': {
    access: 'public',
    call: () => ({ url: '/api/docs/openapi.json' }),
    ok: 200,
  },
  'GET /api/docs': { access: 'public', call: () => ({ url: '/api/docs' }), ok: 200 },
  // analysis views (finding-, posture-, drift-, licence-, price-book- and overview-routes.ts); a
  // tenant never synced: empty lists, and 404 where a finding or an event is named
  'GET /api/overview': { access: 'reports', call: () => ({ url: '/api/overview' }), ok: 200 },
  'GET /api/findings': { access: 'reports', call: () => ({ url: '/api/findings' }), ok: 200 },
  'GET /api/tenants/:id/findings': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/findings` }),
    ok: 200,
  },
  'GET /api/tenants/:id/findings/:checkId': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/findings/ca-block-legacy-auth` }),
    ok: 404,
  },
  'PUT /api/tenants/:id/findings/:checkId/acceptance': {
    access: 'admin',
    call: () => ({
      url: `/api/tenants/${tenantA}/findings/ca-block-legacy-auth/acceptance`,
      body: { reason: 'role matrix', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    }),
    ok: 200,
  },
  'DELETE /api/tenants/:id/findings/:checkId/acceptance': {
    access: 'admin',
    call: () => ({ url: `/api/tenants/${tenantA}/findings/ten-security-defaults-state/acceptance` }),
    ok: 404,
  },
  'GET /api/tenants/:id/score-history': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/score-history` }),
    ok: 200,
  },
  'GET /api/tenants/:id/exceptions': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/exceptions` }),
    ok: 200,
  },
  'PUT /api/tenants/:id/exceptions': {
    access: 'admin',
    call: () => ({ url: `/api/tenants/${tenantA}/exceptions`, body: { breakGlass: [] } }),
    ok: 200,
  },
  'GET /api/tenants/:id/drift': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/drift` }),
    ok: 200,
  },
  'GET /api/tenants/:id/drift/comparisons': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/drift/comparisons` }),
    ok: 200,
  },
  'GET /api/tenants/:id/drift/timeline': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/drift/timeline?objectKind=domain&objectId=contoso.test` }),
    ok: 200,
  },
  'PATCH /api/drift-events/:eventId': {
    access: 'admin',
    call: () => ({ url: `/api/drift-events/${newId()}`, body: { state: 'accepted' } }),
    ok: 404,
  },
  'GET /api/tenants/:id/licences': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/licences` }),
    ok: 200,
  },
  'GET /api/tenants/:id/licences/users': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/licences/users` }),
    ok: 200,
  },
  'GET /api/tenants/:id/licences/skus': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/licences/skus` }),
    ok: 200,
  },
  // this tenant was never synced: an allowed caller gets past the role check to "no snapshot"
  'GET /api/tenants/:id/licences/users.csv': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/licences/users.csv` }),
    ok: 404,
  },
  'GET /api/licences': { access: 'reports', call: () => ({ url: '/api/licences' }), ok: 200 },
  'GET /api/licences/trend': { access: 'reports', call: () => ({ url: '/api/licences/trend' }), ok: 200 },
  'GET /api/licences/export.csv': {
    access: 'reports',
    call: () => ({ url: '/api/licences/export.csv' }),
    ok: 200,
  },
  'GET /api/price-book': { access: 'admin', call: () => ({ url: '/api/price-book' }), ok: 200 },
  'PUT /api/price-book': { access: 'admin', call: () => ({ url: '/api/price-book', body: {} }), ok: 400 },
  'DELETE /api/price-book': { access: 'admin', call: () => ({ url: '/api/price-book' }), ok: 200 },
  // baselines, standards and alerts (baseline-, standard- and alert-routes.ts); a tenant never
  // synced has no snapshot to pin, and the ids named below do not exist
  'GET /api/tenants/:id/baseline': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/baseline` }),
    ok: 200,
  },
  'PUT /api/tenants/:id/baseline': {
    access: 'admin',
    call: () => ({ url: `/api/tenants/${tenantA}/baseline`, body: {} }),
    ok: 404,
  },
  'DELETE /api/tenants/:id/baseline': {
    access: 'admin',
    call: () => ({ url: `/api/tenants/${tenantA}/baseline` }),
    ok: 204,
  },
  'GET /api/tenants/:id/baseline/comparison': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/baseline/comparison` }),
    ok: 200,
  },
  'POST /api/tenants/:id/baseline/comparison': {
    access: 'admin',
    call: () => ({ url: `/api/tenants/${tenantA}/baseline/comparison` }),
    ok: 200,
  },
  'GET /api/standards': { access: 'reports', call: () => ({ url: '/api/standards' }), ok: 200 },
  'POST /api/standards': { access: 'admin', call: () => ({ url: '/api/standards', body: {} }), ok: 400 },
  'GET /api/standards/:id': {
    access: 'reports',
    call: () => ({ url: `/api/standards/${newId()}` }),
    ok: 404,
  },
  'PUT /api/standards/:id': {
    access: 'admin',
    call: () => ({ url: `/api/standards/${newId()}`, body: {} }),
    ok: 404,
  },
  'DELETE /api/standards/:id': {
    access: 'admin',
    call: () => ({ url: `/api/standards/${newId()}` }),
    ok: 404,
  },
  'PUT /api/standards/:id/tenants/:tenantId': {
    access: 'admin',
    call: () => ({ url: `/api/standards/${newId()}/tenants/${tenantA}`, body: {} }),
    ok: 404,
  },
  'DELETE /api/standards/:id/tenants/:tenantId': {
    access: 'admin',
    call: () => ({ url: `/api/standards/${newId()}/tenants/${tenantA}` }),
    ok: 404,
  },
  'POST /api/standards/:id/evaluate': {
    access: 'admin',
    call: () => ({ url: `/api/standards/${newId()}/evaluate` }),
    ok: 404,
  },
  'GET /api/tenants/:id/standards': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/standards` }),
    ok: 200,
  },
  // tenant A was never synced: an allowed caller gets past authorisation to "no snapshot yet"
  'GET /api/tenants/:id/settings': {
    access: 'reports',
    call: () => ({ url: `/api/tenants/${tenantA}/settings` }),
    ok: 409,
  },
  'GET /api/alert-rules': { access: 'reports', call: () => ({ url: '/api/alert-rules' }), ok: 200 },
  'POST /api/alert-rules': { access: 'admin', call: () => ({ url: '/api/alert-rules', body: {} }), ok: 400 },
  'GET /api/alert-rules/:id': {
    access: 'reports',
    call: () => ({ url: `/api/alert-rules/${newId()}` }),
    ok: 404,
  },
  'PATCH /api/alert-rules/:id': {
    access: 'admin',
    call: () => ({ url: `/api/alert-rules/${newId()}`, body: { name: 'x' } }),
    ok: 404,
  },
  'DELETE /api/alert-rules/:id': {
    access: 'admin',
    call: () => ({ url: `/api/alert-rules/${newId()}` }),
    ok: 404,
  },
  'POST /api/alert-rules/:id/test': {
    access: 'admin',
    call: () => ({ url: `/api/alert-rules/${newId()}/test` }),
    ok: 404,
  },
  'GET /api/alert-deliveries': { access: 'reports', call: () => ({ url: '/api/alert-deliveries' }), ok: 200 },
  // invitations and password resets (invitation- and password-reset-routes.ts): an empty body is
  // a validation error past authorisation; unknown links are refused as invalid; asking for a
  // reset always answers 202
  'POST /api/invitations': { access: 'owner', call: () => ({ url: '/api/invitations', body: {} }), ok: 400 },
  'GET /api/invitations': { access: 'owner', call: () => ({ url: '/api/invitations' }), ok: 200 },
  'DELETE /api/invitations/:id': {
    access: 'owner',
    call: () => ({ url: `/api/invitations/${newId()}` }),
    ok: 404,
  },
  'POST /api/invitations/accept': {
    access: 'public',
    call: () => ({ url: '/api/invitations/accept', body: { token: 'x', password: PASSWORD } }),
    ok: 400,
  },
  'POST /api/password-reset': {
    access: 'public',
    call: () => ({ url: '/api/password-reset', body: { email: 'nobody@example.com' } }),
    ok: 202,
  },
  'POST /api/password-reset/confirm': {
    access: 'public',
    call: () => ({ url: '/api/password-reset/confirm', body: { token: 'x', password: PASSWORD } }),
    ok: 400,
  },
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
