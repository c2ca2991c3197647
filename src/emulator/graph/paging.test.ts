import { describe, expect, it } from 'vitest';
import { buildFixtureStore, fixtureUser } from './test-fixture.ts';
import { createHarness } from './test-harness.ts';

/** Follows nextLinks from `first` and returns every page body. */
async function pages(h: ReturnType<typeof createHarness>, first: string, headers?: Record<string, string>) {
  const bodies = [];
  let next: string | undefined = first;
  while (next) {
    const res = await h.call(next, { headers });
    expect(res.status).toBe(200);
    bodies.push(res.body);
    next = res.body['@odata.nextLink'];
  }
  return bodies;
}

describe('paging through 2,500 users', () => {
  const store = buildFixtureStore({ users: 2500 });
  const h = createHarness(store);

  it.each([
    ['/v1.0/users', 100, 25],
    ['/v1.0/users?$top=999&$select=id,displayName', 999, 3],
    ['/beta/users?$select=id&$filter=accountEnabled eq true', 100, 22],
  ])('%s returns every matching user exactly once', async (url, pageSize, pageCount) => {
    const bodies = await pages(h, url);
    const ids = bodies.flatMap((b) => b.value.map((u: { id: string }) => u.id));
    expect(bodies).toHaveLength(pageCount);
    expect(bodies[0].value).toHaveLength(pageSize);
    expect(new Set(ids).size).toBe(ids.length);
    const expected = url.includes('accountEnabled') ? 2500 - Math.ceil(2500 / 7) : 2500;
    expect(ids).toHaveLength(expected);
  });

  it('nextLinks are absolute on the request origin and keep the query options', async () => {
    const res = await h.call('/v1.0/users?$top=999&$select=id,displayName');
    const next = new URL(res.body['@odata.nextLink']);
    expect(next.origin).toBe('https://127.0.0.1:8443');
    expect(next.pathname).toBe('/v1.0/users');
    expect(next.searchParams.get('$top')).toBe('999');
    expect(next.searchParams.get('$select')).toBe('id,displayName');
    expect(next.searchParams.get('$skiptoken')).toBeTruthy();
  });

  it('@odata.count is on the first page only', async () => {
    const bodies = await pages(h, '/v1.0/users?$count=true&$top=999', { ConsistencyLevel: 'eventual' });
    expect(bodies[0]['@odata.count']).toBe(2500);
    expect(bodies[1]['@odata.count']).toBeUndefined();
  });

  it('a forged or replayed skiptoken is refused with 400', async () => {
    const res = await h.call('/v1.0/users?$top=999');
    const next = new URL(res.body['@odata.nextLink']);
    const token = next.searchParams.get('$skiptoken')!;
    const forged = await h.call(
      `/v1.0/users?$top=999&$skiptoken=${token.replace(/^./, (c) => (c === 'e' ? 'f' : 'e'))}`,
    );
    expect(forged.status).toBe(400);
    expect(forged.body.error.message).toBe('Invalid Skip Token');
    const otherQuery = await h.call(`/v1.0/users?$top=500&$skiptoken=${encodeURIComponent(token)}`);
    expect(otherQuery.status).toBe(400);
  });

  it('a removal during paging skips no surviving user', async () => {
    const local = buildFixtureStore({ users: 300 });
    const lh = createHarness(local);
    const first = await lh.call('/v1.0/users?$select=id');
    local.remove('users', fixtureUser(5).id);
    const rest = await pages(lh, first.body['@odata.nextLink']);
    const ids = [...first.body.value, ...rest.flatMap((b) => b.value)].map((u: { id: string }) => u.id);
    expect(new Set(ids).size).toBe(300);
  });

  it('caps pages with signInActivity at the configured size (docs disagree: 120/500/999)', async () => {
    const capped = createHarness(store, { signInActivityMaxTop: 120 });
    const res = await capped.call('/v1.0/users?$select=id,signInActivity&$top=999');
    expect(res.body.value).toHaveLength(120);
    const dflt = await h.call('/v1.0/users?$select=id,signInActivity&$top=999');
    expect(dflt.body.value).toHaveLength(500);
  });
});
