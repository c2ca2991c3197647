import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { applyDeltaPage, deltaState, type GraphItem } from './delta-apply.ts';
import { DELTA_DATASETS, deltaBasis, deltaQueryOf } from './delta-read.ts';
import { type GraphDataset, graphDatasets } from './graph-datasets.ts';

/** Microsoft's documented delta pages (graph-protocol.md §2.3, reference/graph/examples). */
const example = (name: string) =>
  JSON.parse(fs.readFileSync(`/work/shared/reference/graph/examples/${name}.json`, 'utf8')) as {
    value: GraphItem[];
  };

const MEGAN = '48d31887-5fad-4d73-a9f5-3c356e68a038';
const GUEST = '5bde3e51-d13b-4db1-9948-fe4b109d11a7';

const run = (previous: GraphItem[], ...pages: GraphItem[][]) => {
  const state = deltaState(previous);
  for (const page of pages) applyDeltaPage(state, page);
  return [...state.values()];
};

describe('applying delta pages', () => {
  test('a first round applied to nothing lists every object it returned, in order', () => {
    const page1 = example('users.delta.page1').value;
    const last = example('users.delta.last').value;
    expect(run([], page1, last)).toEqual([...page1, ...last]);
  });

  test('a change round updates one user and removes the soft-deleted one', () => {
    const previous = [
      { displayName: 'Megan Bowen', accountEnabled: true, id: MEGAN },
      { displayName: 'Guest User', accountEnabled: false, id: GUEST },
    ];
    expect(run(previous, example('users.delta.changes').value)).toEqual([
      { displayName: 'Megan Bowen (Sales)', accountEnabled: true, id: MEGAN },
    ]);
  });

  test.each([
    {
      case: 'a minimal answer (changed properties only) keeps the unchanged ones',
      previous: [{ id: 'a', displayName: 'A', jobTitle: 'Clerk' }],
      pages: [[{ id: 'a', jobTitle: 'Manager' }]],
      expected: [{ id: 'a', jobTitle: 'Manager', displayName: 'A' }],
    },
    {
      case: 'a property set to null becomes null, not its old value',
      previous: [{ id: 'a', department: 'Sales' }],
      pages: [[{ id: 'a', department: null }]],
      expected: [{ id: 'a', department: null }],
    },
    {
      case: 'a new object is listed after the ones already held',
      previous: [{ id: 'a' }, { id: 'b' }],
      pages: [[{ id: 'c', displayName: 'C' }]],
      expected: [{ id: 'a' }, { id: 'b' }, { id: 'c', displayName: 'C' }],
    },
    {
      case: 'a permanent deletion removes the object',
      previous: [{ id: 'a' }, { id: 'b' }],
      pages: [[{ id: 'a', '@removed': { reason: 'deleted' } }]],
      expected: [{ id: 'b' }],
    },
    {
      case: 'removing an object never held changes nothing',
      previous: [{ id: 'a' }],
      pages: [[{ id: 'zz', '@removed': { reason: 'changed' } }]],
      expected: [{ id: 'a' }],
    },
    {
      case: 'a replayed object across pages ends with its latest values, listed once',
      previous: [],
      pages: [[{ id: 'a', displayName: 'old' }], [{ id: 'a', displayName: 'new' }]],
      expected: [{ id: 'a', displayName: 'new' }],
    },
    {
      case: 'an object removed then restored in one round comes back with its new values',
      previous: [{ id: 'a', displayName: 'A' }],
      pages: [[{ id: 'a', '@removed': { reason: 'changed' } }], [{ id: 'a', displayName: 'A2' }]],
      expected: [{ id: 'a', displayName: 'A2' }],
    },
    {
      case: 'relationship annotations such as members@delta are not kept in the snapshot',
      previous: [],
      pages: [[{ id: 'g', displayName: 'G', 'members@delta': [{ id: 'u' }] }]],
      expected: [{ id: 'g', displayName: 'G' }],
    },
    {
      case: 'an entry without an id is ignored rather than guessed',
      previous: [{ id: 'a' }],
      pages: [[{ displayName: 'no id' }]],
      expected: [{ id: 'a' }],
    },
  ])('$case', ({ previous, pages, expected }) => {
    expect(run(previous as GraphItem[], ...(pages as GraphItem[][]))).toEqual(expected);
  });

  test('the previous objects are never modified by a merge', () => {
    const held = { id: 'a', displayName: 'A' };
    run([held], [{ id: 'a', displayName: 'B' }]);
    expect(held).toEqual({ id: 'a', displayName: 'A' });
  });

  test('a merged object lists its keys in the order of the newest answer, as a full read would', () => {
    const [merged] = run([{ id: 'a', b: 1, c: 2 }], [{ c: 3, b: 1, id: 'a' }]);
    expect(Object.keys(merged!)).toEqual(['c', 'b', 'id']);
  });
});

describe('which datasets are read with delta', () => {
  const ctx = { now: new Date('2026-01-01T00:00:00Z') };
  const byName = (name: string) => graphDatasets.find((d) => d.name === name)!;
  const listPath = (name: string) => {
    const ds = byName(name);
    return ds.shape === 'collection' ? ds.path(ctx) : '';
  };

  test.each([
    ['users', '/users/delta?$select='],
    ['groups', '/groups/delta?$select='],
  ])('%s is read from %s… with the same properties as its list request', (name, prefix) => {
    const query = deltaQueryOf(byName(name), ctx)!;
    expect(query.startsWith(prefix)).toBe(true);
    const listed = new URL(listPath(name), 'https://x').searchParams.get('$select');
    expect(new URL(query, 'https://x').searchParams.get('$select')).toBe(listed);
    expect(query).not.toContain('$top');
  });

  test('sign-in activity is not delta-tracked, so it stays a full read', () => {
    expect(deltaQueryOf(byName('userSignInActivity'), ctx)).toBeUndefined();
    expect([...DELTA_DATASETS].sort()).toEqual(['groups', 'users']);
  });

  test('a delta dataset whose request gained a $filter is read in full', () => {
    const filtered: GraphDataset = {
      ...byName('users'),
      shape: 'collection',
      path: () => "/users?$filter=userType eq 'Guest'",
    };
    expect(deltaQueryOf(filtered, ctx)).toBeUndefined();
  });
});

test('the basis of a delta sync keeps the tenant and only the users and groups of the previous snapshot', () => {
  const ok = { status: 'ok' as const, collectedAt: '2026-01-01T00:00:00Z', items: [{ id: 'x' }] };
  const previous = {
    format: 'tenantscope.snapshot/v1' as const,
    tenant: { tenantId: 't', cloud: 'global' },
    collectedAt: '2026-01-01T00:00:00Z',
    completedAt: '2026-01-01T00:01:00Z',
    datasets: { users: ok, groups: ok, groupMembers: ok, userSignInActivity: ok },
  };
  const basis = deltaBasis(previous);
  expect(Object.keys(basis.datasets).sort()).toEqual(['groups', 'users']);
  expect(basis.tenant).toEqual(previous.tenant);
});
