import { describe, expect, test } from 'vitest';
import type { DatasetSink } from '../collect/dataset-sink.ts';
import { erasingSink } from './erasure-sink.ts';
import { RecordCollector, stableJson } from './export-fns.ts';
import {
  eventRelation,
  isSelf,
  relationOf,
  rewriteEventList,
  rewriteEvidence,
  rewriteItems,
  scrub,
  scrubNote,
  summaryWithout,
} from './rewrite-fns.ts';
import { ERASED, OTHER, type Subject } from './rights-types.ts';
import {
  hashedMatcher,
  identifierHash,
  othersMatcher,
  plainMatcher,
  referenceKind,
  subjectHashes,
} from './subject-match.ts';

const ALICE_ID = '11111111-aaaa-4aaa-8aaa-111111111111';
const BOB_ID = '22222222-bbbb-4bbb-8bbb-222222222222';
const GROUP_ID = '33333333-cccc-4ccc-8ccc-333333333333';
const TENANT = '99999999-9999-4999-8999-999999999999';
const alice: Subject = {
  objectIds: [ALICE_ID],
  addresses: ['alice@contoso.com', 'alice.old@contoso.com'],
  names: ['Alice Smith'],
};
const m = plainMatcher(alice);
const hashed = hashedMatcher(TENANT, subjectHashes(TENANT, alice));

describe('naming the person', () => {
  test.each([
    ['an object id', ALICE_ID, 'objectId'],
    ['an object id in capitals, with spaces around', `  ${ALICE_ID.toUpperCase()} `, 'objectId'],
    ['a UPN', 'alice@contoso.com', 'address'],
    ["a guest's UPN", 'alice_fabrikam.com#EXT#@contoso.onmicrosoft.com', 'address'],
    ['a display name', 'Alice Smith', undefined],
    ['a word', 'alice', undefined],
  ])('%s is %s', (_what, who, kind) => {
    expect(referenceKind(who)).toBe(kind);
  });

  test('the erasure hash depends on the tenant and not on letter case', () => {
    expect(identifierHash(TENANT, 'Alice@Contoso.com')).toBe(identifierHash(TENANT, 'alice@contoso.com'));
    expect(identifierHash(TENANT, 'alice@contoso.com')).not.toBe(
      identifierHash(GROUP_ID, 'alice@contoso.com'),
    );
    expect(identifierHash(TENANT, 'alice@contoso.com')).toMatch(/^[0-9a-f]{64}$/);
  });

  test.each([
    ['the id, whole', ALICE_ID, true],
    ['the id in capitals', ALICE_ID.toUpperCase(), true],
    ['an old UPN', 'ALICE.OLD@contoso.com', true],
    ["someone else's id", BOB_ID, false],
    ['a longer address containing hers', 'malice@contoso.com', false],
    ['her display name (names are not identifiers)', 'Alice Smith', false],
  ])('is(%s) → %s, for the plain and the hashed matcher alike', (_what, value, expected) => {
    expect(m.is(value)).toBe(expected);
    expect(hashed.is(value)).toBe(expected);
  });

  test.each([
    ['an address inside a JSON string', '["alice@contoso.com"]', `["${ERASED.address}"]`],
    ['an id inside a sentence', `Added ${ALICE_ID} to the group`, `Added ${ERASED.id} to the group`],
    [
      'two mentions and an address that is not hers',
      `alice@contoso.com, bob@contoso.com, ${ALICE_ID}`,
      `${ERASED.address}, bob@contoso.com, ${ERASED.id}`,
    ],
    ['an address ending a sentence', 'Ask alice@contoso.com.', `Ask ${ERASED.address}.`],
    ['no mention', 'Global Administrator', 'Global Administrator'],
  ])('replaceIn: %s', (_what, text, expected) => {
    expect(m.replaceIn(text, ERASED)).toBe(expected);
    expect(hashed.replaceIn(text, ERASED)).toBe(expected);
  });

  test('a text that names nobody comes back as the very same string', () => {
    const text = 'Conditional Access 2026-01-01';
    expect(m.replaceIn(text, ERASED)).toBe(text);
  });
});

