import { describe, expect, test } from 'vitest';
import { parsePath } from '../../../analyse/drift/paths.ts';
import { parseStandard } from '../../../analyse/drift/standard-schema.ts';
import { KINDS } from './kind-fns.ts';
import {
  type ConditionRow,
  documentToForm,
  formToDocument,
  isPath,
  jsonErrorWords,
  newCondition,
  newRule,
  parseDocumentText,
  readList,
  readScalar,
  rowMatcher,
  type StandardForm,
  scalarText,
  slugOf,
} from './standard-form-fns.ts';
import { RULE_TEMPLATES } from './standard-templates.ts';

const row = (path: string, op: ConditionRow['op'], value: string) => newCondition(path, op, value);

describe('the standard editor: values as typed', () => {
  test.each<[string, unknown]>([
    ['false', false],
    ['3', 3],
    ['enabled', 'enabled'],
    ['"true"', 'true'],
    ['  All ', 'All'],
    ['null', null],
  ])('the value %s reads as %o', (text, want) => {
    expect(readScalar(text)).toEqual(want);
  });

  test.each<[string, unknown]>([
    ['a, b', ['a', 'b']],
    ['exchangeActiveSync,other', ['exchangeActiveSync', 'other']],
    ['["a,b", 2]', ['a,b', 2]],
    ['[1,', null],
  ])('the list %s reads as %o', (text, want) => {
    expect(readList(text)).toEqual(want);
  });

  test.each<unknown>(['enabled', 'true', '', ' padded', 'a,b', 12, false, null, ['x']])(
    'the scalar %o is written so that it reads back the same',
    (v) => {
      expect(readScalar(scalarText(v))).toEqual(v);
    },
  );

  test.each<[ConditionRow, unknown]>([
    [row('isEnabled', 'equals', 'true'), { matcher: { equals: true } }],
    [
      row('x', 'oneOf', 'disabled, existingExternalUserSharingOnly'),
      { matcher: { oneOf: ['disabled', 'existingExternalUserSharingOnly'] } },
    ],
    [row('x', 'contains', 'mfa'), { matcher: { contains: 'mfa' } }],
    [row('x', 'excludes', 'a, b'), { matcher: { excludes: ['a', 'b'] } }],
    [row('x', 'min', '2,5'), { matcher: { min: 2.5 } }],
    [row('x', 'absent', 'false'), { matcher: { absent: false } }],
    [row('x', 'max', 'many'), { error: '“is at most” needs a number' }],
    [row('x', 'equals', ' '), { error: 'give the value it must have (write "" for empty text)' }],
    [row('x', 'oneOf', ''), { error: 'give at least one value' }],
  ])('the row %o becomes %o', (r, want) => {
    expect(rowMatcher(r)).toEqual(want);
  });

  test.each([
    'isEnabled',
    'conditions.users.includeUsers',
    'authenticationMethodConfigurations[Sms].state',
    'values[EnableGroupCreation].value',
    'a..b',
    '.a',
    'a[b',
    'a b.c',
  ])('%s is a path exactly when the analysis reads it as one', (p) => {
    expect(isPath(p)).toBe(!('error' in parsePath(p)));
  });

  test.each([
    ['MFA for all users', 'mfa-for-all-users'],
    ['  Blöcke: legacy/auth ', 'blocke-legacy-auth'],
    ['', ''],
  ])('the title “%s” gives the id “%s”', (title, id) => {
    expect(slugOf(title)).toBe(id);
  });
});

const form = (over: Partial<StandardForm> = {}): StandardForm => ({
  name: 'MSP standard',
  description: '',
  rules: [
    {
      ...newRule('securityDefaults'),
      title: 'Security defaults on',
      expect: [row('isEnabled', 'equals', 'true')],
    },
  ],
  ...over,
});

