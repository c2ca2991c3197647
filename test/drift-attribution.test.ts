import { describe, expect, test } from 'vitest';
import { diffSnapshots } from '../src/analyse/drift/index.ts';
import { caPolicy, failed, ok, snapshot, T0, T1 } from './drift-helpers.ts';

/** A directoryAudit shaped like graph/examples/directoryAudits.list.json. */
function audit(o: {
  target: string;
  at?: string;
  activity?: string;
  operationType?: string;
  result?: string;
  by?: { upn: string } | { appId: string; name: string };
  modified?: { displayName: string; oldValue: string | null; newValue: string | null }[];
}) {
  const by = o.by ?? { upn: 'admin@contoso.com' };
  return {
    id: `Directory_${Math.random().toString(36).slice(2)}`,
    category: 'Policy',
    correlationId: 'da159bfb-54fa-4092-8a38-8c1bf2b58d1b',
    result: o.result ?? 'success',
    resultReason: '',
    activityDisplayName: o.activity ?? 'Update conditional access policy',
    activityDateTime: o.at ?? '2026-11-20T12:00:00.000Z',
    loggedByService: 'Conditional Access',
    operationType: o.operationType ?? 'Update',
    initiatedBy:
      'upn' in by
        ? {
            app: null,
            user: { id: 'u-admin', displayName: null, userPrincipalName: by.upn, ipAddress: '127.0.0.1' },
          }
        : {
            user: null,
            app: {
              appId: by.appId,
              displayName: by.name,
              servicePrincipalId: 'sp-1',
              servicePrincipalName: null,
            },
          },
    targetResources: [
      {
        id: o.target,
        displayName: 'x',
        type: 'Policy',
        userPrincipalName: null,
        groupType: null,
        modifiedProperties: o.modified ?? [],
      },
    ],
    additionalDetails: [],
  };
}

const before = caPolicy();
const after = caPolicy({ state: 'enabled' });
const whole = (a: unknown, b: unknown) => [
  { displayName: 'ConditionalAccessPolicy', oldValue: JSON.stringify(a), newValue: JSON.stringify(b) },
];
const POLICY = String(before.id);

function attributionOf(audits: unknown[] | 'notLicensed', from = T0, to = T1) {
  const report = diffSnapshots(
    snapshot({ conditionalAccessPolicies: ok([before]) }, from),
    snapshot(
      {
        conditionalAccessPolicies: ok([after]),
        directoryAudits: audits === 'notLicensed' ? failed('notLicensed') : ok(audits),
      },
      to,
    ),
  );
  expect(report.events).toHaveLength(1);
  return report.events[0]!.attribution;
}

