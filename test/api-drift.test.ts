import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withWorkspace } from '../src/storage/transactions.ts';
import { type Seeded, seedAnalysis } from './api-analysis-seed.ts';

/**
 * Drift through the API: a tenant synced, a Conditional Access policy enforced by its admin in the
 * emulator, synced again — so the event, its attribution and the comparisons are the pipeline's.
 */
let s: Seeded;
let policyId: string;
let eventId: string;
let upn: string;

beforeAll(async () => {
  s = await seedAnalysis('api-drift');
  policyId = await s.enforceLegacyPolicy();
  upn = String(s.emulator.stores[0]!.model.graph.collections.users[0]!.userPrincipalName);
}, 180_000);
afterAll(async () => {
  await s?.close();
});

const url = (suffix = '') => `/api/tenants/${s.tenantA}${suffix}`;
const get = async (path: string) => {
  const res = await s.reports.request('GET', path);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('drift events', () => {
  test('the enforced policy is one event, attributed to the admin who changed it', async () => {
    const { events } = await get(url('/drift'));
    expect(events).toHaveLength(1);
    eventId = events[0].id;
    expect(events[0]).toMatchObject({
      tenantId: s.tenantA,
      objectKind: 'conditionalAccessPolicy',
      objectId: policyId,
      objectName: 'Block legacy authentication',
      path: 'state',
      kind: 'changed',
      before: 'enabledForReportingButNotEnforced',
      after: 'enabled',
      actor: upn,
      attribution: { actor: { type: 'user', userPrincipalName: upn }, confidence: 'high' },
      triage: { state: 'open', note: null, by: null, at: null, revertSeenAt: null },
    });
    expect(Date.parse(events[0].toCollectedAt)).toBeGreaterThan(Date.parse(events[0].fromCollectedAt));
  });

  test('filters narrow the list; a filter that matches nothing gives none', async () => {
    const q = (query: string) => get(url(`/drift?${query}`)).then((b) => b.events.length);
    expect(await q('objectKind=conditionalAccessPolicy&kind=changed,added&triage=open')).toBe(1);
    expect(await q(`actor=${encodeURIComponent(upn)}`)).toBe(1);
    expect(await q('objectKind=namedLocation')).toBe(0);
    expect(await q('actor=someone-else@contoso.test')).toBe(0);
    const { events } = await get(url('/drift'));
    const at = events[0].toCollectedAt;
    expect(await q(`since=${encodeURIComponent(at)}&until=${encodeURIComponent(at)}`)).toBe(1);
    expect(await q(`since=${encodeURIComponent(new Date(Date.parse(at) + 1).toISOString())}`)).toBe(0);
    expect(await q('offset=1')).toBe(0);
  });

  test('bad filters are validation errors naming the field', async () => {
    for (const [query, field] of [
      ['severity=critical', 'querystring.severity'],
      ['objectKind=mailbox', 'querystring.objectKind'],
      ['triage=ignored', 'querystring.triage'],
      ['since=yesterday', 'querystring.since'],
      ['limit=5000', 'querystring.limit'],
    ] as const) {
      const res = await s.reports.request('GET', url(`/drift?${query}`));
      expect(res.statusCode, query).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'TS_ERR_VALIDATION',
        message: expect.stringContaining(field),
      });
    }
  });
});