describe('rewriting snapshot items (theirs removed, references replaced)', () => {
  const aliceUser = { id: ALICE_ID, displayName: 'Alice Smith', userPrincipalName: 'alice@contoso.com' };
  const bobUser = { id: BOB_ID, displayName: 'Bob Jones', userPrincipalName: 'bob@contoso.com' };
  test.each([
    ['users', aliceUser, true],
    ['users', bobUser, false],
    ['userSignInActivity', { id: ALICE_ID, signInActivity: {} }, true],
    ['userRegistrationDetails', { id: ALICE_ID, isMfaRegistered: true }, true],
    ['signIns', { id: GROUP_ID, userId: ALICE_ID, userPrincipalName: 'alice@contoso.com' }, true],
    ['signIns', { id: GROUP_ID, userId: BOB_ID, userPrincipalName: 'bob@contoso.com' }, false],
    [
      'office365ActiveUserDetail',
      { 'User Principal Name': 'alice@contoso.com', 'Display Name': 'Alice' },
      true,
    ],
    ['groupMembers', { parentId: GROUP_ID, items: [aliceUser, bobUser] }, false],
  ])('%s item %# is hers: %s', (dataset, item, expected) => {
    expect(isSelf(dataset, item, m)).toBe(expected);
  });

  test("a group's member list keeps its length; her entry becomes the placeholder, Bob's is the same object", () => {
    const wrapper = { parentId: GROUP_ID, items: [aliceUser, bobUser] };
    const out = rewriteItems('groupMembers', [wrapper], m, ERASED);
    expect(out).toMatchObject({ removed: 0, changed: 1 });
    const items = (out.items[0] as { items: unknown[] }).items;
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({ id: ERASED.id, displayName: ERASED.name, userPrincipalName: ERASED.address });
    expect(items[1]).toBe(bobUser);
  });

  test('an audit record she made keeps its shape; her name, address and IP go, the target stays', () => {
    const audit = {
      id: 'Directory_x',
      activityDisplayName: 'Update user',
      initiatedBy: {
        user: {
          id: ALICE_ID,
          displayName: 'Alice Smith',
          userPrincipalName: 'alice@contoso.com',
          ipAddress: '203.0.113.9',
        },
      },
      targetResources: [{ id: BOB_ID, type: 'User', userPrincipalName: 'bob@contoso.com' }],
    };
    const out = scrub(audit, m, ERASED);
    expect(out).toEqual({
      ...audit,
      initiatedBy: {
        user: {
          id: ERASED.id,
          displayName: ERASED.name,
          userPrincipalName: ERASED.address,
          ipAddress: ERASED.ip,
        },
      },
    });
    expect((out as typeof audit).targetResources).toBe(audit.targetResources);
  });

  test('a role assignment to her loses its principal and its id (Graph derives it from the principal)', () => {
    const assignment = { id: 'lAPpYvVpN0KRkAEhdxReEJC2', principalId: ALICE_ID, roleDefinitionId: GROUP_ID };
    expect(scrub(assignment, m, ERASED)).toEqual({
      id: ERASED.id,
      principalId: ERASED.id,
      roleDefinitionId: GROUP_ID,
    });
  });

  test('a Conditional Access policy still excludes one user, now the placeholder', () => {
    const policy = {
      id: GROUP_ID,
      displayName: 'MFA for all',
      conditions: { users: { excludeUsers: [ALICE_ID, BOB_ID] } },
    };
    expect(scrub(policy, m, ERASED)).toEqual({
      ...policy,
      conditions: { users: { excludeUsers: [ERASED.id, BOB_ID] } },
    });
  });

  test('a chunk without her comes back item for item identical', () => {
    const items = [bobUser, { id: GROUP_ID, displayName: 'Sales' }];
    const out = rewriteItems('users', items, m, ERASED);
    expect(out).toMatchObject({ removed: 0, changed: 0 });
    for (const [i, item] of out.items.entries()) expect(item).toBe(items[i]);
  });

  test('the hashed matcher (a later sync) rewrites exactly as the plain one', () => {
    const items = [aliceUser, bobUser, { parentId: GROUP_ID, items: [aliceUser, bobUser] }];
    expect(rewriteItems('users', items, hashed, ERASED)).toEqual(rewriteItems('users', items, m, ERASED));
  });

  test('rewriting twice changes nothing more (idempotent)', () => {
    const items = [aliceUser, bobUser, { parentId: GROUP_ID, items: [aliceUser] }];
    const once = rewriteItems('groupMembers', items, m, ERASED);
    const twice = rewriteItems('groupMembers', once.items, m, ERASED);
    expect(twice).toMatchObject({ removed: 0, changed: 0 });
  });
});

