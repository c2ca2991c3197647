import { ConfidentialClientApplication } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantModel } from '../contract.ts';
import { type RunningEmulator, startEmulator } from '../index.ts';
import { msalNetworkClient, type TrustingFetch, trustingFetch } from '../server/test-clients.ts';
import { ADMIN_PASSWORD, FIXTURE_SECRET, fixtureTenant, REDIRECT_URI } from '../server/test-fixtures.ts';

let emu: RunningEmulator;
let tenant: TenantModel;
let f: TrustingFetch;
const ARM = ['https://management.azure.com/user_impersonation'];

beforeAll(async () => {
  tenant = fixtureTenant();
  emu = await startEmulator({ tenants: [tenant], latency: { baseMs: 0, perObjectMs: 0 } });
  f = trustingFetch(emu.caPem);
});
afterAll(() => emu.close());

function app() {
  return new ConfidentialClientApplication({
    auth: {
      clientId: tenant.clients[0]!.clientId,
      authority: `${emu.authorityHost}/${tenant.tenantId}`,
      knownAuthorities: [new URL(emu.authorityHost).host],
      clientSecret: FIXTURE_SECRET,
    },
    system: { networkClient: msalNetworkClient(emu.caPem) },
  });
}

/** Loads the sign-in page MSAL points at, submits the form, returns the redirect target. */
async function signIn(
  authUrl: string,
  username: string,
  password: string,
): Promise<{ status: number; location?: URL; html?: string }> {
  const page = await f(authUrl);
  const html = await page.text();
  expect(html).toContain('<form method="post"');
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(
      m[1]!,
      m[2]!.replace(/&#(\d+);/g, (_x, c: string) => String.fromCharCode(Number(c))),
    );
  }
  fields.set('username', username);
  fields.set('password', password);
  const res = await f(authUrl.split('?')[0]!, {
    method: 'POST',
    body: fields.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
  const location = res.headers.get('location');
  return {
    status: res.status,
    location: location ? new URL(location) : undefined,
    html: location ? undefined : await res.text(),
  };
}

describe('delegated ARM (authorization code + refresh token)', () => {
  test('sign-in, code redemption and refresh through msal-node', async () => {
    const cca = app();
    const url = await cca.getAuthCodeUrl({ scopes: ARM, redirectUri: REDIRECT_URI, state: 'st-1' });
    const back = await signIn(url, tenant.signInUsers[0]!.userPrincipalName, ADMIN_PASSWORD);
    expect(back.status).toBe(302);
    expect(back.location!.searchParams.get('state')).toBe('st-1');
    const code = back.location!.searchParams.get('code')!;
    const result = await cca.acquireTokenByCode({ code, scopes: ARM, redirectUri: REDIRECT_URI });
    const claims = decodeJwt(result.accessToken);
    expect(claims).toMatchObject({
      aud: 'https://management.azure.com',
      scp: 'user_impersonation',
      oid: tenant.signInUsers[0]!.userId,
    });
    const refreshToken = JSON.parse(cca.getTokenCache().serialize()).RefreshToken;
    const rt = (Object.values(refreshToken)[0] as { secret: string }).secret;
    const refreshed = await app().acquireTokenByRefreshToken({ refreshToken: rt, scopes: ARM });
    expect(decodeJwt(refreshed!.accessToken).scp).toBe('user_impersonation');
  });

  test('an OpenID sign-in (no resource) returns an id_token: nonce kept, sub pairwise, email only when asked', async () => {
    const user = tenant.signInUsers[0]!;
    const directory = tenant.graph.collections.users.find((u) => u.id === user.userId)!;
    directory.mail = 'admin.mail@example.com';
    const signInFor = async (scopes: string[], nonce: string) => {
      const cca = app();
      const url = await cca.getAuthCodeUrl({ scopes, redirectUri: REDIRECT_URI, state: 's', nonce });
      const back = await signIn(url, user.userPrincipalName, ADMIN_PASSWORD);
      const code = back.location!.searchParams.get('code')!;
      return cca.acquireTokenByCode({ code, scopes, redirectUri: REDIRECT_URI, nonce });
    };
    const result = await signInFor(['openid', 'profile', 'email'], 'n-123');
    const idToken = decodeJwt(result.idToken);
    expect(idToken).toMatchObject({
      aud: tenant.clients[0]!.clientId,
      iss: `${emu.authorityHost}/${tenant.tenantId}/v2.0`,
      tid: tenant.tenantId,
      oid: user.userId,
      nonce: 'n-123',
      preferred_username: user.userPrincipalName,
      email: 'admin.mail@example.com',
      ver: '2.0',
    });
    expect(idToken.sub).not.toBe(user.userId);
    expect(decodeJwt(result.accessToken).scp).toBe('openid profile email');
    const withoutEmail = decodeJwt((await signInFor(['openid', 'profile'], 'n-456')).idToken);
    expect(withoutEmail.email).toBeUndefined();
    expect(withoutEmail.sub).toBe(idToken.sub);
  });

  test('a wrong password re-renders the form with AADSTS50126', async () => {
    const url = await app().getAuthCodeUrl({ scopes: ARM, redirectUri: REDIRECT_URI });
    const back = await signIn(url, tenant.signInUsers[0]!.userPrincipalName, 'wrong');
    expect(back.status).toBe(200);
    expect(back.html).toContain('AADSTS50126');
  });

  test('a scope not consented redirects with consent_required / AADSTS65001', async () => {
    const url = await app().getAuthCodeUrl({
      scopes: ['https://graph.microsoft.com/Mail.Read'],
      redirectUri: REDIRECT_URI,
    });
    const back = await signIn(url, tenant.signInUsers[0]!.userPrincipalName, ADMIN_PASSWORD);
    expect(back.location!.searchParams.get('error')).toBe('consent_required');
    expect(back.location!.searchParams.get('error_description')).toContain('AADSTS65001');
  });

  test('a redirect URI that is not registered is refused on the page (AADSTS50011)', async () => {
    const res = await f(
      `${emu.authorityHost}/${tenant.tenantId}/oauth2/v2.0/authorize?client_id=${tenant.clients[0]!.clientId}&response_type=code&redirect_uri=https://evil.example/&scope=openid`,
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('AADSTS50011');
  });
});

describe('admin consent', () => {
  const consentUrl = (tenantPath: string) =>
    `${emu.authorityHost}/${tenantPath}/adminconsent?client_id=${tenant.clients[0]!.clientId}&state=s-9&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`;
  const submit = (tenantPath: string, action: string) =>
    f(consentUrl(tenantPath).split('?')[0]!, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: tenant.clients[0]!.clientId,
        state: 's-9',
        redirect_uri: REDIRECT_URI,
        username: tenant.signInUsers[0]!.userPrincipalName,
        password: ADMIN_PASSWORD,
        action,
      }).toString(),
    });

  test('the page shows the app, accepting redirects with tenant, state and admin_consent=True', async () => {
    tenant.clients[0]!.consented = false;
    expect(await (await f(consentUrl('common'))).text()).toContain('Tenantscope');
    const res = await submit('common', 'accept');
    const location = new URL(res.headers.get('location')!);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      tenant: tenant.tenantId,
      admin_consent: 'True',
      state: 's-9',
    });
    expect(tenant.clients[0]!.consented).toBe(true);
  });

  test('cancelling redirects with error=access_denied', async () => {
    const res = await submit(tenant.tenantId, 'cancel');
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('s-9');
  });
});
