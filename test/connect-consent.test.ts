import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { armDatasets } from '../src/collect/arm-datasets.ts';
import type { EmulatedClient, EmulatedSignInUser } from '../src/emulator/contract.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { type TrustingFetch, trustingFetch } from '../src/emulator/server/test-clients.ts';
import { systemClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { createLogger } from '../src/platform/logger.ts';
import { listSnapshots } from '../src/snapshots/snapshot-repo.ts';
import { withWorkspace } from '../src/storage/transactions.ts';
import { type SyncDeps, syncTenant } from '../src/sync/sync-service.ts';
import { createVault, vaultOwner } from '../src/tenants/credential-vault.ts';
import { type Agent, type Harness, openHarness } from './api-harness.ts';
import { callbackPath, submitSignIn } from './connect-helpers.ts';

/**
 * Admin consent and delegated ARM through the API, against the emulator over HTTPS: the
 * emulator's consent and sign-in pages are driven with plain HTTP requests, the redirect is
 * handed to GET /api/connect/callback as the browser would, tokens come from msal-node.
 */
const PASSWORD = 'connect suite password 42';
let emulator: RunningEmulator;
let h: Harness;
let admin: Agent;
let otherAdmin: Agent;
let workspaceId: string;
let f: TrustingFetch;
let client: EmulatedClient;
let signInUser: EmulatedSignInUser;
const vault = createVault([generateKey()]);
const endpoints = () => ({
  authorityHost: emulator.authorityHost,
  graphUrl: emulator.graphUrl,
  armUrl: emulator.armUrl,
});
const app = () => ({
  clientId: emulator.tenants[0]!.clientId,
  clientSecret: emulator.tenants[0]!.clientSecret,
});
const syncDeps = (): SyncDeps => ({
  db: h.database.db,
  vault,
  clock: systemClock,
  logger: createLogger({ level: 'silent' }),
  extraCaFile: emulator.caFile,
  sleep: async () => {},
  app: app(),
});

beforeAll(async () => {
  emulator = await startEmulator({ tenants: [{ users: 60, profile: 'typical', seed: 'connect-consent' }] });
  f = trustingFetch(emulator.caPem);
  const model = emulator.stores[0]!.model;
  client = model.clients[0]!;
  signInUser = model.signInUsers[0]!;
  client.consented = false; // the tenant has not consented to Tenantscope's app yet
  h = await openHarness({ connect: { vault, extraCaFile: emulator.caFile, app: app() } });
  workspaceId = await h.workspace('consent');
  await h.person('admin@consent.example', PASSWORD, [{ workspaceId, role: 'admin' }]);
  await h.person('other@consent.example', PASSWORD, [{ workspaceId, role: 'admin' }]);
  admin = await h.signIn('admin@consent.example', PASSWORD);
  otherAdmin = await h.signIn('other@consent.example', PASSWORD);
});
afterAll(async () => {
  h.assertNoSecrets([PASSWORD, emulator.tenants[0]!.clientSecret, signInUser.password]);
  await h.close();
  await emulator.close();
});

async function startConsent(body: Record<string, unknown> = {}) {
  const res = await admin.request('POST', '/api/connect/admin-consent', {
    tenantId: emulator.tenants[0]!.tenantId,
    endpoints: endpoints(),
    ...body,
  });
  expect(res.statusCode, res.body).toBe(200);
  return new URL(res.json().url as string);
}

/** The administrator's answer on the emulator's consent page: the redirect back to Tenantscope. */
async function answer(url: URL, action: 'accept' | 'cancel'): Promise<URL> {
  const back = await submitSignIn(f, url.toString(), {
    ...Object.fromEntries(url.searchParams),
    username: signInUser.userPrincipalName,
    password: signInUser.password,
    action,
  });
  expect(back.status, back.html).toBe(302);
  return back.location!;
}

let tenantId: string;

describe('admin consent to the multi-tenant app', () => {
  test('the URL is the v2 admin-consent page for the app, with a state and the callback', async () => {
    const url = await startConsent();
    expect(url.pathname).toBe(`/${emulator.tenants[0]!.tenantId}/v2.0/adminconsent`);
    expect(url.searchParams.get('client_id')).toBe(client.clientId);
    expect(url.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:3000/api/connect/callback');
    expect(url.searchParams.get('scope')).toBe('https://graph.microsoft.com/.default');
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await withWorkspace(h.database.db, workspaceId, (tx) =>
      tx.selectFrom('connect_states').select('state_hash').execute(),
    );
    expect(JSON.stringify(stored)).not.toContain(url.searchParams.get('state'));
  });

  test('a declined consent answers with Microsoft’s reason and records nothing', async () => {
    const back = await answer(await startConsent(), 'cancel');
    const res = await admin.request('GET', callbackPath(back));
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'TS_ERR_CONSENT_DECLINED' });
    expect(res.json().message).toMatch(/access_denied: the administrator declined.*AADSTS65004/);
    expect((await admin.request('GET', '/api/tenants')).json().tenants).toEqual([]);
  });

  test('a state started by another member, or expired, is refused and spent', async () => {
    const back = await answer(await startConsent(), 'accept');
    const foreign = await otherAdmin.request('GET', callbackPath(back));
    expect(foreign.json()).toMatchObject({ code: 'TS_ERR_CONNECT_STATE', statusCode: 400 });
    const again = await admin.request('GET', callbackPath(back));
    expect(again.json()).toMatchObject({ code: 'TS_ERR_CONNECT_STATE' });
    const late = await answer(await startConsent(), 'accept');
    h.clock.advance(11 * 60_000);
    const expired = await admin.request('GET', callbackPath(late));
    expect(expired.json()).toMatchObject({
      code: 'TS_ERR_CONNECT_STATE',
      message: expect.stringMatching(/expired/),
    });
    const missing = await admin.request('GET', '/api/connect/callback?admin_consent=True');
    expect(missing.json()).toMatchObject({ code: 'TS_ERR_CONNECT_STATE' });
    expect((await admin.request('GET', '/api/tenants')).json().tenants).toEqual([]);
  });

  test('an accepted consent is proved with an app token and records a consent tenant without a secret', async () => {
    const back = await answer(await startConsent(), 'accept');
    expect(back.searchParams.get('admin_consent')).toBe('True');
    const res = await admin.request('GET', callbackPath(back));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      connection: 'consent',
      tenant: {
        microsoftTenantId: emulator.tenants[0]!.tenantId,
        connectionKind: 'consent',
        status: 'connected',
        clientId: client.clientId,
        credential: null,
      },
    });
    expect(body.tenant.displayName).not.toBe(emulator.tenants[0]!.tenantId); // named from /organization
    tenantId = body.tenant.id;
    const credentials = await withWorkspace(h.database.db, workspaceId, (tx) =>
      tx.selectFrom('tenant_credentials').select('tenant_id').execute(),
    );
    expect(credentials).toEqual([]);
  });

  test('the consent tenant syncs with the app secret from configuration', async () => {
    const result = await syncTenant(syncDeps(), { workspaceId, tenantId, trigger: 'manual' });
    expect(result).toMatchObject({ status: 'succeeded' });
    const [snapshot] = await listSnapshots(h.database.db, workspaceId, tenantId);
    expect(snapshot!.datasets.find((d) => d.name === 'users')).toMatchObject({ status: 'ok' });
    expect(snapshot!.datasets.some((d) => d.name === 'subscriptions')).toBe(false); // ARM is off by default
    const without = await syncTenant(
      { ...syncDeps(), app: undefined },
      { workspaceId, tenantId, trigger: 'manual' },
    );
    expect(without).toMatchObject({ status: 'failed', error: { code: 'TS_ERR_APP_NOT_CONFIGURED' } });
    await withWorkspace(h.database.db, workspaceId, (tx) =>
      tx.updateTable('tenants').set({ consecutive_failures: 0 }).where('id', '=', tenantId).execute(),
    );
  });
});

