import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { workspaceOverview } from '../src/pipeline/overview-queries.ts';
import { withWorkspace } from '../src/storage/transactions.ts';
import { type Seeded, seedAnalysis } from './api-analysis-seed.ts';

/** The MSP overview: one row per tenant, every figure checked against the detailed routes. */
let s: Seeded;

beforeAll(async () => {
  s = await seedAnalysis('api-overview');
  await s.enforceLegacyPolicy();
}, 180_000);
afterAll(async () => {
  await s?.close();
});

const get = async (path: string, agent = s.reports) => {
  const res = await agent.request('GET', path);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
type Finding = { checkId: string; severity: string };

async function failingBySeverity() {
  const { findings } = await get(`/api/tenants/${s.tenantA}/findings?state=fail&limit=1000`);
  const counts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of findings as Finding[])
    if (f.severity in counts) counts[f.severity as keyof typeof counts]++;
  return { counts, findings: findings as Finding[] };
}

describe('the overview', () => {
  test("one row for the tenant, each figure the same as the tenant's own routes give", async () => {
    const { tenants } = await get('/api/overview');
    expect(tenants).toHaveLength(1);
    const row = tenants[0];
    const tenant = await get(`/api/tenants/${s.tenantA}`);
    const [lastSync] = (await get(`/api/tenants/${s.tenantA}/syncs?limit=1`)).syncs;
    const points = (await get(`/api/tenants/${s.tenantA}/score-history`)).points;
    const { current } = await get(`/api/tenants/${s.tenantA}/licences`);
    expect(row).toEqual({
      id: s.tenantA,
      name: tenant.displayName,
      microsoftTenantId: tenant.microsoftTenantId,
      status: 'connected',
      lastSync: { at: lastSync.finishedAt, status: 'succeeded' },
      score: points.at(-1).score,
      openFindings: (await failingBySeverity()).counts,
      drift7d: 1,
      waste: { amount: current.totals.wasteMonthly, currency: 'USD', perMonth: true },
    });
    expect(points).toHaveLength(2);
    expect(row.openFindings.critical + row.openFindings.high).toBeGreaterThan(0);
  });

  test('an accepted finding leaves the open count; its revocation brings it back', async () => {
    const { findings } = await failingBySeverity();
    const target = findings.find((f) => f.severity === 'critical' || f.severity === 'high')!;
    const before = (await get('/api/overview')).tenants[0].openFindings;
    const path = `/api/tenants/${s.tenantA}/findings/${target.checkId}/acceptance`;
    const expiresAt = new Date(s.h.clock.now().getTime() + 86_400_000).toISOString();
    expect(
      (await s.admin.request('PUT', path, { reason: 'risk owner signed off', expiresAt })).statusCode,
    ).toBe(200);
    const after = (await get('/api/overview')).tenants[0].openFindings;
    expect(after).toEqual({ ...before, [target.severity]: before[target.severity] - 1 });
    expect((await s.admin.request('DELETE', path)).statusCode).toBe(204);
    expect((await get('/api/overview')).tenants[0].openFindings).toEqual(before);
  });

  test("drift counts the events collected in the 7 days before the server's clock", async () => {
    expect((await get('/api/overview')).tenants[0].drift7d).toBe(1);
    // Sessions do not survive a week (absolute limit), so a week on is asked of the query itself.
    const at = (days: number) => new Date(s.h.clock.now().getTime() + days * 86_400_000);
    const drift = (days: number) =>
      withWorkspace(s.h.database.db, s.wsA, (tx) => workspaceOverview(tx, at(days))).then(
        (t) => t[0]!.drift7d,
      );
    expect(await drift(6)).toBe(1);
    expect(await drift(8)).toBe(0);
  });

  test('another workspace sees only its own tenant, with nothing analysed yet', async () => {
    expect(await get('/api/overview', s.ownerB)).toEqual({
      tenants: [
        {
          id: s.tenantB,
          name: 'Tenant B — private',
          microsoftTenantId: expect.any(String),
          status: 'connected',
          lastSync: null,
          score: null,
          openFindings: { critical: 0, high: 0, medium: 0, low: 0 },
          drift7d: 0,
          waste: null,
        },
      ],
    });
  });

  test('anonymous callers and people outside any workspace are refused', async () => {
    const anonymous = await s.h.inject({ method: 'GET', url: '/api/overview' });
    expect(anonymous.statusCode).toBe(401);
    await s.h.person('drifter@nowhere.example', 'a password nobody guesses 7', []);
    const outsider = await s.h.signIn('drifter@nowhere.example', 'a password nobody guesses 7');
    const res = await outsider.request('GET', '/api/overview');
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('TS_ERR_FORBIDDEN');
  });

  test('an unknown query parameter is a validation error', async () => {
    const res = await s.reports.request('GET', '/api/overview?tenant=all');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'TS_ERR_VALIDATION',
      message: expect.stringContaining('querystring'),
    });
  });
});
