import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { base32Decode, hotp, totpStep } from '../src/auth/totp.ts';
import type { TenantModel } from '../src/emulator/contract.ts';
import { generateTenant } from '../src/emulator/generator/index.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { type TrustingFetch, trustingFetch } from '../src/emulator/server/test-clients.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { listAudit } from '../src/workspaces/audit-repo.ts';
import { freshIp, type Harness, openHarness } from './api-harness.ts';
import {
  Browser,
  type EntraUser,
  microsoftDance,
  signInAtMicrosoft,
  startFlow,
  tamperingAuthority,
} from './microsoft-sign-in-helpers.ts';

/**
 * Sign-in with Microsoft Entra ID against the real emulator: msal-node redeems codes at its token
 * endpoint, the id_token is verified against its published keys, the browser's hops are followed
 * by hand (the emulator's sign-in page with plain HTTP, the server with app.inject and a cookie
 * jar). A second app points at a tampering authority (microsoft-sign-in-helpers.ts) to prove that
 * forged id_tokens are refused.
 */
const PASSWORD = 'microsoft sign-in suite 2026';
const OWNER = 'owner@contoso-msp.example';
const VICTIM = 'victim@contoso-msp.example';
const OTHER = 'other@contoso-msp.example';
const MALLORY_PASSWORD = 'mallory entra password 7';

let emulator: RunningEmulator;
let model: TenantModel;
let f: TrustingFetch;
let h: Harness;
let workspaceId: string;
let admin: EntraUser;
/** an Entra user nobody linked, whose username is the victim's email (an administrator can set that) */
let mallory: EntraUser;
let tampering: Awaited<ReturnType<typeof tamperingAuthority>>;

const settings = (tenant: string) => ({
  clientId: emulator.tenants[0]!.clientId,
  clientSecret: emulator.tenants[0]!.clientSecret,
  tenant,
  authorityHost: emulator.authorityHost,
  extraCaFile: emulator.caFile,
});

async function browser(email?: string, target = h): Promise<Browser> {
  const b = new Browser(target, freshIp());
  if (email) await b.signInWithPassword(email, PASSWORD);
  return b;
}

const sessionCount = () =>
  withSystem(h.database.db, (tx) => tx.selectFrom('sessions').select('id').execute());
const audit = async (action: string) =>
  (await withWorkspace(h.database.db, workspaceId, (tx) => listAudit(tx, 500))).filter(
    (e) => e.action === action,
  );

beforeAll(async () => {
  model = generateTenant({ users: 40, profile: 'typical', seed: 'microsoft-sign-in' });
  const signIn = model.signInUsers[0]!;
  admin = { upn: signIn.userPrincipalName, password: signIn.password };
  mallory = { upn: VICTIM, password: MALLORY_PASSWORD };
  model.signInUsers.push({
    userId: randomUUID(),
    userPrincipalName: mallory.upn,
    password: mallory.password,
  });
  let origin = '';
  tampering = await tamperingAuthority(
    model.tenantId,
    () => f,
    () => origin,
  );
  emulator = await startEmulator({
    tenants: [model],
    latency: { baseMs: 0, perObjectMs: 0 },
    extraRoutes: tampering.routes,
  });
  origin = emulator.authorityHost;
  f = trustingFetch(emulator.caPem);
  h = await openHarness({ keks: [generateKey()], microsoftSignIn: settings('organizations') });
  workspaceId = await h.workspace('msp');
  await h.person(OWNER, PASSWORD, [{ workspaceId, role: 'owner' }]);
  await h.person(VICTIM, PASSWORD, [{ workspaceId, role: 'admin' }]);
  await h.person(OTHER, PASSWORD, [{ workspaceId, role: 'reports' }]);
});
afterAll(async () => {
  h?.assertNoSecrets([PASSWORD, MALLORY_PASSWORD, admin.password, emulator.tenants[0]!.clientSecret]);
  await h?.close();
  await emulator?.close();
});