describe('stored analysis results', () => {
  test('finding evidence loses her item, keeps the total and replaces her in the others', () => {
    const evidence = {
      items: [
        { type: 'user', id: ALICE_ID, name: 'alice@contoso.com' },
        { type: 'user', id: BOB_ID, name: 'bob@contoso.com' },
        { type: 'policy', id: GROUP_ID, name: 'MFA', properties: { excludeUsers: [ALICE_ID] } },
      ],
      total: 120,
    };
    const out = rewriteEvidence(evidence, m, ERASED);
    expect(out.removed).toBe(1);
    expect(out.evidence.total).toBe(120);
    expect(out.evidence.items).toEqual([
      evidence.items[1],
      { type: 'policy', id: GROUP_ID, name: 'MFA', properties: { excludeUsers: [ERASED.id] } },
    ]);
  });

  const event = (over: Record<string, unknown>) => ({
    kind: 'changed',
    objectId: GROUP_ID,
    objectName: 'MFA for all',
    before: 'enabled',
    after: 'disabled',
    attribution: { actor: 'unknown', reason: 'noRecord' },
    ...over,
  });
  const byAlice = {
    actor: { type: 'user', id: ALICE_ID, userPrincipalName: 'alice@contoso.com', displayName: null },
    at: '2026-01-01T00:00:00Z',
  };
  test.each([
    ['a change to something else, by nobody known', event({}), { about: false, by: false }],
    [
      'her added to a set',
      event({ kind: 'added', before: null, after: ALICE_ID }),
      { about: true, by: false },
    ],
    [
      'an assignment named after her',
      event({ objectName: `Global Administrator: ${ALICE_ID}` }),
      { about: true, by: false },
    ],
    [
      'an app role assignment named with her display name',
      event({ objectName: 'Alice Smith: User.Read on Graph' }),
      { about: true, by: false },
    ],
    ['a change she made', event({ attribution: byAlice }), { about: false, by: true }],
    [
      'a change labelled with her UPN',
      event({ actorLabel: 'alice@contoso.com' }),
      { about: false, by: true },
    ],
  ])('drift event: %s', (_what, e, expected) => {
    expect(eventRelation(e, m)).toEqual(expected);
  });

  test('an event list drops events about her, re-attributes hers, and the summary follows', () => {
    const events = [
      event({ kind: 'added', after: ALICE_ID }),
      event({ attribution: byAlice, actor: 'alice@contoso.com' }),
      event({}),
    ];
    const out = rewriteEventList(events, m, ERASED);
    expect(out.events).toHaveLength(2);
    expect(out.events[0]).toMatchObject({
      actor: ERASED.name,
      attribution: { actor: { id: ERASED.id, userPrincipalName: ERASED.address } },
    });
    expect(out.events[1]).toBe(events[2]);
    expect(
      summaryWithout({ added: 1, removed: 0, changed: 2, attributed: 1, unknown: 2 }, out.removed),
    ).toEqual({
      added: 0,
      removed: 0,
      changed: 2,
      attributed: 1,
      unknown: 1,
    });
  });

  test.each([
    ['her name as words', 'Alice Smith: User.Read on Graph', true],
    ['her name inside a longer word', 'Alice Smithson: User.Read on Graph', false],
    ['her name after other words', 'Owner Alice Smith', true],
  ])('a display name counts only as whole words: %s', (_what, text, expected) => {
    expect(m.mentionsName(text)).toBe(expected);
  });

  test('a note someone typed loses her address and her name', () => {
    expect(scrubNote('Alice Smith (alice@contoso.com) leaves in May; ask Alice Smith', m, ERASED)).toBe(
      `${ERASED.name} (${ERASED.address}) leaves in May; ask ${ERASED.name}`,
    );
  });
});

