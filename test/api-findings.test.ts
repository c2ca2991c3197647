import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ruleset } from '../src/analyse/posture/ruleset.ts';
import { newId } from '../src/platform/ids.ts';
import { withWorkspace } from '../src/storage/transactions.ts';
import { type Seeded, seedAnalysis } from './api-analysis-seed.ts';

/**
 * Posture findings, acceptances, score history and exceptions through the API, over findings
 * the pipeline stored from a real sync of an emulated tenant.
 */
let s: Seeded;
const LEGACY = 'ca-block-legacy-auth';
type Finding = { checkId: string; state: string; severity: string; tenantId: string; acceptance: unknown };

beforeAll(async () => {
  s = await seedAnalysis('api-findings');
}, 120_000);
afterAll(async () => {
  await s?.close();
});

const url = (suffix = '') => `/api/tenants/${s.tenantA}${suffix}`;
const get = async (path: string) => {
  const res = await s.reports.request('GET', path);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('listing findings', () => {
  test("a tenant's findings come most severe first, with a total that matches the filters", async () => {
    const all = await get(url('/findings?limit=1000'));
    expect(all.findings.length).toBeGreaterThan(250);
    expect(all.total).toBe(all.findings.length);
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    const ranks = all.findings.map((f: Finding) => order.indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const failing = await get(url('/findings?state=fail&limit=1000'));
    expect(failing.findings.length).toBeGreaterThan(5);
    expect(failing.total).toBe(failing.findings.length);
    expect(new Set(failing.findings.map((f: Finding) => f.state))).toEqual(new Set(['fail']));
    expect(failing.findings.map((f: Finding) => f.checkId)).toContain(LEGACY);
    const legacy = all.findings.find((f: Finding) => f.checkId === LEGACY);
    expect(legacy).toMatchObject({ state: 'fail', area: 'conditionalAccess', acceptance: null });
    expect(Date.parse(legacy.firstSeenAt)).not.toBeNaN();
  });

  test('paging: limit and offset walk the same list; the total stays', async () => {
    const first = await get(url('/findings?limit=10'));
    const second = await get(url('/findings?limit=10&offset=10'));
    const both = await get(url('/findings?limit=20'));
    expect([...first.findings, ...second.findings].map((f: Finding) => f.checkId)).toEqual(
      both.findings.map((f: Finding) => f.checkId),
    );
    expect(first.total).toBe(both.total);
  });

  test('filters take comma-separated or repeated values', async () => {
    const csv = await get(url('/findings?severity=critical,high&limit=1000'));
    const repeated = await get(url('/findings?severity=critical&severity=high&limit=1000'));
    expect(csv.total).toBe(repeated.total);
    expect(csv.findings.length).toBeGreaterThan(0);
    for (const f of csv.findings) expect(['critical', 'high']).toContain(f.severity);
    const area = await get(url('/findings?area=conditionalAccess&open=true&limit=1000'));
    for (const f of area.findings) expect(f).toMatchObject({ area: 'conditionalAccess', resolvedAt: null });
  });

  test('the cross-tenant list holds the tenant’s findings; tenantId narrows it', async () => {
    const all = await get('/api/findings?state=fail&limit=1000');
    const one = await get(`/api/findings?state=fail&limit=1000&tenantId=${s.tenantA}`);
    expect(all.total).toBe(one.total);
    expect(new Set(all.findings.map((f: Finding) => f.tenantId))).toEqual(new Set([s.tenantA]));
  });

  test('tenantId takes several tenants, comma-separated or repeated; one not of the workspace is 404', async () => {
    const quiet = newId();
    await withWorkspace(s.h.database.db, s.wsA, (tx) =>
      sql`INSERT INTO tenants (id, workspace_id, display_name, microsoft_tenant_id, status)
          VALUES (${quiet}, ${s.wsA}, 'Quiet tenant', ${newId()}, 'connected')`.execute(tx),
    );
    const one = await get(`/api/findings?state=fail&limit=1000&tenantId=${s.tenantA}`);
    const both = await get(
      `/api/findings?state=fail&limit=1000&tenantId=${s.tenantA},${quiet.toUpperCase()}`,
    );
    const repeated = await get(`/api/findings?state=fail&limit=1000&tenantId=${quiet}&tenantId=${s.tenantA}`);
    const none = await get(`/api/findings?state=fail&tenantId=${quiet}`);
    expect(one.total).toBeGreaterThan(0);
    expect(both.total).toBe(one.total);
    expect(repeated.findings).toEqual(one.findings);
    expect(none).toEqual({ findings: [], total: 0, bySeverity: {} });
    const foreign = await s.reports.request('GET', `/api/findings?tenantId=${s.tenantA},${s.tenantB}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().message).toContain(s.tenantB);
    const tooMany = Array.from({ length: 201 }, () => newId()).join(',');
    expect((await s.reports.request('GET', `/api/findings?tenantId=${tooMany}`)).statusCode).toBe(400);
  });

  test('bad filters are validation errors naming the field', async () => {
    for (const [query, field] of [
      ['state=broken', 'querystring.state'],
      ['severity=urgent', 'querystring.severity'],
      ['limit=0', 'querystring.limit'],
      ['open=yes', 'querystring.open'],
      ['tenantId=not-a-guid', 'querystring.tenantId'],
      [`tenantId=${'0'.repeat(8)}-0000-0000-0000-000000000000,nope`, 'querystring.tenantId'],
      ['colour=red', 'querystring'],
    ]) {
      const res = await s.reports.request('GET', `/api/findings?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code).toBe('TS_ERR_VALIDATION');
      expect(res.json().message).toContain(field);
    }
  });
});

describe('one finding', () => {
  test('comes with the check behind it and its history', async () => {
    const body = await get(url(`/findings/${LEGACY}`));
    const check = ruleset().find((c) => c.id === LEGACY)!;
    expect(body.finding).toMatchObject({ checkId: LEGACY, state: 'fail', tenantId: s.tenantA });
    expect(body.finding.evidence.total).toBeGreaterThanOrEqual(body.finding.evidence.items.length);
    expect(body.check).toEqual({
      id: check.id,
      title: check.title,
      area: check.area,
      severity: check.severity,
      rationale: check.rationale,
      remediation: check.remediation,
      references: check.references,
      frameworks: check.frameworks,
    });
    expect(body.check.rationale.length).toBeGreaterThan(10);
    expect(body.history.changes).toEqual([
      { collectedAt: body.finding.firstSeenAt, snapshotId: body.finding.snapshotId, from: null, to: 'fail' },
    ]);
    expect(body.history.acceptances).toEqual([]);
  });

  test('an unknown check, or a check id with odd characters, is refused', async () => {
    const missing = await s.reports.request('GET', url('/findings/no-such-check'));
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('TS_ERR_NOT_FOUND');
    const odd = await s.reports.request('GET', url(`/findings/${encodeURIComponent("x' OR 1=1")}`));
    expect(odd.statusCode).toBe(400);
    expect(odd.json().message).toContain('params.checkId');
  });
});

describe('accepting a finding', () => {
  const inAYear = () => new Date(s.h.clock.now().getTime() + 365 * 86_400_000).toISOString();

  test('reports may not accept; the finding stays failing', async () => {
    const res = await s.reports.request('PUT', url(`/findings/${LEGACY}/acceptance`), {
      reason: 'not mine to decide',
      expiresAt: inAYear(),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('TS_ERR_FORBIDDEN');
    expect((await get(url(`/findings/${LEGACY}`))).finding.state).toBe('fail');
  });

  test('bad input names the field and stores nothing', async () => {
    const cases: [unknown, string][] = [
      [{ reason: '   ', expiresAt: inAYear() }, 'body.reason'],
      [{ reason: 'ok', expiresAt: 'next tuesday' }, 'body.expiresAt'],
      [{ reason: 'ok', expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
      [{ reason: 'ok', expiresAt: inAYear(), extra: 1 }, 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await s.admin.request('PUT', url(`/findings/${LEGACY}/acceptance`), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'TS_ERR_VALIDATION',
        message: expect.stringContaining(field),
      });
    }
    const unknown = await s.admin.request('PUT', url('/findings/no-such-check/acceptance'), {
      reason: 'ok',
      expiresAt: inAYear(),
    });
    expect(unknown.statusCode).toBe(404);
    const rows = await withWorkspace(s.h.database.db, s.wsA, (tx) =>
      tx.selectFrom('finding_acceptances').select('id').execute(),
    );
    expect(rows).toEqual([]);
  });

  test('an admin accepts it: it reads accepted, with who and until when, and the audit log says so', async () => {
    const expiresAt = inAYear();
    const res = await s.admin.request('PUT', url(`/findings/${LEGACY}/acceptance`), {
      reason: 'legacy auth blocked at the proxy',
      expiresAt,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      reason: 'legacy auth blocked at the proxy',
      acceptedBy: s.admin.personId,
      expiresAt,
      expired: false,
    });
    const body = await get(url(`/findings/${LEGACY}`));
    expect(body.finding).toMatchObject({ state: 'accepted', acceptance: { id: res.json().id, expiresAt } });
    expect(body.history.acceptances).toHaveLength(1);
    const accepted = await get(url('/findings?state=accepted'));
    expect(accepted.findings.map((f: Finding) => f.checkId)).toEqual([LEGACY]);
    const [entry] = await s.audit();
    expect(entry).toMatchObject({
      action: 'finding.accepted',
      actor: s.admin.personId,
      target: s.tenantA,
      ip: s.admin.ip,
      detail: { checkId: LEGACY, expiresAt },
    });
  });

  test('revoking it makes it fail at once; revoking again finds nothing', async () => {
    const res = await s.admin.request('DELETE', url(`/findings/${LEGACY}/acceptance`));
    expect(res.statusCode, res.body).toBe(204);
    expect((await get(url(`/findings/${LEGACY}`))).finding).toMatchObject({
      state: 'fail',
      acceptance: null,
    });
    expect((await s.audit())[0]).toMatchObject({
      action: 'finding.acceptance_revoked',
      actor: s.admin.personId,
    });
    const again = await s.admin.request('DELETE', url(`/findings/${LEGACY}/acceptance`));
    expect(again.statusCode).toBe(404);
    const denied = await s.reports.request('DELETE', url(`/findings/${LEGACY}/acceptance`));
    expect(denied.statusCode).toBe(403);
  });
});

describe('score history and exceptions', () => {
  test('the score history has a point per analysed snapshot', async () => {
    const { points } = await get(url('/score-history'));
    expect(points).toHaveLength(1);
    expect(points[0].score).toBeGreaterThan(0);
    expect(points[0].counts.fail).toBeGreaterThan(0);
    expect(points[0].possibleWeight).toBeGreaterThanOrEqual(points[0].passedWeight);
    const bad = await s.reports.request('GET', url('/score-history?limit=-1'));
    expect(bad.json()).toMatchObject({
      code: 'TS_ERR_VALIDATION',
      message: expect.stringContaining('limit'),
    });
  });

  test('exceptions start empty; an admin sets them (audited); reports may read but not change them', async () => {
    expect(await get(url('/exceptions'))).toEqual({
      breakGlass: [],
      thresholds: {},
      updatedBy: null,
      updatedAt: null,
    });
    const body = {
      breakGlass: ['bg1@contoso.test', ' bg1@contoso.test '],
      thresholds: { globalAdminMax: 6 },
    };
    const res = await s.admin.request('PUT', url('/exceptions'), body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      breakGlass: ['bg1@contoso.test'],
      thresholds: { globalAdminMax: 6 },
      updatedBy: s.admin.personId,
    });
    expect(await get(url('/exceptions'))).toEqual(res.json());
    expect((await s.audit())[0]).toMatchObject({ action: 'tenant.exceptions_changed', ip: s.admin.ip });
    expect((await s.reports.request('PUT', url('/exceptions'), body)).statusCode).toBe(403);
  });

  test('bad exceptions name the field and change nothing', async () => {
    const before = await get(url('/exceptions'));
    for (const [body, field] of [
      [{ breakGlass: 'bg1@contoso.test' }, 'body.breakGlass'],
      [{ breakGlass: [''] }, 'body.breakGlass.0'],
      [{ breakGlass: [], thresholds: { globalAdminMax: 0 } }, 'thresholds.globalAdminMax'],
    ] as const) {
      const res = await s.admin.request('PUT', url('/exceptions'), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().message).toContain(field);
    }
    expect(await get(url('/exceptions'))).toEqual(before);
  });
});

describe("another workspace's tenant", () => {
  test.each([
    ['GET', '/findings'],
    ['GET', `/findings/${LEGACY}`],
    ['PUT', `/findings/${LEGACY}/acceptance`],
    ['DELETE', `/findings/${LEGACY}/acceptance`],
    ['GET', '/score-history'],
    ['GET', '/exceptions'],
    ['PUT', '/exceptions'],
  ])("%s …%s answers 404 to B's owner, never data", async (method, suffix) => {
    const body =
      method === 'PUT'
        ? suffix === '/exceptions'
          ? { breakGlass: ['intruder@b.example'] }
          : { reason: 'taken over', expiresAt: '2999-01-01T00:00:00Z' }
        : undefined;
    const res = await s.ownerB.request(method, url(suffix), body);
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().code).toBe('TS_ERR_NOT_FOUND');
  });

  test("B sees none of A's findings, and A's data is untouched by B's attempts", async () => {
    const res = await s.ownerB.request('GET', '/api/findings');
    expect(res.json()).toEqual({ findings: [], total: 0, bySeverity: {} });
    const foreign = await s.ownerB.request('GET', `/api/findings?tenantId=${s.tenantA}`);
    expect(foreign.statusCode).toBe(404);
    const exceptions = await get(url('/exceptions'));
    expect(exceptions.breakGlass).toEqual(['bg1@contoso.test']);
    const acceptances = await withWorkspace(s.h.database.db, s.wsA, (tx) =>
      tx.selectFrom('finding_acceptances').select(['reason']).execute(),
    );
    expect(acceptances.map((a) => a.reason)).toEqual(['legacy auth blocked at the proxy']);
  });
});