describe('the standard editor: the form into a document', () => {
  test('a filled form becomes a document the server accepts, the id made from the title', () => {
    const built = formToDocument(form());
    expect(built).toEqual({
      document: {
        format: 'tenantscope.standard/v1',
        name: 'MSP standard',
        rules: [
          {
            id: 'security-defaults-on',
            title: 'Security defaults on',
            severity: 'medium',
            objectKind: 'securityDefaults',
            expect: { isEnabled: { equals: true } },
          },
        ],
      },
    });
    if ('document' in built) expect(() => parseStandard(built.document)).not.toThrow();
  });

  test.each<[string, StandardForm, string[]]>([
    ['no name, no rule', form({ name: ' ', rules: [] }), ['Name the standard.', 'Add at least one rule.']],
    [
      'a rule without kind or setting',
      form({ rules: [newRule()] }),
      [
        'Rule 1: choose what kind of setting it checks.',
        'Rule 1: name at least one setting and the value it must have.',
      ],
    ],
    [
      'a bad path and a value that is not a number',
      form({
        rules: [
          {
            ...newRule('domain'),
            title: 'Domains',
            expect: [row('a..b', 'equals', '1'), row('passwordValidityPeriodInDays', 'max', 'ninety')],
          },
        ],
      }),
      [
        'Rule 1 (“Domains”), expect, row 1 (a..b): this is not a setting path (names joined by dots, list entries as list[key].name).',
        'Rule 1 (“Domains”), expect, row 2 (passwordValidityPeriodInDays): “is at most” needs a number.',
      ],
    ],
    [
      'two rules with one id',
      form({
        rules: [
          { ...newRule('securityDefaults'), id: 'sd', expect: [row('isEnabled', 'equals', 'true')] },
          { ...newRule('securityDefaults'), id: 'sd', expect: [row('isEnabled', 'equals', 'false')] },
        ],
      }),
      ['Rules 1 and 2 have the same id “sd”: give one another id.'],
    ],
    [
      'an id with a space',
      form({
        rules: [
          { ...newRule('securityDefaults'), id: 'my rule', expect: [row('isEnabled', 'equals', 'true')] },
        ],
      }),
      ['Rule 1: the id “my rule” may hold only letters, digits, “.”, “_” and “-”.'],
    ],
  ])('%s is refused in words naming the rule and row', (_n, f, errors) => {
    expect(formToDocument(f)).toEqual({ errors });
  });

  test('“only objects where” is kept for collections and dropped for a singleton', () => {
    const where = [row('isVerified', 'equals', 'true')];
    const built = formToDocument(
      form({
        rules: [
          { ...newRule('domain'), id: 'd', where, expect: [row('authenticationType', 'equals', 'Managed')] },
          { ...newRule('securityDefaults'), id: 's', where, expect: [row('isEnabled', 'equals', 'true')] },
        ],
      }),
    );
    expect('document' in built && built.document.rules.map((r) => [r.match, r.where])).toEqual([
      ['all', { isVerified: { equals: true } }],
      [undefined, undefined],
    ]);
  });

  test.each(RULE_TEMPLATES.map((t) => [t.title, t] as const))(
    'the common rule “%s” is valid for the server and survives the form unchanged',
    (_title, template) => {
      const doc = { format: 'tenantscope.standard/v1', name: 'T', rules: [template] };
      expect(() => parseStandard(doc)).not.toThrow();
      const parsed = documentToForm(doc);
      expect('form' in parsed).toBe(true);
      if (!('form' in parsed)) return;
      const back = formToDocument(parsed.form);
      const kind = KINDS.find((k) => k.kind === template.objectKind)!;
      expect(back).toEqual({
        document: {
          ...doc,
          rules: [
            { ...template, ...(kind.cardinality === 'many' ? { match: template.match ?? 'all' } : {}) },
          ],
        },
      });
    },
  );

  test.each([
    ['{"name": "x", "rules": [}', /^The JSON is not valid: Unexpected token '}' near: "rules": \[}\.$/],
    [
      '{\n  "a": 1,\n}',
      /^The JSON is not valid: Expected double-quoted property name at line 3, column 1\.$/,
    ],
    ['{\n  "name": "x",\n  "rules": 3\n}', /^rules must be a list\.$/],
    ['{"rules": [], "overrides": {}}', /^overrides are set per tenant/],
    ['{"format": "v0", "rules": []}', /^format must be "tenantscope\.standard\/v1"\.$/],
    [
      '{"rules": [{"id": "a", "objectKind": "domain", "expect": {"x": {"equals": 1, "min": 2}}}]}',
      /^rules\[0\]\.expect\.x must have exactly one of equals, oneOf/,
    ],
  ])('pasted JSON %s is refused with %s', (text, want) => {
    const parsed = parseDocumentText(text);
    expect('error' in parsed && parsed.error).toMatch(want);
  });

  test('a JSON syntax error names the line and column from the position', () => {
    expect(
      jsonErrorWords(
        '{\n  "a": ,\n}',
        'Unexpected token \',\', "{\n  "a": ,\n}" is not valid JSON at position 9',
      ),
    ).toMatch(/at line 2, column 8\.$/);
  });
});
