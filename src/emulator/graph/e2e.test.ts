import { Client, type ClientOptions, PageIterator } from '@microsoft/microsoft-graph-client';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../index.ts';
import { ALL_ROLES, buildFixtureModel } from './test-fixture.ts';
import { validator } from './test-harness.ts';

/**
 * The Graph routes behind the real server core (HTTPS, token, router, gates): the official
 * @microsoft/microsoft-graph-client pages every user with its PageIterator, and raw calls check the
 * router reaches `$count` and report functions as Graph paths.
 */
const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
const SECRET = 'graph-e2e-secret';

let emulator: RunningEmulator;
let agent: Agent;
let token: string;

async function call(
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
) {
  const res = await undiciFetch(`${emulator.graphUrl}${path}`, {
    method: init.method ?? 'GET',
    body: init.body,
    redirect: 'manual',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    dispatcher: agent,
  });
  return res;
}

beforeAll(async () => {
  const model = buildFixtureModel({ users: 1200 });
  model.clients = [
    {
      clientId: CLIENT_ID,
      displayName: 'Tenantscope',
      secrets: [{ keyId: 'k1', value: SECRET, expiresAt: '2999-01-01T00:00:00Z' }],
      certificates: [],
      redirectUris: [],
      consentedAppRoles: ALL_ROLES,
      consentedScopes: [],
      consented: true,
    },
  ];
  // Until the server core passes its in-process dispatch, inner requests go back through HTTPS,
  // which runs them through the same token, permission, licence and throttle gates.
  emulator = await startEmulator({
    tenants: [model],
    latency: { baseMs: 0, perObjectMs: 0 },
  });
  agent = new Agent({ connect: { ca: emulator.caPem } });
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_secret: SECRET,
    scope: 'https://graph.microsoft.com/.default',
  });
  const res = await undiciFetch(`${emulator.authorityHost}/${model.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    dispatcher: agent,
  });
  token = ((await res.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await emulator?.close();
  await agent?.close();
});

describe('Graph through the server core', () => {
  it('the official Graph client pages all 1,200 users with PageIterator', async () => {
    // `fetchOptions.dispatcher` (undici) is not in the client's RequestInit type, hence the cast.
    const options: ClientOptions = {
      authProvider: { getAccessToken: async () => token },
      baseUrl: `${emulator.graphUrl}/`,
      fetchOptions: { dispatcher: agent } as unknown as RequestInit,
      customHosts: new Set([new URL(emulator.graphUrl).hostname]),
    };
    const client = Client.initWithMiddleware(options);
    const first = await client.api('/users').version('v1.0').select('id,displayName').top(999).get();
    expect(validator.validate('/users', first)).toEqual([]);
    const ids: string[] = [];
    const iterator = new PageIterator(client, first, (u: { id: string }) => {
      ids.push(u.id);
      return true;
    });
    await iterator.iterate();
    expect(ids).toHaveLength(1200);
    expect(new Set(ids).size).toBe(1200);
  });

  it('routes $count, unknown segments and report functions', async () => {
    const count = await call('/v1.0/users/$count', { headers: { ConsistencyLevel: 'eventual' } });
    expect(await count.text()).toBe('1200');
    const unknown = await call('/v1.0/nothingHere');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('BadRequest');
    const report = await call("/v1.0/reports/getOffice365ActiveUserDetail(period='D7')");
    expect(report.status).toBe(302);
    const csv = await undiciFetch(report.headers.get('location')!, { dispatcher: agent });
    expect(csv.status).toBe(200);
    // fetch's text() drops a BOM, so look at the bytes: EF BB BF then the header row.
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect(bytes.subarray(0, 3).toString('hex')).toBe('efbbbf');
    expect(bytes.subarray(3, 22).toString('utf8')).toBe('Report Refresh Date');
  });

  it('$batch runs each inner request through the gates', async () => {
    const res = await call('/v1.0/$batch', {
      method: 'POST',
      body: JSON.stringify({
        requests: [
          { id: '1', method: 'GET', url: '/users?$select=id&$top=5' },
          { id: '2', method: 'GET', url: '/users/$count', headers: { ConsistencyLevel: 'eventual' } },
          { id: '3', method: 'GET', url: '/nothingHere' },
          { id: '4', method: 'GET', url: '/domains', dependsOn: ['3'] },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { responses: { id: string; status: number; body: unknown }[] };
    const byId = Object.fromEntries(body.responses.map((r) => [r.id, r]));
    expect(byId['1']!.status).toBe(200);
    expect(validator.validate('/users', byId['1']!.body)).toEqual([]);
    expect(byId['2']!.body).toBe('1200');
    expect(byId['3']!.status).toBe(400);
    expect(byId['4']!.status).toBe(424);
  });
});
