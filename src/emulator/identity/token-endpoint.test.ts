import { createHash, createPrivateKey } from 'node:crypto';
import { ClientSecretCredential } from '@azure/identity';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantModel } from '../contract.ts';
import { type RunningEmulator, startEmulator } from '../index.ts';
import { msalNetworkClient, type TrustingFetch, trustingFetch } from '../server/test-clients.ts';
import {
  EXPIRED_SECRET,
  FIXTURE_SECRET,
  fixtureCertificate,
  fixtureTenant,
} from '../server/test-fixtures.ts';

let emu: RunningEmulator;
let tenant: TenantModel;
let f: TrustingFetch;
const cert = fixtureCertificate();

beforeAll(async () => {
  tenant = fixtureTenant({ appRoles: ['User.Read.All', 'AuditLog.Read.All'] });
  tenant.clients[0]!.certificates.push(cert.entry);
  emu = await startEmulator({ tenants: [tenant], latency: { baseMs: 0, perObjectMs: 0 } });
  f = trustingFetch(emu.caPem);
});
afterAll(() => emu.close());

function msal(
  auth: {
    clientSecret?: string;
    clientCertificate?: { thumbprintSha256?: string; thumbprint?: string; privateKey: string };
  },
  tenantPath = tenant.tenantId,
) {
  const host = new URL(emu.authorityHost).host;
  return new ConfidentialClientApplication({
    auth: {
      clientId: tenant.clients[0]!.clientId,
      authority: `${emu.authorityHost}/${tenantPath}`,
      knownAuthorities: [host],
      ...auth,
    },
    system: { networkClient: msalNetworkClient(emu.caPem) },
  });
}

const GRAPH = ['https://graph.microsoft.com/.default'];