describe('starting a Microsoft sign-in', () => {
  test('the sign-in page is told the button is on', async () => {
    const res = await h.inject({ url: '/api/session/options' });
    expect(res.json()).toEqual({ password: true, microsoft: true });
  });

  test("redirects to the authority's authorize endpoint with PKCE, a nonce and a state bound to this browser", async () => {
    const b = await browser();
    const url = new URL(await startFlow(b));
    expect(`${url.origin}${url.pathname}`).toBe(
      `${emulator.authorityHost}/organizations/oauth2/v2.0/authorize`,
    );
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({
      client_id: emulator.tenants[0]!.clientId,
      redirect_uri: 'http://127.0.0.1:3000/api/session/microsoft/callback',
      response_type: 'code',
      response_mode: 'query',
      code_challenge_method: 'S256',
    });
    expect(q.scope!.split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));
    expect(q.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.jar.get('ts_microsoft_flow')).toBe(q.state);
    const stored = await withSystem(h.database.db, (tx) =>
      tx.selectFrom('microsoft_sign_in_states').selectAll().execute(),
    );
    const text = JSON.stringify(stored);
    for (const secret of [q.state!, q.nonce!]) expect(text).not.toContain(secret);
  });
});

describe('an Entra identity nobody linked', () => {
  test('is refused: no account is made, no session is opened', async () => {
    const people = await withSystem(h.database.db, (tx) => tx.selectFrom('users').select('id').execute());
    const sessions = (await sessionCount()).length;
    const b = await browser();
    const res = await microsoftDance(b, f, admin);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/signin?error=TS_ERR_MICROSOFT_ACCOUNT_NOT_LINKED');
    expect(b.jar.has('ts_session')).toBe(false);
    expect(b.jar.has('ts_microsoft_flow')).toBe(false);
    expect(
      await withSystem(h.database.db, (tx) => tx.selectFrom('users').select('id').execute()),
    ).toHaveLength(people.length);
    expect(await sessionCount()).toHaveLength(sessions);
  });
});

