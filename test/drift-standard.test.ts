import { describe, expect, test } from 'vitest';
import { compareToStandard, parseStandard, parseStandardText } from '../src/analyse/drift/index.ts';
import { caPolicy, failed, ok, snapshot, TENANT } from './drift-helpers.ts';

const rule = (r: Record<string, unknown>) => ({
  id: 'r1',
  objectKind: 'securityDefaults',
  expect: { isEnabled: { equals: true } },
  ...r,
});
const doc = (over: Record<string, unknown> = {}) => ({
  format: 'tenantscope.standard/v1',
  name: 'Baseline',
  rules: [rule({})],
  ...over,
});

describe('the standard file is validated, with the path of the first problem', () => {
  test.each<[string, unknown, string]>([
    ['another format', doc({ format: 'v0' }), 'format must be "tenantscope.standard/v1"'],
    ['no rules', doc({ rules: [] }), 'rules'],
    [
      'an unknown object kind',
      doc({ rules: [rule({ objectKind: 'mailbox' })] }),
      'rules[0].objectKind must be one of',
    ],
    [
      'a matcher with two comparisons',
      doc({ rules: [rule({ expect: { isEnabled: { equals: true, absent: false } } })] }),
      'rules[0].expect.isEnabled must have exactly one of',
    ],
    [
      'an unknown matcher',
      doc({ rules: [rule({ expect: { isEnabled: { is: true } } })] }),
      'rules[0].expect.isEnabled',
    ],
    [
      'a malformed path',
      doc({ rules: [rule({ expect: { 'a..b': { equals: 1 } } })] }),
      'rules[0].expect.a..b is not a property path',
    ],
    [
      '"any" on a singleton',
      doc({ rules: [rule({ match: 'any' })] }),
      'rules[0].match must be "one" for securityDefaults',
    ],
    ['a duplicated rule id', doc({ rules: [rule({}), rule({})] }), 'rules[1].id is used twice'],
    [
      'an override of a rule that does not exist',
      doc({ overrides: { [TENANT]: { nope: { skip: true, reason: 'x' } } } }),
      `overrides.${TENANT}.nope names no rule`,
    ],
    [
      'an override without a reason',
      doc({ overrides: { [TENANT]: { r1: { skip: true } } } }),
      `overrides.${TENANT}.r1.reason`,
    ],
    ['an unknown top-level field', doc({ extra: 1 }), 'extra'],
  ])('%s', (_name, document, message) => {
    expect(() => parseStandard(document, 'std.json')).toThrowError(
      expect.objectContaining({ code: 'TS_ERR_STANDARD_INVALID', message: expect.stringContaining(message) }),
    );
  });

  test('text that is not JSON is refused with the same code', () => {
    expect(() => parseStandardText('{', 'std.json')).toThrowError(
      expect.objectContaining({
        code: 'TS_ERR_STANDARD_INVALID',
        message: expect.stringContaining('not valid JSON'),
      }),
    );
  });
});

describe('comparing a snapshot with a standard', () => {
  const s = snapshot({
    securityDefaults: ok([{ id: '00000000-0000-0000-0000-000000000005', isEnabled: false }]),
    conditionalAccessPolicies: ok([
      caPolicy({ state: 'enabled', grantControls: { operator: 'OR', builtInControls: ['mfa'] } }),
    ]),
    sharepointSettings: failed('forbidden'),
    domains: ok([
      {
        id: 'contoso.com',
        isVerified: true,
        passwordValidityPeriodInDays: 2147483647,
        supportedServices: ['Email'],
      },
      { id: 'old.contoso.com', isVerified: false, passwordValidityPeriodInDays: 90, supportedServices: [] },
    ]),
  });
  const result = (r: Record<string, unknown>, overrides?: Record<string, unknown>) =>
    compareToStandard(
      s,
      parseStandard(doc({ rules: [rule(r)], ...(overrides ? { overrides: { [TENANT]: overrides } } : {}) })),
    ).results[0]!;

  test.each<[string, Record<string, unknown>, string]>([
    ['a singleton property that differs deviates', {}, 'deviation'],
    [
      '"any": a CA policy requiring MFA for all users exists',
      {
        objectKind: 'conditionalAccessPolicy',
        match: 'any',
        expect: {
          'conditions.users.includeUsers': { contains: 'All' },
          'grantControls.builtInControls': { contains: ['mfa'] },
        },
      },
      'pass',
    ],
    [
      '"any": no CA policy blocks legacy authentication',
      {
        objectKind: 'conditionalAccessPolicy',
        match: 'any',
        expect: { 'conditions.clientAppTypes': { contains: ['exchangeActiveSync', 'other'] } },
      },
      'deviation',
    ],
    [
      '"all" with "where": verified domains never expire passwords',
      {
        objectKind: 'domain',
        match: 'all',
        where: { isVerified: { equals: true } },
        expect: { passwordValidityPeriodInDays: { min: 2147483647 } },
      },
      'pass',
    ],
    [
      '"all" without "where" counts the unverified domain too',
      { objectKind: 'domain', match: 'all', expect: { passwordValidityPeriodInDays: { min: 2147483647 } } },
      'deviation',
    ],
    [
      'an empty set is absent',
      {
        objectKind: 'domain',
        match: 'all',
        where: { isVerified: { equals: false } },
        expect: { supportedServices: { absent: true } },
      },
      'pass',
    ],
    [
      'excludes passes on an absent set',
      {
        objectKind: 'conditionalAccessPolicy',
        match: 'all',
        expect: { 'conditions.users.excludeUsers': { excludes: 'u-1' } },
      },
      'pass',
    ],
    [
      'a dataset that was not read is unknown, never pass',
      { objectKind: 'sharepointSettings', expect: { sharingCapability: { equals: 'disabled' } } },
      'unknown',
    ],
  ])('%s', (_name, r, status) => {
    expect(result(r).status).toBe(status);
  });

  test('a deviation says what was expected and what was found', () => {
    expect(result({}).deviations).toEqual([
      {
        objectKind: 'securityDefaults',
        objectName: 'Security defaults',
        path: 'isEnabled',
        expected: { equals: true },
        actual: false,
      },
    ]);
  });

  test('a tenant override replaces the expectation and is marked', () => {
    const r = result({}, { r1: { expect: { isEnabled: { equals: false } }, reason: 'uses CA instead' } });
    expect(r).toMatchObject({ status: 'pass', overridden: true });
  });

  test('a tenant override can skip a rule, with its reason', () => {
    expect(result({}, { r1: { skip: true, reason: 'customer-specific' } })).toMatchObject({
      status: 'skipped',
      reason: 'customer-specific',
    });
  });

  test('overrides of another tenant do not apply', () => {
    const std = parseStandard(doc({ overrides: { 'another-tenant': { r1: { skip: true, reason: 'x' } } } }));
    expect(compareToStandard(s, std).results[0]).toMatchObject({ status: 'deviation', overridden: false });
  });
});
