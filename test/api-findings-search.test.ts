import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Seeded, seedAnalysis } from './api-analysis-seed.ts';

/**
 * The workspace's findings for the MSP view (`GET /api/findings`): the tenant's name on each row,
 * words to search, and sorting that pages stably, over findings the pipeline stored from a real sync.
 */
let s: Seeded;
type Finding = {
  checkId: string;
  tenantId: string;
  tenantName: string;
  title: string;
  area: string;
  state: string;
  severity: string;
  firstSeenAt: string | null;
};

beforeAll(async () => {
  s = await seedAnalysis('api-findings-search');
  const rename = await s.admin.request('PATCH', `/api/tenants/${s.tenantA}`, { displayName: 'Contoso 100%' });
  expect(rename.statusCode).toBe(200);
}, 120_000);
afterAll(async () => {
  await s?.close();
});

const get = async (path: string, agent = s.reports) => {
  const res = await agent.request('GET', path);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Promise<{ findings: Finding[]; total: number }>;
};
const ids = (list: Finding[]) => list.map((f) => f.checkId);

describe('GET /api/findings for the MSP view', () => {
  test("each row names its tenant; the tenant's own list carries the name too", async () => {
    const all = await get('/api/findings?limit=1000');
    expect(all.findings.length).toBeGreaterThan(100);
    expect(new Set(all.findings.map((f) => f.tenantName))).toEqual(new Set(['Contoso 100%']));
    const one = await get(`/api/tenants/${s.tenantA}/findings?limit=1`);
    expect(one.findings[0]!.tenantName).toBe('Contoso 100%');
  });

  test.each([
    ['legacy', (f: Finding) => /legacy/i.test(f.title) || /legacy/i.test(f.checkId)],
    ['LEGACY AUTH', (f: Finding) => /legacy auth/i.test(f.title) || /legacy auth/i.test(f.checkId)],
    ['ca-block-legacy-auth', (f: Finding) => f.checkId.includes('ca-block-legacy-auth')],
    ['contoso', () => true],
    ['100%', () => true],
    ['no such words', () => false],
  ])('q=%s finds the findings whose title, check id or tenant name hold it', async (q, keep) => {
    const all = (await get('/api/findings?limit=1000')).findings;
    const found = await get(`/api/findings?limit=1000&q=${encodeURIComponent(q)}`);
    expect(ids(found.findings).sort()).toEqual(ids(all.filter(keep)).sort());
    expect(found.total).toBe(found.findings.length);
  });

  test('% and _ in the words match themselves, not anything', async () => {
    expect((await get(`/api/findings?q=${encodeURIComponent('0%C')}`)).total).toBe(0);
    expect((await get(`/api/findings?q=${encodeURIComponent('ca_block')}`)).total).toBe(0);
  });

  const byKey: Record<string, (f: Finding) => string> = {
    tenant: (f) => f.tenantName.toLowerCase(),
    check: (f) => f.title.toLowerCase(),
    area: (f) => f.area,
    state: (f) => f.state,
  };
  test.each(Object.keys(byKey).flatMap((k) => [`${k}:asc`, `${k}:desc`]))(
    'sort=%s orders every row',
    async (spec) => {
      const [key, dir] = spec.split(':') as [string, 'asc' | 'desc'];
      const { findings } = await get(`/api/findings?limit=1000&sort=${key}&dir=${dir}`);
      const keys = findings.map(byKey[key]!);
      const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(keys).toEqual(dir === 'asc' ? sorted : sorted.reverse());
    },
  );

  test('sort=since puts the oldest first (or last), and findings never failing after the rest', async () => {
    for (const dir of ['asc', 'desc'] as const) {
      const { findings } = await get(`/api/findings?limit=1000&sort=since&dir=${dir}`);
      const dated = findings.filter((f) => f.firstSeenAt !== null).map((f) => Date.parse(f.firstSeenAt!));
      expect(dated.length).toBeGreaterThan(0);
      expect(findings.slice(0, dated.length).every((f) => f.firstSeenAt !== null)).toBe(true);
      const sorted = [...dated].sort((a, b) => a - b);
      expect(dated).toEqual(dir === 'asc' ? sorted : sorted.reverse());
    }
  });

  test('paging under a sort walks the same order, with filters and words together', async () => {
    const q = '/api/findings?state=fail&sort=check&dir=desc&q=a';
    const both = await get(`${q}&limit=20`);
    const first = await get(`${q}&limit=10`);
    const second = await get(`${q}&limit=10&offset=10`);
    expect([...first.findings, ...second.findings].map((f) => f.checkId)).toEqual(ids(both.findings));
    expect(first.total).toBe(both.total);
    expect(new Set(both.findings.map((f) => f.state))).toEqual(new Set(['fail']));
  });

  test('a bad sort or direction names the field; B sees none of it', async () => {
    for (const [query, field] of [
      ['sort=colour', 'querystring.sort'],
      ['dir=up', 'querystring.dir'],
      [`q=${'x'.repeat(201)}`, 'querystring.q'],
    ] as const) {
      const res = await s.reports.request('GET', `/api/findings?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'TS_ERR_VALIDATION',
        message: expect.stringContaining(field),
      });
    }
    expect(await get('/api/findings?q=contoso', s.ownerB)).toEqual({
      findings: [],
      total: 0,
      bySeverity: {},
    });
  });
});

describe("GET /api/findings with several values per filter (the findings page's chips)", () => {
  const count = async (query: string) => (await get(`/api/findings?limit=1&${query}`)).total;

  test.each([
    ['severity', ['critical', 'high', 'low']],
    ['area', ['identity', 'conditionalAccess', 'guests']],
    ['state', ['fail', 'pass', 'unknown']],
  ])(
    '%s: a comma list and repeated values each give the union of the single values',
    async (name, values) => {
      const singles = await Promise.all(values.map((v) => count(`${name}=${v}`)));
      expect(singles.filter((n) => n > 0).length).toBeGreaterThan(1);
      const union = singles.reduce((a, b) => a + b, 0);
      expect(await count(`${name}=${values.join(',')}`)).toBe(union);
      expect(await count(values.map((v) => `${name}=${v}`).join('&'))).toBe(union);
      expect(await count(`${name}=${values[0]},${values[1]}&${name}=${values[2]}`)).toBe(union);
    },
  );

  test('lists of several filters narrow together, and each row holds one of the values asked', async () => {
    const { findings, total } = await get(
      '/api/findings?limit=1000&severity=high,medium&area=identity,conditionalAccess&state=fail,pass',
    );
    expect(total).toBeGreaterThan(0);
    expect(findings).toHaveLength(total);
    for (const f of findings) {
      expect(['high', 'medium']).toContain(f.severity);
      expect(['identity', 'conditionalAccess']).toContain(f.area);
      expect(['fail', 'pass']).toContain(f.state);
    }
  });

  test('bySeverity counts what each severity would add under the other filters, whatever severities are chosen', async () => {
    type Counted = { total: number; bySeverity: Record<string, number> };
    const base = 'state=fail&area=identity,conditionalAccess,authMethods';
    const all = (await get(`/api/findings?limit=1&${base}`)) as unknown as Counted;
    const some = (await get(`/api/findings?limit=1&${base}&severity=critical`)) as unknown as Counted;
    expect(some.bySeverity).toEqual(all.bySeverity);
    expect(Object.values(all.bySeverity).reduce((a, b) => a + b, 0)).toBe(all.total);
    for (const [severity, n] of Object.entries(all.bySeverity)) {
      expect(n).toBeGreaterThan(0);
      expect(await count(`${base}&severity=${severity}`), severity).toBe(n);
    }
    expect(some.total).toBe(all.bySeverity.critical ?? 0);
  });

  test.each([
    ['severity=high,urgent', 'querystring.severity'],
    ['area=identity&area=nowhere', 'querystring.area'],
    ['state=fail,,closed', 'querystring.state'],
  ])(
    'one bad value among several (%s) is a coded validation error naming the field',
    async (query, field) => {
      const res = await s.reports.request('GET', `/api/findings?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'TS_ERR_VALIDATION',
        message: expect.stringContaining(field),
      });
    },
  );
});