describe('what an export shows', () => {
  const others = othersMatcher(alice, new Set([BOB_ID]));
  test.each([
    ['her user object', 'users', { id: ALICE_ID }, 'self'],
    ["Bob's user object", 'users', { id: BOB_ID }, 'none'],
    ['a group listing her', 'groupMembers', { parentId: GROUP_ID, items: [{ id: ALICE_ID }] }, 'mention'],
  ])('%s is %s', (_what, dataset, item, relation) => {
    expect(relationOf(dataset, item, m)).toBe(relation);
  });

  test("of a group, only her entry; of an audit record, the other person is 'another person'", () => {
    const c = new RecordCollector(m, others);
    c.add(
      'groupMembers',
      { parentId: GROUP_ID, items: [{ id: ALICE_ID }, { id: BOB_ID, userPrincipalName: 'bob@contoso.com' }] },
      's1',
    );
    c.add(
      'directoryAudits',
      {
        id: 'a1',
        initiatedBy: { user: { id: ALICE_ID, userPrincipalName: 'alice@contoso.com' } },
        targetResources: [{ id: BOB_ID, displayName: 'Bob Jones', userPrincipalName: 'bob@contoso.com' }],
      },
      's1',
    );
    const text = JSON.stringify(c.records());
    expect(text).not.toContain(BOB_ID);
    expect(text).not.toContain('bob@contoso.com');
    expect(text).not.toContain('Bob Jones');
    expect(text).toContain(OTHER.name);
    expect(c.records()[0]!.item).toEqual({ parentId: GROUP_ID, items: [{ id: ALICE_ID }] });
  });

  test('the same version in three snapshots is one record naming the three', () => {
    const c = new RecordCollector(m, others);
    for (const s of ['s3', 's2', 's1']) c.add('users', { id: ALICE_ID, jobTitle: 'Engineer' }, s);
    c.add('users', { jobTitle: 'Intern', id: ALICE_ID }, 's0');
    expect(c.records().map((r) => r.snapshotIds)).toEqual([['s3', 's2', 's1'], ['s0']]);
  });

  test('stable JSON ignores key order', () => {
    expect(stableJson({ b: 1, a: { d: 2, c: 3 } })).toBe(stableJson({ a: { c: 3, d: 2 }, b: 1 }));
  });
});

describe('the sink a sync puts in front of storage', () => {
  test('drops her before the inner sink sees a page, and counts only what it kept', async () => {
    const seen: { items: unknown[]; itemCount?: number } = { items: [] };
    const inner: DatasetSink = {
      begin: async () => {},
      append: async (_d, items) => {
        seen.items.push(...items);
      },
      finish: async (_d, result) => {
        seen.itemCount = result.itemCount;
      },
    };
    const sink = erasingSink(inner, hashed);
    const aliceUser = { id: ALICE_ID, userPrincipalName: 'alice@contoso.com' };
    const bobUser = { id: BOB_ID, userPrincipalName: 'bob@contoso.com' };
    await sink.begin('users');
    await sink.append('users', [aliceUser, bobUser]);
    await sink.append('users', [{ ...bobUser, id: GROUP_ID }]);
    await sink.finish('users', { status: 'ok', collectedAt: '2026-01-01T00:00:00Z', itemCount: 3 });
    expect(seen).toEqual({ items: [bobUser, { ...bobUser, id: GROUP_ID }], itemCount: 2 });
    expect(aliceUser).toEqual({ id: ALICE_ID, userPrincipalName: 'alice@contoso.com' });
  });
});
