import { describe, expect, test } from 'vitest';
import { diffValues } from '../src/analyse/drift/diff-values.ts';
import { diffSnapshots } from '../src/analyse/drift/index.ts';
import { NO_RULES, normalise } from '../src/analyse/drift/normalise.ts';
import { caPolicy, edited, ok, snapshot, T0, T1 } from './drift-helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: the edits reach into documented Graph JSON
type Obj = Record<string, any>;
const ca = caPolicy();

/** Diffs one object of one dataset between two snapshots; returns [kind, path, before, after]. */
function changes(dataset: string, before: Obj, after: Obj) {
  const report = diffSnapshots(
    snapshot({ [dataset]: ok([before]) }, T0),
    snapshot({ [dataset]: ok([after]) }, T1),
    {
      attribute: false,
    },
  );
  return report.events.map((e) => [e.kind, e.path, e.before, e.after]);
}

const app = {
  id: 'a0a0a0a0-0000-4000-8000-00000000000a',
  appId: 'b0b0b0b0-0000-4000-8000-00000000000b',
  displayName: 'HR sync',
  createdDateTime: '2024-01-01T00:00:00Z',
  passwordCredentials: [
    {
      keyId: 'k1',
      displayName: 'client secret',
      endDateTime: '2027-01-01T00:00:00Z',
      hint: 'abc',
      secretText: null,
    },
  ],
  keyCredentials: [],
  requiredResourceAccess: [
    {
      resourceAppId: '00000003-0000-0000-c000-000000000000',
      resourceAccess: [{ id: 'df021288-bdef-4463-88db-98f22de89214', type: 'Role' }],
    },
  ],
};

