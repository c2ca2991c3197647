import { describe, expect, test } from 'vitest';
import { compareToStandard, parseStandard } from '../src/analyse/drift/index.ts';
import { filterSettings, type SettingEntry, tenantSettings } from '../src/analyse/drift/settings.ts';
import { caPolicy, failed, ok, snapshot } from './drift-helpers.ts';

const app = {
  id: 'app-1',
  appId: 'c0ffee00-0000-4000-8000-000000000001',
  displayName: 'Payroll sync',
  signInAudience: 'AzureADMyOrg',
  passwordCredentials: [
    {
      keyId: 'k1',
      displayName: 'client secret',
      hint: 'Q7x',
      secretText: 'Q7x~leaked',
      endDateTime: '2027-01-01',
    },
  ],
  keyCredentials: [{ keyId: 'k2', key: 'MIIBIjANBgkqhkiG9w0', type: 'AsymmetricX509Cert' }],
};

const snap = snapshot({
  securityDefaults: ok([{ id: '00000000-0000-0000-0000-000000000000', isEnabled: false, displayName: 'SD' }]),
  conditionalAccessPolicies: ok([caPolicy()]),
  authenticationMethodsPolicy: ok([
    {
      id: 'authenticationMethodsPolicy',
      authenticationMethodConfigurations: [
        { id: 'Sms', state: 'disabled' },
        { id: 'Fido2', state: 'enabled', isAttestationEnforced: true },
      ],
    },
  ]),
  groupSettings: ok([
    {
      id: 'gs-1',
      displayName: 'Group.Unified',
      values: [
        { name: 'EnableGroupCreation', value: 'false' },
        { name: 'AllowGuestsToAccessGroups', value: 'true' },
      ],
    },
  ]),
  applications: ok([app]),
  sharepointSettings: failed('forbidden'),
});

const { entries, kinds } = tenantSettings(snap);
const find = (kind: string, path: string) => entries.find((e) => e.kind === kind && e.path === path);

describe('a tenant’s settings, as standard rules address them', () => {
  test.each<[string, string, string, Partial<SettingEntry> | undefined]>([
    [
      'a singleton’s scalar is named by its kind, with no object id',
      'securityDefaults',
      'isEnabled',
      { value: false, valueType: 'boolean', objectName: 'Security defaults', objectId: undefined },
    ],
    [
      'a set reads as a sorted list',
      'conditionalAccessPolicy',
      'conditions.users.includeUsers',
      { value: ['All'], valueType: 'list', objectId: '6b5e999b-0ba8-4186-a106-e0296c1c4358' },
    ],
    [
      'a keyed list is walked into by its key',
      'authenticationMethodsPolicy',
      'authenticationMethodConfigurations[Fido2].isAttestationEnforced',
      { value: true, valueType: 'boolean' },
    ],
    [
      'group settings are keyed by name',
      'groupSetting',
      'values[EnableGroupCreation].value',
      { value: 'false', valueType: 'string', objectName: 'Group.Unified' },
    ],
    [
      'a collection’s id is itself a setting (rules select objects by it)',
      'application',
      'id',
      { value: 'app-1' },
    ],
    [
      'an empty set is nothing to list',
      'conditionalAccessPolicy',
      'conditions.users.excludeUsers',
      undefined,
    ],
    ['a volatile field is not listed', 'conditionalAccessPolicy', 'createdDateTime', undefined],
    [
      'a client secret’s text is never listed',
      'application',
      'passwordCredentials[k1].secretText',
      undefined,
    ],
    ['a client secret’s hint is never listed', 'application', 'passwordCredentials[k1].hint', undefined],
    ['certificate key material is never listed', 'application', 'keyCredentials[k2].key', undefined],
  ])('%s', (_name, kind, path, expected) => {
    const entry = find(kind, path);
    if (expected === undefined) expect(entry).toBeUndefined();
    else {
      expect(entry).toMatchObject(
        Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined)),
      );
      if ('objectId' in expected && expected.objectId === undefined)
        expect(entry).not.toHaveProperty('objectId');
    }
  });

  test('no listed value holds a secret, whatever its path', () => {
    const text = JSON.stringify(entries);
    for (const secret of ['Q7x~leaked', 'MIIBIjANBgkqhkiG9w0', '"Q7x"']) expect(text).not.toContain(secret);
  });

  test('a kind whose dataset was not read says why, and lists nothing', () => {
    expect(kinds.find((k) => k.kind === 'sharepointSettings')).toMatchObject({
      settings: 0,
      unavailable: expect.stringContaining('forbidden'),
    });
    expect(entries.some((e) => e.kind === 'sharepointSettings')).toBe(false);
    expect(kinds.find((k) => k.kind === 'conditionalAccessPolicy')).toMatchObject({ objects: 1 });
  });

  test('every entry, written as an "equals" rule on its object, holds: zero deviations', () => {
    const byObject = new Map<string, SettingEntry[]>();
    for (const e of entries) {
      const key = `${e.kind}\n${e.objectId ?? ''}`;
      byObject.set(key, [...(byObject.get(key) ?? []), e]);
    }
    const rules = [...byObject.values()].map((list, i) => ({
      id: `r${i}`,
      objectKind: list[0]!.kind,
      ...(list[0]!.objectId ? { where: { id: { equals: list[0]!.objectId } } } : {}),
      expect: Object.fromEntries(list.map((e) => [e.path, { equals: e.value }])),
    }));
    const report = compareToStandard(
      snap,
      parseStandard({ format: 'tenantscope.standard/v1', name: 'round trip', rules }),
    );
    expect(report.summary).toEqual({ pass: rules.length, deviation: 0, unknown: 0, skipped: 0 });
  });
});

describe('filtering the settings', () => {
  test.each<[string, Parameters<typeof filterSettings>[1], (e: SettingEntry) => boolean]>([
    ['by kind', { kind: 'groupSetting' }, (e) => e.kind === 'groupSetting'],
    ['by words in the path, any case', { q: 'ATTESTATION' }, (e) => e.path.includes('isAttestationEnforced')],
    ['by the object’s name', { q: 'group.unified' }, (e) => e.objectName === 'Group.Unified'],
    ['by the value', { q: 'AzureADMyOrg' }, (e) => e.value === 'AzureADMyOrg'],
    [
      'every word must match somewhere',
      { q: 'values enablegroupcreation' },
      (e) => e.path === 'values[EnableGroupCreation].value' || e.path === 'values[EnableGroupCreation].name',
    ],
    ['nothing given keeps everything', {}, () => true],
  ])('%s', (_name, filter, expected) => {
    const got = filterSettings(entries, filter);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(entries.filter(expected));
  });
});
