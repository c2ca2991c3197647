import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TenantModel } from '../contract.ts';
import { fixtureTenant } from './test-fixtures.ts';
import { type Harness, startHarness } from './test-harness.ts';

let h: Harness;
let tenant: TenantModel;
let freeTenant: TenantModel;

beforeAll(async () => {
  tenant = fixtureTenant({ appRoles: ['User.Read.All'] });
  freeTenant = fixtureTenant({ entraPlan: 'free' });
  h = await startHarness([tenant, freeTenant]);
});
afterAll(() => h.emu.close());

type GraphErr = { error: { code: string; message: string; innerError: Record<string, string> } };

describe('tokens', () => {
  test('no token answers 401 InvalidAuthenticationToken with the Graph envelope and echo headers', async () => {
    const res = await h.f(`${h.emu.graphUrl}/v1.0/test/users`, {
      headers: { 'client-request-id': 'abc-123' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('client-request-id')).toBe('abc-123');
    expect(res.headers.get('request-id')).toBeTruthy();
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    const body = (await res.json()) as GraphErr;
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(body.error.innerError['client-request-id']).toBe('abc-123');
    expect(body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  test('a tampered token answers 401', async () => {
    const token = await h.token();
    const res = await h.get('/v1.0/test/users', `${token.slice(0, -4)}AAAA`);
    expect(res.status).toBe(401);
  });

  test('an expired token answers 401 "Access token has expired or is not yet valid."', async () => {
    const token = await h.token();
    h.clock.advance(3600 * 1000);
    const res = await h.get('/v1.0/test/users', token);
    expect(res.status).toBe(401);
    expect(((await res.json()) as GraphErr).error.message).toBe(
      'Access token has expired or is not yet valid.',
    );
  });

  test('an ARM token on a Graph route is refused for its audience', async () => {
    const res = await h.get('/v1.0/test/users', await h.token('https://management.azure.com'));
    expect(res.status).toBe(401);
    expect(((await res.json()) as GraphErr).error.message).toContain('Invalid audience');
  });

  test('a Graph token on an ARM route answers ARM InvalidAuthenticationTokenAudience', async () => {
    const res = await h.get('/arm-test/subscriptions/s1', await h.token());
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'InvalidAuthenticationTokenAudience' } });
  });
});

describe('permission and licence gates', () => {
  test('a missing app role answers 403 Authorization_RequestDenied', async () => {
    const res = await h.get('/v1.0/test/audit', await h.token());
    expect(res.status).toBe(403);
    const body = (await res.json()) as GraphErr;
    expect(body.error).toMatchObject({
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
    });
  });

  test('a consented role passes and the response reports its resource units', async () => {
    const res = await h.get('/v1.0/test/users', await h.token());
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ms-resource-unit')).toBe('2');
    expect(res.headers.get('x-emulator-object-count')).toBeNull(); // internal header never leaks
  });

  test('a P1 route in a free tenant answers the premium-licence 403', async () => {
    const res = await h.get('/v1.0/test/signIns', await h.token('https://graph.microsoft.com', freeTenant));
    expect(res.status).toBe(403);
    expect(((await res.json()) as GraphErr).error.code).toBe(
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
    );
  });

  test('a PIM schedule route without P2 answers 400 AadPremiumLicenseRequired', async () => {
    const token = await h.token('https://graph.microsoft.com', freeTenant);
    const res = await h.get('/v1.0/test/roleManagement/directory/roleEligibilitySchedules', token);
    expect(res.status).toBe(400);
    expect(((await res.json()) as GraphErr).error.code).toBe('AadPremiumLicenseRequired');
  });

  test('a throwing handler answers 500 without a stack trace', async () => {
    const res = await h.get('/v1.0/test/boom', await h.token());
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(text).not.toContain('secret internals');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });

  test('an unknown Graph segment answers 400 BadRequest', async () => {
    const res = await h.get('/v1.0/nosuchthing', await h.token());
    expect(res.status).toBe(400);
    expect(((await res.json()) as GraphErr).error.code).toBe('BadRequest');
  });
});

describe('throttling (manual clock, no sleeping)', () => {
  test('a client that ignores Retry-After keeps getting 429; one that honours it finishes', async () => {
    const token = await h.token();
    // exhaust the 5 / 10 s identity-reports budget
    for (let i = 0; i < 5; i++) expect((await h.get('/v1.0/test/reports', token)).status).toBe(200);
    let ignoring429 = 0;
    for (let i = 0; i < 15; i++) {
      const res = await h.get('/v1.0/test/reports', token);
      if (res.status === 429) ignoring429 += 1;
      h.clock.advance(1000); // retries every second, whatever Retry-After says
    }
    expect(ignoring429).toBe(15);

    h.clock.advance(30_000);
    let done = 0;
    let attempts = 0;
    while (done < 20 && attempts < 100) {
      attempts += 1;
      const res = await h.get('/v1.0/test/reports', token);
      if (res.status === 200) {
        done += 1;
        continue;
      }
      expect(res.status).toBe(429);
      expect(await res.json()).toMatchObject({ error: { code: 'TooManyRequests' } });
      h.clock.advance(Number(res.headers.get('retry-after')) * 1000);
    }
    expect(done).toBe(20);
  });

  test('directory 429s carry Retry-After, x-ms-throttle-scope and -information', async () => {
    const token = await h.token();
    const appId = tenant.clients[0]!.clientId;
    let throttled: Response | undefined;
    for (let i = 0; i < 20 && !throttled; i++) {
      const res = await h.get('/v1.0/test/users?ru=500', token); // S tenant: 3,500 RU / 10 s
      if (res.status === 429) throttled = res as unknown as Response;
      else await res.arrayBuffer();
    }
    expect(throttled).toBeDefined();
    expect(Number(throttled!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled!.headers.get('x-ms-throttle-scope')).toBe(
      `Tenant_Application/ReadWrite/${appId}/${tenant.tenantId}`,
    );
    expect(throttled!.headers.get('x-ms-throttle-information')).toBe('ResourceUnitLimitExceeded');
    expect(((await throttled!.json()) as GraphErr).error.code).toBe('Request_ThrottledTemporarily');
    h.clock.advance(60_000);
  });

  test('conditional access answers 429 without Retry-After', async () => {
    const token = await h.token();
    expect((await h.get('/v1.0/test/ca', token)).status).toBe(200);
    const res = await h.get('/v1.0/test/ca', token);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeNull();
  });

  test('ARM responses carry x-ms-ratelimit-remaining-subscription-reads', async () => {
    const token = await h.token('https://management.azure.com');
    const first = await h.get('/arm-test/subscriptions/s1', token);
    const second = await h.get('/arm-test/subscriptions/s1', token);
    expect(Number(first.headers.get('x-ms-ratelimit-remaining-subscription-reads'))).toBe(11_999);
    expect(Number(second.headers.get('x-ms-ratelimit-remaining-subscription-reads'))).toBe(11_998);
  });
});

describe('faults', () => {
  test('an injected 503 carries Retry-After and the Graph envelope, scoped to its prefix', async () => {
    const token = await h.token();
    h.clock.advance(60_000);
    const set = await h.control('PUT', '/faults', {
      rules: [{ pathPrefix: '/v1.0/test/users', errorRate: 1, statuses: [503], retryAfterSeconds: 7 }],
    });
    expect(set.status).toBe(200);
    const res = await h.get('/v1.0/test/users', token);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(((await res.json()) as GraphErr).error.code).toBe('serviceNotAvailable');
    expect((await h.get('/v1.0/test/audit', token)).status).toBe(403); // other paths unaffected
    await h.control('PUT', '/faults', { rules: [] });
    expect((await h.get('/v1.0/test/users', token)).status).toBe(200);
  });

  test('a dropped connection gives the client a network error', async () => {
    const token = await h.token();
    await h.control('PUT', '/faults', { rules: [{ pathPrefix: '/v1.0/test/users', dropRate: 1 }] });
    await expect(h.get('/v1.0/test/users', token)).rejects.toThrow();
    await h.control('PUT', '/faults', { rules: [] });
  });

  test('statistics count requests, 429s and resource units', async () => {
    const stats = (await (await h.control('GET', '/stats')).json()) as {
      throttled: number;
      faults: number;
      byRoute: Record<string, Record<string, number>>;
      resourceUnits: Record<string, Record<string, number>>;
    };
    expect(stats.throttled).toBeGreaterThan(15);
    expect(stats.faults).toBeGreaterThanOrEqual(2);
    expect(stats.byRoute['GET /v1.0/test/audit']?.['403']).toBeGreaterThan(0);
    const ru = Object.values(stats.resourceUnits[`${tenant.tenantId}/${tenant.clients[0]!.clientId}`] ?? {});
    expect(ru.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3500);
  });
});