function certDer(): Buffer {
  return Buffer.from(cert.certificatePem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
}

describe('client credentials through @azure/msal-node', () => {
  test('a client secret gets a Graph token carrying the consented app roles', async () => {
    const result = await msal({ clientSecret: FIXTURE_SECRET }).acquireTokenByClientCredential({
      scopes: GRAPH,
    });
    const claims = decodeJwt(result!.accessToken);
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      tid: tenant.tenantId,
      appid: tenant.clients[0]!.clientId,
    });
    expect(claims.roles).toEqual(['User.Read.All', 'AuditLog.Read.All']);
    expect(claims.iss).toBe(`${emu.authorityHost}/${tenant.tenantId}/v2.0`);
    expect(claims.exp! - claims.iat!).toBe(3599);
  });

  test('the initial domain works as the authority tenant', async () => {
    const result = await msal(
      { clientSecret: FIXTURE_SECRET },
      tenant.initialDomain,
    ).acquireTokenByClientCredential({ scopes: GRAPH });
    expect(decodeJwt(result!.accessToken).tid).toBe(tenant.tenantId);
  });

  test('a certificate assertion (PS256 + x5t#S256) gets a token', async () => {
    const privateKey = createPrivateKey(cert.privateKeyPem)
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const thumbprintSha256 = createHash('sha256').update(certDer()).digest('hex');
    const result = await msal({
      clientCertificate: { thumbprintSha256, privateKey },
    }).acquireTokenByClientCredential({
      scopes: ['https://management.azure.com/.default'],
    });
    const claims = decodeJwt(result!.accessToken);
    expect(claims.aud).toBe('https://management.azure.com');
    expect(claims.roles).toBeUndefined(); // ARM authorises by RBAC, not app roles
  });

  test('a certificate assertion (RS256 + x5t, SHA-1) gets a token', async () => {
    const privateKey = createPrivateKey(cert.privateKeyPem)
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const thumbprint = createHash('sha1').update(certDer()).digest('hex');
    const result = await msal({
      clientCertificate: { thumbprint, privateKey },
    }).acquireTokenByClientCredential({ scopes: GRAPH });
    expect(result!.accessToken.length).toBeGreaterThan(100);
  });

  test.each([
    ['a wrong secret', () => msal({ clientSecret: 'nope' }), 'invalid_client', '7000215'],
    ['an expired secret', () => msal({ clientSecret: EXPIRED_SECRET }), 'invalid_client', '7000222'],
  ])('%s is refused with its AADSTS code', async (_name, app, errorCode, aadsts) => {
    const failure = await app()
      .acquireTokenByClientCredential({ scopes: GRAPH })
      .then(
        () => undefined,
        (e: Error & { errorCode?: string }) => e,
      );
    expect(failure).toBeDefined();
    expect(failure!.message).toContain(aadsts);
    expect(failure!.errorCode).toBe(errorCode);
  });

  test('an unknown tenant fails metadata discovery, whose body is AADSTS90002', async () => {
    const failure = await msal({ clientSecret: FIXTURE_SECRET }, 'nosuch.onmicrosoft.com')
      .acquireTokenByClientCredential({ scopes: GRAPH })
      .then(
        () => undefined,
        (e: Error & { errorCode?: string }) => e,
      );
    expect(failure?.errorCode).toBe('endpoints_resolution_error'); // what MSAL reports for Entra too
    const res = await f(`${emu.authorityHost}/nosuch.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
  });
});

describe('the token endpoint on the wire', () => {
  const post = (
    body: Record<string, string>,
    tenantPath = tenant.tenantId,
    headers: Record<string, string> = {},
  ) =>
    f(`${emu.authorityHost}/${tenantPath}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body).toString(),
    });

  test('AADSTS bodies carry error, error_codes, trace and correlation ids', async () => {
    const res = await post(
      {
        grant_type: 'client_credentials',
        client_id: tenant.clients[0]!.clientId,
        client_secret: 'x',
        scope: GRAPH[0]!,
      },
      tenant.tenantId,
      { 'client-request-id': 'corr-1' },
    );
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215], correlation_id: 'corr-1' });
    expect(String(body.error_description)).toMatch(
      /^AADSTS7000215: .*\r\nTrace ID: .*\r\nCorrelation ID: corr-1\r\nTimestamp: /s,
    );
  });

  test('an unknown tenant answers AADSTS90002 at the token endpoint', async () => {
    const res = await post(
      { grant_type: 'client_credentials', client_id: 'x', client_secret: 'y', scope: GRAPH[0]! },
      'nosuch.example',
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
  });

  test.each([
    [
      'an unknown client',
      { client_id: '00000000-0000-0000-0000-000000000001', client_secret: FIXTURE_SECRET, scope: GRAPH[0]! },
      400,
      700016,
    ],
    ['no credential', { scope: GRAPH[0]! }, 401, 7000218],
    [
      'a scope of an unknown resource',
      { client_secret: FIXTURE_SECRET, scope: 'https://foo.microsoft.com/.default' },
      400,
      70011,
    ],
  ])('%s answers its AADSTS code', async (_n, extra, status, code) => {
    const res = await post({
      grant_type: 'client_credentials',
      client_id: tenant.clients[0]!.clientId,
      ...extra,
    });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error_codes: number[] }).error_codes).toEqual([code]);
  });

  test('HTTP Basic client authentication is accepted (RFC 6749 §2.3.1)', async () => {
    const basic = Buffer.from(
      `${tenant.clients[0]!.clientId}:${encodeURIComponent(FIXTURE_SECRET)}`,
    ).toString('base64');
    const res = await post({ grant_type: 'client_credentials', scope: GRAPH[0]! }, tenant.tenantId, {
      authorization: `Basic ${basic}`,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
  });

  test('an assertion signed by another key answers AADSTS700027', async () => {
    const other = fixtureCertificate();
    const { SignJWT } = await import('jose');
    const key = createPrivateKey(other.privateKeyPem);
    const jwt = await new SignJWT({
      aud: `${emu.authorityHost}/${tenant.tenantId}/oauth2/v2.0/token`,
      iss: tenant.clients[0]!.clientId,
      sub: tenant.clients[0]!.clientId,
      jti: 'x',
    })
      .setProtectedHeader({ alg: 'PS256', typ: 'JWT', 'x5t#S256': cert.entry.x5tS256 })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);
    const res = await post({
      grant_type: 'client_credentials',
      client_id: tenant.clients[0]!.clientId,
      scope: GRAPH[0]!,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: jwt,
    });
    expect(((await res.json()) as { error_codes: number[] }).error_codes).toEqual([700027]);
  });
});

describe('@azure/identity', () => {
  test('ClientSecretCredential works with authorityHost and disableInstanceDiscovery', async () => {
    const credential = new ClientSecretCredential(
      tenant.tenantId,
      tenant.clients[0]!.clientId,
      FIXTURE_SECRET,
      {
        authorityHost: emu.authorityHost,
        disableInstanceDiscovery: true,
        tlsOptions: { ca: emu.caPem },
      },
    );
    const token = await credential.getToken('https://management.azure.com/.default');
    expect(decodeJwt(token.token).aud).toBe('https://management.azure.com');
  });
});