describe('delegated ARM (authorization code with PKCE)', () => {
  async function signInForArm(): Promise<URL> {
    const res = await admin.request('POST', `/api/tenants/${tenantId}/arm/sign-in`);
    expect(res.statusCode, res.body).toBe(200);
    const url = new URL(res.json().url as string);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')).toContain('https://management.azure.com/user_impersonation');
    expect(url.searchParams.get('scope')).toContain('offline_access');
    const back = await submitSignIn(f, url.toString(), {
      username: signInUser.userPrincipalName,
      password: signInUser.password,
    });
    expect(back.status, back.html).toBe(302);
    return back.location!;
  }

  test('the sign-in is redeemed, proved on ARM, and its refresh token sealed', async () => {
    const back = await signInForArm();
    expect(back.searchParams.get('code')).toBeTruthy();
    const res = await admin.request('GET', callbackPath(back));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      connection: 'arm-delegated',
      subscriptions: emulator.stores[0]!.model.arm.subscriptions.length,
    });
    const row = await withWorkspace(h.database.db, workspaceId, (tx) =>
      tx.selectFrom('tenant_arm_credentials').selectAll().executeTakeFirstOrThrow(),
    );
    const token = vault.openToken(vaultOwner(workspaceId, emulator.tenants[0]!.tenantId), row);
    expect(token.length).toBeGreaterThan(20);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row).toMatchObject({ kind: 'refresh-token', signed_in_as: signInUser.userPrincipalName });
  });

  test('a code replayed with its state is refused', async () => {
    const back = await signInForArm();
    expect((await admin.request('GET', callbackPath(back))).statusCode).toBe(200);
    const again = await admin.request('GET', callbackPath(back));
    expect(again.json()).toMatchObject({ code: 'TS_ERR_CONNECT_STATE' });
  });

  test('sync reads Azure with the delegated token; a forbidden ARM part never fails the Graph part', async () => {
    const arm = await admin.request('PUT', `/api/tenants/${tenantId}/arm`, { reads: 'delegated' });
    expect(arm.json()).toMatchObject({
      reads: 'delegated',
      delegated: { signedInAs: signInUser.userPrincipalName },
    });
    expect((await admin.request('GET', `/api/tenants/${tenantId}`)).json().armReads).toBe('delegated');
    const before = await withWorkspace(h.database.db, workspaceId, (tx) =>
      tx.selectFrom('tenant_arm_credentials').select('secret_ciphertext').executeTakeFirstOrThrow(),
    );
    // Cost Management answers 403 (no Cost Management Reader role): 4 calls a minute per
    // subscription would otherwise hold this test for minutes (arm-collect-e2e reads cost in full).
    await control('PUT', '/faults', {
      rules: [{ pathPrefix: '/subscriptions/', errorRate: 1, statuses: [403] }],
    });
    let result: Awaited<ReturnType<typeof syncTenant>>;
    try {
      result = await syncTenant(syncDeps(), { workspaceId, tenantId, trigger: 'manual' });
    } finally {
      await control('PUT', '/faults', { rules: [] });
    }
    expect(result).toMatchObject({ status: 'succeeded' });
    const [snapshot] = await listSnapshots(h.database.db, workspaceId, tenantId, 1);
    const status = Object.fromEntries(snapshot!.datasets.map((d) => [d.name, d.status]));
    expect(status.users).toBe('ok');
    expect(status.subscriptions).toBe('ok'); // `/subscriptions` itself is outside the faulted prefix
    expect(status.resources).toBe('ok'); // Resource Graph is `/providers/…`
    expect(status.costByResourceMonth).toBe('forbidden');
    expect(status.advisorRecommendations).toBe('forbidden');
    for (const d of armDatasets) expect(status[d.name], d.name).toBeDefined();
    const resources = snapshot!.datasets.find((d) => d.name === 'resources')!;
    expect(resources.itemCount).toBe(emulator.stores[0]!.model.arm.resources.length);
    const after = await withWorkspace(h.database.db, workspaceId, (tx) =>
      tx.selectFrom('tenant_arm_credentials').select('secret_ciphertext').executeTakeFirstOrThrow(),
    );
    expect(after.secret_ciphertext).not.toBe(before.secret_ciphertext); // the rotated refresh token was kept
  });

  test('a revoked delegated sign-in marks the ARM datasets, not the tenant', async () => {
    await withWorkspace(h.database.db, workspaceId, async (tx) => {
      const sealed = vault.sealToken(
        vaultOwner(workspaceId, emulator.tenants[0]!.tenantId),
        '0.not-a-live-token',
      );
      await tx.updateTable('tenant_arm_credentials').set(sealed).where('tenant_id', '=', tenantId).execute();
    });
    const result = await syncTenant(syncDeps(), { workspaceId, tenantId, trigger: 'manual' });
    expect(result.status).toBe('succeeded');
    const [snapshot] = await listSnapshots(h.database.db, workspaceId, tenantId, 1);
    const subscriptions = snapshot!.datasets.find((d) => d.name === 'subscriptions')!;
    expect(subscriptions).toMatchObject({ status: 'error', itemCount: 0 });
    expect(subscriptions.error!.message).toMatch(/^Azure was not read: token request failed: AADSTS/);
    const tenant = (await admin.request('GET', `/api/tenants/${tenantId}`)).json();
    expect(tenant.status).toBe('connected');
  });

  test('ARM can be turned off per tenant; delegated needs a stored sign-in', async () => {
    const off = await admin.request('PUT', `/api/tenants/${tenantId}/arm`, { reads: 'off' });
    expect(off.json()).toMatchObject({ reads: 'off' });
    const result = await syncTenant(syncDeps(), { workspaceId, tenantId, trigger: 'manual' });
    const [snapshot] = await listSnapshots(h.database.db, workspaceId, tenantId, 1);
    expect(result.snapshotId).toBe(snapshot!.id);
    expect(snapshot!.datasets.some((d) => d.name === 'subscriptions')).toBe(false);
    await withWorkspace(h.database.db, workspaceId, (tx) =>
      tx.deleteFrom('tenant_arm_credentials').execute(),
    );
    const refused = await admin.request('PUT', `/api/tenants/${tenantId}/arm`, { reads: 'delegated' });
    expect(refused.json()).toMatchObject({ code: 'TS_ERR_TENANT_STATE' });
  });
});

