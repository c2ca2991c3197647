import { describe, expect, it } from 'vitest';
import type { TenantStore } from '../contract.ts';
import { buildFixtureStore, fixtureUser } from './test-fixture.ts';
import { createHarness } from './test-harness.ts';

async function drain(h: ReturnType<typeof createHarness>, url: string) {
  const values: Record<string, unknown>[] = [];
  let next: string | undefined = url;
  let deltaLink: string | undefined;
  let pages = 0;
  while (next) {
    const res = await h.call(next);
    expect(res.status).toBe(200);
    expect(res.body['@odata.nextLink'] && res.body['@odata.deltaLink']).toBeFalsy(); // never both
    values.push(...res.body.value);
    next = res.body['@odata.nextLink'];
    deltaLink = res.body['@odata.deltaLink'];
    pages++;
  }
  return { values, deltaLink: deltaLink!, pages };
}

function rename(store: TenantStore, i: number, displayName: string) {
  store.upsert('users', { ...store.find('users', fixtureUser(i).id)!, displayName });
}

describe('users delta', () => {
  it('first round pages everything, then returns only changes and removals', async () => {
    const store = buildFixtureStore({ users: 250 });
    const h = createHarness(store);
    const first = await drain(h, '/v1.0/users/delta?$select=displayName,accountEnabled');
    expect(first.pages).toBe(3);
    expect(new Set(first.values.map((v) => v.id)).size).toBe(250);
    expect(Object.keys(first.values[0]!).sort()).toEqual(['accountEnabled', 'displayName', 'id']);
    expect(new URL(first.deltaLink).searchParams.get('$select')).toBeNull(); // options live in the token

    rename(store, 1, 'Renamed');
    store.upsert('users', { ...store.find('users', fixtureUser(2).id)!, jobTitle: 'untracked' }); // not selected
    store.remove('users', fixtureUser(3).id, 'softDelete');
    store.remove('users', fixtureUser(4).id, 'hardDelete');
    const second = await drain(h, first.deltaLink);
    expect(second.values).toEqual([
      { id: fixtureUser(1).id, displayName: 'Renamed', accountEnabled: true },
      { id: fixtureUser(3).id, '@removed': { reason: 'changed' } },
      { id: fixtureUser(4).id, '@removed': { reason: 'deleted' } },
    ]);

    const third = await drain(h, second.deltaLink);
    expect(third.values).toEqual([]);
  });

  it('$deltatoken=latest returns an empty page with a deltaLink that sees later changes', async () => {
    const store = buildFixtureStore();
    const h = createHarness(store);
    const latest = await h.call('/v1.0/users/delta?$deltatoken=latest');
    expect(latest.body.value).toEqual([]);
    expect(latest.body['@odata.deltaLink']).toContain('$deltatoken=');
    rename(store, 5, 'Later');
    const changes = await drain(h, latest.body['@odata.deltaLink']);
    expect(changes.values.map((v) => v.displayName)).toEqual(['Later']);
  });

  it.each([
    ['gone', 410, 'resyncRequired'],
    ['syncStateNotFound', 400, 'syncStateNotFound'],
  ] as const)('an expired token answers %s', async (mode, status, code) => {
    const store = buildFixtureStore();
    const h = createHarness(store, { expiredDeltaToken: mode });
    const first = await drain(h, '/v1.0/users/delta');
    Object.defineProperty(store, 'oldestSeq', { value: store.seq + 1 }); // the log moved past the token
    const res = await h.call(first.deltaLink);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (status === 410) expect(res.headers?.location).toBe('https://127.0.0.1:8443/v1.0/users/delta');
  });

  it('a forged delta token is a 400', async () => {
    const h = createHarness(buildFixtureStore());
    const res = await h.call('/v1.0/users/delta?$deltatoken=abc.def');
    expect(res.status).toBe(400);
  });
});

describe('groups, service principals and applications delta', () => {
  it('groups with $expand=members carry members@delta', async () => {
    const store = buildFixtureStore();
    const h = createHarness(store);
    const first = await drain(h, '/v1.0/groups/delta?$select=displayName&$expand=members');
    const hr = first.values.find((g) => g.displayName === 'HR Taskforce')!;
    expect((hr['members@delta'] as unknown[]).length).toBe(4);
    store.upsert('groups', { ...store.find('groups', hr.id as string)!, displayName: 'HR' });
    const second = await drain(h, first.deltaLink);
    expect(second.values).toHaveLength(1);
    expect(second.values[0]!.displayName).toBe('HR');
  });

  it.each(['servicePrincipals', 'applications'])('%s delta round trip', async (path) => {
    const store = buildFixtureStore();
    const h = createHarness(store);
    const first = await drain(h, `/v1.0/${path}/delta`);
    expect(first.values).toHaveLength(1);
    const id = first.values[0]!.id as string;
    store.remove(path as 'applications', id, 'softDelete');
    const second = await drain(h, first.deltaLink);
    expect(second.values).toEqual([{ id, '@removed': { reason: 'changed' } }]);
  });
});