describe('normalisation: reads that differ without a change compare equal', () => {
  test.each<[string, string, Obj, Obj]>([
    [
      'reordering includeRoles',
      'conditionalAccessPolicies',
      caPolicy({ conditions: { users: { includeRoles: ['a', 'b', 'c'] } } }),
      caPolicy({ conditions: { users: { includeRoles: ['c', 'a', 'b'] } } }),
    ],
    [
      'a new modifiedDateTime',
      'conditionalAccessPolicies',
      ca,
      { ...ca, modifiedDateTime: '2026-11-21T07:00:00Z' },
    ],
    [
      'an @odata.context naming another host',
      'conditionalAccessPolicies',
      { ...ca, '@odata.context': 'https://a/x' },
      { ...ca, '@odata.context': 'https://b/y' },
    ],
    [
      'null against a missing property',
      'conditionalAccessPolicies',
      ca,
      (({ sessionControls: _s, templateId: _t, ...rest }) => rest)(ca),
    ],
    [
      'an empty set against null',
      'conditionalAccessPolicies',
      ca,
      edited(ca, (c: Obj) => {
        c.conditions.users.excludeUsers = null;
      }),
    ],
    [
      'reordered builtInControls',
      'conditionalAccessPolicies',
      caPolicy({ grantControls: { operator: 'AND', builtInControls: ['mfa', 'compliantDevice'] } }),
      caPolicy({ grantControls: { operator: 'AND', builtInControls: ['compliantDevice', 'mfa'] } }),
    ],
    [
      'reordered ipRanges of a named location',
      'namedLocations',
      {
        id: 'n1',
        displayName: 'HQ',
        ipRanges: [
          { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' },
          { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/25' },
        ],
      },
      {
        id: 'n1',
        displayName: 'HQ',
        ipRanges: [
          { cidrAddress: '198.51.100.0/25', '@odata.type': '#microsoft.graph.iPv4CidrRange' },
          { cidrAddress: '203.0.113.0/24', '@odata.type': '#microsoft.graph.iPv4CidrRange' },
        ],
      },
    ],
    [
      'secretText, hint and createdDateTime of an app',
      'applications',
      app,
      edited(app, (a: Obj) => {
        a.createdDateTime = '2025-01-01T00:00:00Z';
        a.passwordCredentials[0].secretText = 'never-read';
        a.passwordCredentials[0].hint = 'Q7x';
      }),
    ],
    [
      'a delegated grant scope in another order',
      'oauth2PermissionGrants',
      {
        id: 'g1',
        clientId: 'c',
        resourceId: 'r',
        consentType: 'AllPrincipals',
        scope: 'User.Read Mail.Read',
      },
      {
        id: 'g1',
        clientId: 'c',
        resourceId: 'r',
        consentType: 'AllPrincipals',
        scope: ' Mail.Read  User.Read',
      },
    ],
    [
      'a PIM policy read with a new lastModifiedDateTime',
      'roleManagementPolicyAssignments',
      {
        id: 'p_r',
        policyId: 'p',
        roleDefinitionId: 'r',
        policy: { id: 'p', lastModifiedDateTime: '2026-01-01T00:00:00Z', rules: [] },
      },
      {
        id: 'p_r',
        policyId: 'p',
        roleDefinitionId: 'r',
        policy: { id: 'p', lastModifiedDateTime: '2026-11-01T00:00:00Z', rules: [] },
      },
    ],
  ])('%s yields no drift', (_name, dataset, before, after) => {
    expect(changes(dataset, before, after)).toEqual([]);
  });
});

describe('normalisation: real changes are reported at their property', () => {
  test.each<[string, string, Obj, Obj, unknown[][]]>([
    [
      'a rename is one change of displayName',
      'conditionalAccessPolicies',
      ca,
      { ...ca, displayName: 'MFA everyone' },
      [['changed', 'displayName', 'Require MFA for all users', 'MFA everyone']],
    ],
    [
      'a state change',
      'conditionalAccessPolicies',
      ca,
      { ...ca, state: 'enabled' },
      [['changed', 'state', 'enabledForReportingButNotEnforced', 'enabled']],
    ],
    [
      'an exclusion added to a CA policy is one added member',
      'conditionalAccessPolicies',
      ca,
      edited(ca, (c: Obj) => {
        c.conditions.users.excludeUsers = ['u-9'];
      }),
      [['added', 'conditions.users.excludeUsers', null, 'u-9']],
    ],
    [
      'a replaced role is one removed and one added member',
      'conditionalAccessPolicies',
      ca,
      edited(ca, (c: Obj) => {
        c.conditions.users.excludeRoles = ['r-2'];
      }),
      [
        ['removed', 'conditions.users.excludeRoles', '62e90394-69f5-4237-9190-012177145e10', null],
        ['added', 'conditions.users.excludeRoles', null, 'r-2'],
      ],
    ],
    [
      'session controls appearing are reported leaf by leaf',
      'conditionalAccessPolicies',
      ca,
      {
        ...ca,
        sessionControls: { persistentBrowser: { isEnabled: true, mode: 'never' }, signInFrequency: null },
      },
      [
        ['changed', 'sessionControls.persistentBrowser.isEnabled', null, true],
        ['changed', 'sessionControls.persistentBrowser.mode', null, 'never'],
      ],
    ],
    [
      'a new client secret is an entry keyed by keyId',
      'applications',
      app,
      edited(app, (a: Obj) => {
        a.passwordCredentials.push({ keyId: 'k2', displayName: 'backdoor', secretText: null });
      }),
      [['added', 'passwordCredentials[k2]', null, { displayName: 'backdoor', keyId: 'k2' }]],
    ],
    [
      'a secret lifetime extended',
      'applications',
      app,
      edited(app, (a: Obj) => {
        a.passwordCredentials[0].endDateTime = '2029-01-01T00:00:00Z';
      }),
      [['changed', 'passwordCredentials[k1].endDateTime', '2027-01-01T00:00:00Z', '2029-01-01T00:00:00Z']],
    ],
    [
      'a Graph application permission requested',
      'applications',
      app,
      edited(app, (a: Obj) => {
        a.requiredResourceAccess[0].resourceAccess.push({
          id: 'e2a3a72e-5f79-4c64-b1b1-878b674786c9',
          type: 'Role',
        });
      }),
      [
        [
          'added',
          'requiredResourceAccess[00000003-0000-0000-c000-000000000000].resourceAccess[e2a3a72e-5f79-4c64-b1b1-878b674786c9]',
          null,
          { id: 'e2a3a72e-5f79-4c64-b1b1-878b674786c9', type: 'Role' },
        ],
      ],
    ],
    [
      'a delegated scope added to a grant',
      'oauth2PermissionGrants',
      { id: 'g1', clientId: 'c', resourceId: 'r', consentType: 'AllPrincipals', scope: 'User.Read' },
      {
        id: 'g1',
        clientId: 'c',
        resourceId: 'r',
        consentType: 'AllPrincipals',
        scope: 'User.Read Mail.Send',
      },
      [['added', 'scope', null, 'Mail.Send']],
    ],
    [
      'a directory setting value',
      'groupSettings',
      {
        id: 's1',
        displayName: 'Group.Unified',
        values: [
          { name: 'EnableGroupCreation', value: 'false' },
          { name: 'AllowToAddGuests', value: 'false' },
        ],
      },
      {
        id: 's1',
        displayName: 'Group.Unified',
        values: [
          { name: 'AllowToAddGuests', value: 'true' },
          { name: 'EnableGroupCreation', value: 'false' },
        ],
      },
      [['changed', 'values[AllowToAddGuests].value', 'false', 'true']],
    ],
    [
      'PIM approval stages are ordered',
      'roleManagementPolicyAssignments',
      {
        id: 'p_r',
        policy: {
          id: 'p',
          rules: [{ id: 'Approval_EndUser_Assignment', setting: { approvalStages: [{ n: 1 }, { n: 2 }] } }],
        },
      },
      {
        id: 'p_r',
        policy: {
          id: 'p',
          rules: [{ id: 'Approval_EndUser_Assignment', setting: { approvalStages: [{ n: 2 }, { n: 1 }] } }],
        },
      },
      [
        [
          'changed',
          'policy.rules[Approval_EndUser_Assignment].setting.approvalStages',
          [{ n: 1 }, { n: 2 }],
          [{ n: 2 }, { n: 1 }],
        ],
      ],
    ],
  ])('%s', (_name, dataset, before, after, expected) => {
    expect(changes(dataset, before, after)).toEqual(expected);
  });

  test('a method configuration of the authentication methods policy is named by its id', () => {
    const policy = {
      id: 'authenticationMethodsPolicy',
      lastModifiedDateTime: '2026-01-01T00:00:00Z',
      authenticationMethodConfigurations: [
        {
          '@odata.type': '#microsoft.graph.smsAuthenticationMethodConfiguration',
          id: 'Sms',
          state: 'disabled',
        },
        {
          '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration',
          id: 'Fido2',
          state: 'enabled',
        },
      ],
    };
    const after = edited(policy, (p: Obj) => {
      p.lastModifiedDateTime = '2026-11-21T00:00:00Z';
      p.authenticationMethodConfigurations.reverse();
      p.authenticationMethodConfigurations[1].state = 'enabled';
    });
    expect(changes('authenticationMethodsPolicy', policy, after)).toEqual([
      ['changed', 'authenticationMethodConfigurations[Sms].state', 'disabled', 'enabled'],
    ]);
  });
});

describe('the array-set diff', () => {
  const n = (v: unknown) => normalise(v, NO_RULES);
  test.each<[string, unknown, unknown, unknown[]]>([
    ['same members in another order', { s: ['b', 'a'] }, { s: ['a', 'b'] }, []],
    ['duplicates count once', { s: ['a', 'a'] }, { s: ['a'] }, []],
    ['a member added to an absent set', {}, { s: ['a'] }, [['added', 's', null, 'a']]],
    ['the last member removed', { s: ['a'] }, { s: [] }, [['removed', 's', 'a', null]]],
    [
      'numbers and strings are different members',
      { s: [1] },
      { s: ['1'] },
      [
        ['removed', 's', 1, null],
        ['added', 's', null, '1'],
      ],
    ],
    [
      'object members compare by content, not key order',
      { s: [{ a: 1, b: 2 }] },
      { s: [{ b: 2, a: 1 }] },
      [],
    ],
    [
      'objects with ids are keyed and recursed into',
      { s: [{ id: 'x', v: 1 }] },
      { s: [{ id: 'x', v: 2 }] },
      [['changed', 's[x].v', 1, 2]],
    ],
    ['a scalar becoming a set is one change', { s: 'a' }, { s: ['a'] }, [['changed', 's', 'a', ['a']]]],
  ])('%s', (_name, a, b, expected) => {
    expect(diffValues(n(a), n(b)).map((c) => [c.kind, c.path, c.before, c.after])).toEqual(expected);
  });
});