describe('configuration of the multi-tenant app', () => {
  const id = '11111111-2222-3333-4444-555555555555';
  test.each([
    [{ TENANTSCOPE_APP_CLIENT_ID: id }, /needs TENANTSCOPE_APP_CLIENT_SECRET/],
    [{ TENANTSCOPE_APP_CLIENT_SECRET: 'abcdefgh' }, /without TENANTSCOPE_APP_CLIENT_ID/],
    [
      { TENANTSCOPE_APP_CLIENT_ID: 'not-a-guid', TENANTSCOPE_APP_CLIENT_SECRET: 'x' },
      /TENANTSCOPE_APP_CLIENT_ID/,
    ],
    [
      {
        TENANTSCOPE_APP_CLIENT_ID: id,
        TENANTSCOPE_APP_CLIENT_SECRET: 'a',
        TENANTSCOPE_APP_CLIENT_SECRET_FILE: 'f',
      },
      /both set/,
    ],
  ])('%o is refused', (env, message) => {
    expect(() => loadConfig(env, '/tmp')).toThrow(message);
  });

  test('a complete setting is read, and its secret is masked and listed as secret', () => {
    const config = loadConfig(
      { TENANTSCOPE_APP_CLIENT_ID: id, TENANTSCOPE_APP_CLIENT_SECRET: 'app-secret-123' },
      '/tmp',
    );
    expect(config.app).toEqual({ clientId: id, clientSecret: 'app-secret-123' });
    expect(config.secretValues).toContain('app-secret-123');
    expect(JSON.stringify(config.described)).not.toContain('app-secret-123');
  });
});

async function control(method: string, path: string, body?: unknown) {
  const res = await f(`${emulator.controlUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${emulator.controlToken}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status).toBe(200);
}