describe('linking while signed in, then signing in with Microsoft', () => {
  test('linking needs the password again; a wrong one counts as a failed sign-in', async () => {
    const b = await browser(OWNER);
    const res = await b.request('POST', '/api/me/microsoft', { password: 'not the password' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('TS_ERR_SIGNIN_FAILED');
    expect((await audit('session.sign_in_failed')).length).toBeGreaterThan(0);
  });

  test('the callback links the Entra tenant and object id to the signed-in person', async () => {
    const b = await browser(OWNER);
    const res = await microsoftDance(b, f, admin, { link: { password: PASSWORD } });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/settings?microsoft=linked');
    const status = (await b.request('GET', '/api/me/microsoft')).json();
    expect(status).toEqual({
      enabled: true,
      link: { upn: admin.upn, tenantId: model.tenantId, linkedAt: expect.any(String), lastSignInAt: null },
      secondFactorBlocksSignIn: false,
    });
    const rows = await withSystem(h.database.db, (tx) =>
      tx.selectFrom('user_microsoft_identities').selectAll().execute(),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      entra_tenant_id: model.tenantId,
      entra_object_id: model.signInUsers[0]!.userId,
    });
    expect((await audit('session.microsoft_link_started')).length).toBe(1);
    expect((await audit('session.microsoft_linked'))[0]!.detail).toEqual({
      entraTenantId: model.tenantId,
      upn: admin.upn,
    });
  });

  test('signing in through the whole redirect dance opens a session that works', async () => {
    const b = await browser();
    const res = await microsoftDance(b, f, admin, { next: '/tenants' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/tenants');
    expect(b.jar.get('ts_session')).toBeTruthy();
    expect(b.jar.has('ts_microsoft_flow')).toBe(false);
    expect(await b.whoAmI()).toBe(OWNER);
    const signedIn = await audit('session.signed_in');
    expect(signedIn[0]!.detail).toEqual({ method: 'microsoft', entraTenantId: model.tenantId });
    const status = (await b.request('GET', '/api/me/microsoft')).json();
    expect(status.link.lastSignInAt).not.toBeNull();
  });

  test("a browser's earlier session is replaced, not kept beside the new one", async () => {
    const b = await browser(OTHER);
    const before = b.jar.get('ts_session');
    await microsoftDance(b, f, admin);
    expect(b.jar.get('ts_session')).not.toBe(before);
    const old = await h.inject({ url: '/api/me', cookies: { ts_session: before! } });
    expect(old.json().code).toBe('TS_ERR_UNAUTHENTICATED');
    expect(await b.whoAmI()).toBe(OWNER);
  });

  test('an email or username claim naming another person never signs in as them (nOAuth)', async () => {
    // The tenant's administrator sets the linked user's mail to the victim's address…
    const user = model.graph.collections.users.find((u) => u.id === model.signInUsers[0]!.userId)!;
    const change = await f(`${emulator.controlUrl}/tenants/${model.tenantId}/changes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.controlToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        actor: { user: { id: user.id, userPrincipalName: user.userPrincipalName } },
        collection: 'users',
        id: user.id,
        patch: { mail: VICTIM },
      }),
    });
    expect(change.status).toBe(200);
    // …and the id_token now says email = the victim's: the session is still the linked person's.
    const b = await browser();
    await microsoftDance(b, f, admin);
    expect(await b.whoAmI()).toBe(OWNER);
    // An unlinked Entra user whose username is the victim's email gets nothing at all.
    const m = await browser();
    const res = await microsoftDance(m, f, mallory);
    expect(res.headers.location).toBe('/signin?error=TS_ERR_MICROSOFT_ACCOUNT_NOT_LINKED');
    expect(await m.whoAmI()).toBe('TS_ERR_UNAUTHENTICATED');
  });

  test('one Entra identity links to one person only', async () => {
    const b = await browser(VICTIM);
    const res = await microsoftDance(b, f, admin, { link: { password: PASSWORD } });
    expect(res.headers.location).toBe('/settings?microsoftError=TS_ERR_MICROSOFT_ACCOUNT_LINKED_ELSEWHERE');
    expect((await b.request('GET', '/api/me/microsoft')).json().link).toBeNull();
    expect((await audit('session.microsoft_link_failed'))[0]!.detail).toEqual({
      code: 'TS_ERR_MICROSOFT_ACCOUNT_LINKED_ELSEWHERE',
    });
  });
});

describe('the state of a flow', () => {
  test('a callback used once cannot be replayed', async () => {
    const b = await browser();
    const authorize = await startFlow(b);
    const callback = await signInAtMicrosoft(f, authorize, admin);
    const flow = b.jar.get('ts_microsoft_flow')!;
    expect((await b.request('GET', callback)).headers.location).toBe('/');
    const replay = new Browser(h, freshIp());
    replay.jar.set('ts_microsoft_flow', flow);
    const res = await replay.request('GET', callback);
    expect(res.headers.location).toBe('/signin?error=TS_ERR_MICROSOFT_SIGN_IN_STATE');
    expect(replay.jar.has('ts_session')).toBe(false);
  });

  test('a state older than 10 minutes is refused', async () => {
    const b = await browser();
    const authorize = await startFlow(b);
    const callback = await signInAtMicrosoft(f, authorize, admin);
    h.clock.advance(10 * 60_000 + 1_000);
    const res = await b.request('GET', callback);
    expect(res.headers.location).toBe('/signin?error=TS_ERR_MICROSOFT_SIGN_IN_STATE');
    expect(b.jar.has('ts_session')).toBe(false);
  });

  test('a forged state, a missing one, or one that is not this browser’s is refused', async () => {
    const b = await browser();
    const forged = await b.request('GET', `/api/session/microsoft/callback?code=abc&state=${'A'.repeat(43)}`);
    expect(forged.headers.location).toBe('/signin?error=TS_ERR_MICROSOFT_SIGN_IN_STATE');
    const missing = await b.request('GET', '/api/session/microsoft/callback?code=abc');
    expect(missing.headers.location).toBe('/signin?error=TS_ERR_MICROSOFT_SIGN_IN_STATE');
    // Login CSRF: an attacker signs in at Microsoft and hands the victim's browser the callback.
    const attacker = await browser();
    const callback = await signInAtMicrosoft(f, await startFlow(attacker), admin);
    const victim = await browser();
    await startFlow(victim); // the victim's own, different flow cookie
    const res = await victim.request('GET', callback);
    expect(res.headers.location).toBe('/signin?error=TS_ERR_MICROSOFT_SIGN_IN_STATE');
    expect(victim.jar.has('ts_session')).toBe(false);
  });

  test('a link finished in another person’s session is refused', async () => {
    const owner = await browser(OWNER);
    const authorize = await startFlow(owner, { link: { password: PASSWORD } });
    const callback = await signInAtMicrosoft(f, authorize, mallory);
    const other = await browser(OTHER);
    other.jar.set('ts_microsoft_flow', owner.jar.get('ts_microsoft_flow')!);
    const res = await other.request('GET', callback);
    expect(res.headers.location).toBe('/settings?microsoftError=TS_ERR_MICROSOFT_SIGN_IN_STATE');
    expect((await other.request('GET', '/api/me/microsoft')).json().link).toBeNull();
  });

  test("Microsoft's own error comes back as a code, its description never echoed", async () => {
    const b = await browser();
    const state = new URL(await startFlow(b)).searchParams.get('state')!;
    const description = encodeURIComponent('AADSTS65004: User declined. <script>alert(1)</script>');
    const res = await b.request(
      'GET',
      `/api/session/microsoft/callback?error=access_denied&error_description=${description}&state=${state}`,
    );
    expect(res.headers.location).toBe('/signin?error=TS_ERR_MICROSOFT_SIGN_IN_DECLINED');
    expect(res.body).not.toContain('script');
  });
});

describe('second factor and unlinking', () => {
  test('a person with two-step sign-in on is refused and told to use password and code', async () => {
    const b = await browser(OWNER);
    const started = await b.request('POST', '/api/me/totp');
    const secret = base32Decode(started.json().secret);
    const confirmed = await b.request('POST', '/api/me/totp/confirm', {
      code: hotp(secret, totpStep(h.clock.now())),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((await b.request('GET', '/api/me/microsoft')).json().secondFactorBlocksSignIn).toBe(true);
    const m = await browser();
    const res = await microsoftDance(m, f, admin);
    expect(res.headers.location).toBe('/signin?error=TS_ERR_SECOND_FACTOR_REQUIRED');
    expect(m.jar.has('ts_session')).toBe(false);
    expect((await audit('session.microsoft_sign_in_refused'))[0]!.detail).toEqual({
      reason: 'second factor on',
    });
    h.clock.advance(30_000);
    const off = await b.request('DELETE', '/api/me/totp', {
      totpCode: hotp(secret, totpStep(h.clock.now())),
    });
    expect(off.statusCode, off.body).toBe(204);
  });

  test('after unlinking, the Microsoft account signs in no more', async () => {
    const b = await browser(OWNER);
    expect((await b.request('DELETE', '/api/me/microsoft')).statusCode).toBe(204);
    expect((await b.request('DELETE', '/api/me/microsoft')).json().code).toBe('TS_ERR_NOT_FOUND');
    const m = await browser();
    const res = await microsoftDance(m, f, admin);
    expect(res.headers.location).toBe('/signin?error=TS_ERR_MICROSOFT_ACCOUNT_NOT_LINKED');
    expect((await audit('session.microsoft_unlinked'))[0]!.detail).toEqual({
      entraTenantId: model.tenantId,
      upn: admin.upn,
    });
  });
});

describe('forged id_tokens (a tampering authority)', () => {
  let ht: Harness;
  const tid = () => model.tenantId;
  beforeAll(async () => {
    ht = await openHarness({ keks: [generateKey()], microsoftSignIn: settings(model.tenantId) });
    const ws = await ht.workspace('forged');
    await ht.person(OWNER, PASSWORD, [{ workspaceId: ws, role: 'owner' }]);
    await ht.person(VICTIM, PASSWORD, [{ workspaceId: ws, role: 'admin' }]);
    const b = await browser(OWNER, ht);
    const linked = await microsoftDance(b, f, admin, { link: { password: PASSWORD } });
    expect(linked.headers.location).toBe('/settings?microsoft=linked');
  });
  afterAll(async () => {
    tampering.reset();
    const refused = ht.warnings.filter((w) => w.includes('Microsoft sign-in refused'));
    expect(refused.length).toBeGreaterThanOrEqual(7);
    for (const line of refused) expect(line).toMatch(/TS_ERR_MICROSOFT_TOKEN_INVALID/);
    ht.warnings.length = 0;
    ht.assertNoSecrets([PASSWORD, admin.password, emulator.tenants[0]!.clientSecret]);
    await ht.close();
  });

  test('re-signed by a published key with every claim intact, it signs in (the proxy itself is sound)', async () => {
    tampering.reset();
    const b = await browser(undefined, ht);
    const res = await microsoftDance(b, f, admin);
    expect(res.headers.location).toBe('/');
    expect(await b.whoAmI()).toBe(OWNER);
  });

  test("a valid token whose email and username are another person's signs in as the linked person (nOAuth)", async () => {
    tampering.set((c) => ({ claims: { ...c, email: VICTIM, preferred_username: VICTIM, upn: VICTIM } }));
    const b = await browser(undefined, ht);
    expect((await microsoftDance(b, f, admin)).headers.location).toBe('/');
    expect(await b.whoAmI()).toBe(OWNER);
  });

  const now = () => Math.floor(Date.now() / 1000);
  test.each([
    ['another nonce', (c: Record<string, unknown>) => ({ claims: { ...c, nonce: 'not-this-sign-ins' } })],
    ['another audience', (c: Record<string, unknown>) => ({ claims: { ...c, aud: randomUUID() } })],
    [
      'another issuer',
      (c: Record<string, unknown>) => ({
        claims: { ...c, iss: `https://login.microsoftonline.com/${tid()}/v2.0` },
      }),
    ],
    [
      'another tenant, issuer to match',
      (c: Record<string, unknown>) => {
        const other = randomUUID();
        return { claims: { ...c, tid: other, iss: String(c.iss).replace(tid(), other) } };
      },
    ],
    [
      'an expired token',
      (c: Record<string, unknown>) => ({
        claims: { ...c, iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 },
      }),
    ],
    [
      'a signature by an unpublished key',
      (c: Record<string, unknown>) => ({ claims: c, signer: 'stranger' as const }),
    ],
    ['no signature (alg none)', (c: Record<string, unknown>) => ({ claims: c, signer: 'none' as const })],
    ['no oid', (c: Record<string, unknown>) => ({ claims: { ...c, oid: undefined } })],
  ])('with %s it is refused: no session', async (_name, tamper) => {
    tampering.set(tamper);
    const b = await browser(undefined, ht);
    const res = await microsoftDance(b, f, admin);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/signin?error=TS_ERR_MICROSOFT_TOKEN_INVALID');
    expect(b.jar.has('ts_session')).toBe(false);
    expect(await b.whoAmI()).toBe('TS_ERR_UNAUTHENTICATED');
  });
});

describe('when sign-in with Microsoft is not configured', () => {
  let off: Harness;
  beforeAll(async () => {
    off = await openHarness({ keks: [generateKey()] });
    const ws = await off.workspace('plain');
    await off.person(OWNER, PASSWORD, [{ workspaceId: ws, role: 'owner' }]);
  });
  afterAll(async () => {
    off.assertNoSecrets([PASSWORD]);
    await off.close();
  });

  test('the sign-in page hides the button and every entry answers the stable code', async () => {
    expect((await off.inject({ url: '/api/session/options' })).json()).toEqual({
      password: true,
      microsoft: false,
    });
    for (const url of ['/api/session/microsoft', '/api/session/microsoft/callback?state=x&code=y']) {
      const res = await off.inject({ url });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'TS_ERR_MICROSOFT_SIGN_IN_OFF' });
    }
    const b = await browser(OWNER, off);
    const link = await b.request('POST', '/api/me/microsoft', { password: PASSWORD });
    expect(link.json()).toMatchObject({ code: 'TS_ERR_MICROSOFT_SIGN_IN_OFF' });
    expect((await b.request('GET', '/api/me/microsoft')).json()).toEqual({
      enabled: false,
      link: null,
      secondFactorBlocksSignIn: false,
    });
  });

  test('without the key-encryption key it is off too, saying why', async () => {
    const nokey = await openHarness({ microsoftSignIn: settings('organizations') });
    try {
      const res = await nokey.inject({ url: '/api/session/microsoft' });
      expect(res.json()).toMatchObject({
        code: 'TS_ERR_MICROSOFT_SIGN_IN_OFF',
        message: /key-encryption key/,
      });
      expect((await nokey.inject({ url: '/api/session/options' })).json().microsoft).toBe(false);
    } finally {
      await nokey.close();
    }
  });
});
