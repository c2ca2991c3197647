import { describe, expect, it } from 'vitest';
import { GraphQueryError } from './errors.ts';
import { evaluateFilter, filterUses, parseFilter } from './odata-filter.ts';

const user = {
  id: 'u1',
  displayName: 'Megan Bowen',
  userType: 'Member',
  accountEnabled: true,
  createdDateTime: '2021-03-04T10:11:12Z',
  mail: 'MeganB@contoso.com',
  assignedLicenses: [{ skuId: 'c7df2760-2c81-4ef7-b578-5b5392b571df', disabledPlans: [] }],
  signInActivity: { lastSignInDateTime: '2025-05-12T08:15:31Z' },
  groupTypes: ['Unified'],
};

describe('$filter evaluation', () => {
  it.each([
    ["userType eq 'Member'", true],
    ["userType eq 'member'", true], // the directory compares strings case-insensitively
    ["userType ne 'Member'", false],
    ['accountEnabled eq true', true],
    ['accountEnabled eq false', false],
    ["startsWith(displayName,'meg')", true],
    ["endsWith(mail,'@contoso.com')", true],
    ['createdDateTime ge 2021-01-01T00:00:00Z', true],
    ['createdDateTime lt 2021-01-01T00:00:00Z', false],
    ['signInActivity/lastSignInDateTime le 2025-06-01T00:00:00Z', true],
    ['signInActivity/lastSignInDateTime le 2025-01-01T00:00:00Z', false],
    ['assignedLicenses/any(x:x/skuId eq c7df2760-2c81-4ef7-b578-5b5392b571df)', true],
    ['assignedLicenses/any(x:x/skuId eq 00000000-0000-0000-0000-000000000000)', false],
    ['assignedLicenses/any()', true],
    ["groupTypes/any(c:c eq 'Unified')", true],
    ["not(userType eq 'Guest')", true],
    ["userType eq 'Guest' or accountEnabled eq true", true],
    ["userType eq 'Guest' and accountEnabled eq true", false],
    ["(userType eq 'Member') and (startsWith(displayName,'x') or accountEnabled eq true)", true],
    ["id in ('u0','u1')", true],
    ['assignedLicenses/$count eq 1', true],
    ['jobTitle eq null', true],
    ["displayName eq 'O''Brien'", false],
  ])('%s → %s', (filter, expected) => {
    expect(evaluateFilter(parseFilter(filter), user)).toBe(expected);
  });

  it.each(["userType eq 'Member' and", 'userType', "foo bar 'x'", "startsWith(displayName 'x')", 'a eq (b'])(
    'rejects malformed %s with a 400',
    (filter) => {
      let error: unknown;
      try {
        parseFilter(filter);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GraphQueryError);
      expect((error as GraphQueryError).status).toBe(400);
    },
  );

  it('reports lambda body paths under their collection', () => {
    const uses = filterUses(
      parseFilter('assignedLicenses/any(x:x/skuId eq c7df2760-2c81-4ef7-b578-5b5392b571df)'),
    );
    expect(uses.map((u) => `${u.path.join('/')}:${u.op}`)).toEqual([
      'assignedLicenses:any',
      'assignedLicenses/skuId:eq',
    ]);
  });
});