describe('attribution from the directory audit log', () => {
  test.each<[string, unknown[], Record<string, unknown>]>([
    [
      'the record names the object and logs the property change: high',
      [audit({ target: POLICY, modified: whole(before, after) })],
      { confidence: 'high', actor: { type: 'user', userPrincipalName: 'admin@contoso.com' } },
    ],
    [
      'the record logs another property of the object: medium (update activity)',
      [audit({ target: POLICY, modified: whole(before, caPolicy({ displayName: 'x' })) })],
      { confidence: 'medium' },
    ],
    [
      'the record names no property: medium',
      [audit({ target: POLICY })],
      { confidence: 'medium', activity: 'Update conditional access policy' },
    ],
    [
      'a delete of the same object cannot explain a property change: low',
      [audit({ target: POLICY, activity: 'Delete conditional access policy', operationType: 'Delete' })],
      { confidence: 'low' },
    ],
    [
      'a Core Directory per-property entry naming the property: high',
      [
        audit({
          target: POLICY,
          modified: [
            {
              displayName: 'State',
              oldValue: '["enabledForReportingButNotEnforced"]',
              newValue: '["enabled"]',
            },
          ],
        }),
      ],
      { confidence: 'high' },
    ],
    [
      'an app actor is named by display name and appId',
      [audit({ target: POLICY, by: { appId: 'app-9', name: 'Automation' } })],
      { actor: { type: 'app', appId: 'app-9', displayName: 'Automation', servicePrincipalId: 'sp-1' } },
    ],
    [
      'the later of two equally good records wins, the other is counted',
      [
        audit({ target: POLICY, at: '2026-11-20T10:00:00.000Z', by: { upn: 'first@contoso.com' } }),
        audit({ target: POLICY, at: '2026-11-20T11:00:00.000Z', by: { upn: 'second@contoso.com' } }),
      ],
      { actor: { userPrincipalName: 'second@contoso.com' }, otherCandidates: 1 },
    ],
    [
      'a property match beats a later record without one',
      [
        audit({
          target: POLICY,
          at: '2026-11-20T10:00:00.000Z',
          by: { upn: 'changer@contoso.com' },
          modified: whole(before, after),
        }),
        audit({
          target: POLICY,
          at: '2026-11-20T11:00:00.000Z',
          by: { upn: 'viewer@contoso.com' },
          modified: whole(after, caPolicy({ state: 'enabled', displayName: 'y' })),
        }),
      ],
      { actor: { userPrincipalName: 'changer@contoso.com' }, confidence: 'high' },
    ],
  ])('%s', (_name, audits, expected) => {
    expect(attributionOf(audits)).toMatchObject(expected);
  });

  test.each<[string, unknown[] | 'notLicensed', string, string?]>([
    ['no record at all', [], 'noRecord'],
    ['a record of another object only', [audit({ target: 'another-policy' })], 'noRecord'],
    ['a record before the window', [audit({ target: POLICY, at: '2026-11-19T12:00:00.000Z' })], 'noRecord'],
    ['a failed operation on the object', [audit({ target: POLICY, result: 'failure' })], 'noRecord'],
    [
      'a record dated after the later snapshot started',
      [audit({ target: POLICY, at: '2026-11-21T08:00:05.000Z' })],
      'recordAfterSnapshot',
    ],
    ['the audit log was not licensed', 'notLicensed', 'auditLogNotAvailable'],
    ['a window longer than the audit log holds', [], 'beyondRetention', '2026-09-01T00:00:00.000Z'],
  ])('%s: the actor is unknown, with the reason', (_name, audits, reason, from) => {
    expect(attributionOf(audits, from ?? T0)).toMatchObject({ actor: 'unknown', reason });
  });

  test('a role member added is attributed to "Add member to role" naming that user', () => {
    const role = {
      id: 'role-1',
      displayName: 'Global Administrator',
      roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
    };
    const members = (ids: string[]) => ok([{ parentId: 'role-1', items: ids.map((id) => ({ id })) }]);
    const record = audit({
      target: 'u-new',
      activity: 'Add member to role',
      operationType: 'Assign',
      modified: [{ displayName: 'Role.DisplayName', oldValue: null, newValue: '"Global Administrator"' }],
    });
    const report = diffSnapshots(
      snapshot({ directoryRoles: ok([role]), directoryRoleMembers: members(['u-1']) }, T0),
      snapshot(
        {
          directoryRoles: ok([role]),
          directoryRoleMembers: members(['u-1', 'u-new']),
          directoryAudits: ok([record]),
        },
        T1,
      ),
    );
    expect(report.events).toMatchObject([
      {
        kind: 'added',
        objectKind: 'directoryRoleMembers',
        objectName: 'Global Administrator',
        path: 'members',
        after: 'u-new',
        attribution: { confidence: 'medium', activity: 'Add member to role' },
      },
    ]);
  });

  test('a new policy is attributed to its Add record with high confidence', () => {
    const record = audit({
      target: POLICY,
      activity: 'Add conditional access policy',
      operationType: 'Add',
      modified: [
        { displayName: 'ConditionalAccessPolicy', oldValue: null, newValue: JSON.stringify(before) },
      ],
    });
    const report = diffSnapshots(
      snapshot({ conditionalAccessPolicies: ok([]) }, T0),
      snapshot({ conditionalAccessPolicies: ok([before]), directoryAudits: ok([record]) }, T1),
    );
    expect(report.events).toMatchObject([{ kind: 'added', path: '', attribution: { confidence: 'high' } }]);
  });
});