describe('comparisons and the timeline', () => {
  test('the first sync had nothing to compare; the second compared every tracked kind', async () => {
    const { comparisons } = await get(url('/drift/comparisons'));
    expect(comparisons.map((c: { status: string }) => c.status)).toEqual(['compared', 'noPrevious']);
    expect(comparisons[0].compared).toContain('conditionalAccessPolicy');
    expect(comparisons[0].toCollectedAt).toBe((await get(url('/drift'))).events[0].toCollectedAt);
    expect(comparisons[1]).toMatchObject({ fromSnapshotId: null, fromCollectedAt: null, compared: [] });
    for (const n of comparisons[0].notCompared)
      expect(n).toMatchObject({ dataset: expect.any(String), reason: expect.any(String) });
  });

  test("the policy's timeline has the one change; an untouched object has none", async () => {
    const { points } = await get(
      url(`/drift/timeline?objectKind=conditionalAccessPolicy&objectId=${policyId}`),
    );
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({ state: 'present', events: [{ id: eventId, path: 'state' }] });
    const none = await get(url('/drift/timeline?objectKind=conditionalAccessPolicy&objectId=not-a-policy'));
    expect(none.points).toEqual([]);
    const bad = await s.reports.request('GET', url('/drift/timeline?objectKind=conditionalAccessPolicy'));
    expect(bad.json()).toMatchObject({
      code: 'TS_ERR_VALIDATION',
      message: expect.stringContaining('objectId'),
    });
  });
});

describe('triage', () => {
  test('reports may not triage; the event stays open', async () => {
    const res = await s.reports.request('PATCH', `/api/drift-events/${eventId}`, { state: 'accepted' });
    expect(res.statusCode).toBe(403);
    expect((await get(url('/drift'))).events[0].triage.state).toBe('open');
  });

  test('bad input names the field and changes nothing', async () => {
    for (const [body, field] of [
      [{ state: 'ignored' }, 'body.state'],
      [{ state: 'accepted', note: 'x'.repeat(2001) }, 'body.note'],
      [{}, 'body.state'],
    ] as const) {
      const res = await s.admin.request('PATCH', `/api/drift-events/${eventId}`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().message).toContain(field);
    }
    const notGuid = await s.admin.request('PATCH', '/api/drift-events/42', { state: 'accepted' });
    expect(notGuid.json().message).toContain('params.eventId');
    expect((await get(url('/drift'))).events[0].triage.state).toBe('open');
  });

  test('an admin marks it customer-specific with a note; the audit log records who and from where', async () => {
    const res = await s.admin.request('PATCH', `/api/drift-events/${eventId}`, {
      state: 'customerSpecific',
      note: 'this customer enforces legacy-auth blocking',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: eventId,
      triage: {
        state: 'customerSpecific',
        note: 'this customer enforces legacy-auth blocking',
        by: s.admin.personId,
      },
    });
    expect((await get(url('/drift?triage=customerSpecific'))).events).toHaveLength(1);
    expect((await get(url('/drift?triage=open'))).events).toHaveLength(0);
    expect((await s.audit())[0]).toMatchObject({
      action: 'drift.triaged',
      actor: s.admin.personId,
      target: eventId,
      ip: s.admin.ip,
      detail: { state: 'customerSpecific' },
    });
  });
});

describe("another workspace's ids", () => {
  test.each(['/drift', '/drift/comparisons', '/drift/timeline?objectKind=domain&objectId=x'])(
    "GET …%s of A's tenant answers 404 to B's owner",
    async (suffix) => {
      const res = await s.ownerB.request('GET', url(suffix));
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().code).toBe('TS_ERR_NOT_FOUND');
    },
  );

  test("B's owner cannot triage A's event, and the event keeps A's decision", async () => {
    const res = await s.ownerB.request('PATCH', `/api/drift-events/${eventId}`, { state: 'open' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('TS_ERR_NOT_FOUND');
    const row = await withWorkspace(s.h.database.db, s.wsA, (tx) =>
      tx.selectFrom('drift_events').select(['triage_state', 'triaged_by']).executeTakeFirstOrThrow(),
    );
    expect(row).toEqual({ triage_state: 'customerSpecific', triaged_by: s.admin.personId });
  });

  test("B's own tenant has no drift yet, and the list says so", async () => {
    const res = await s.ownerB.request('GET', `/api/tenants/${s.tenantB}/drift`);
    expect(res.json()).toEqual({ events: [] });
    const comparisons = await s.ownerB.request('GET', `/api/tenants/${s.tenantB}/drift/comparisons`);
    expect(comparisons.json()).toEqual({ comparisons: [] });
  });
});
