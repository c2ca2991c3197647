import { describe, expect, test } from 'vitest';
import { AREAS } from '../../../analyse/posture/posture-types.ts';
import { FINDING_STATES } from '../../../present/http/analysis-schemas.ts';
import { SEVERITIES } from '../types.ts';
import {
  apiUrlOfView,
  choiceSummary,
  DEFAULT_VIEW,
  FINDING_AREAS,
  type FindingsView,
  MAX_TENANTS,
  pageCount,
  STATUS_CHOICES,
  searchOfView,
  statesOf,
  tenantChoices,
  toggled,
  viewFromSearch,
} from './findings-fns.ts';

const areas = FINDING_AREAS;
const read = (search: string) => viewFromSearch(new URLSearchParams(search), areas);
const GUID = '0b4f7a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const GUID2 = 'ffffffff-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

describe('the findings page address', () => {
  test('the areas are the posture engine’s and the states the API’s (the API refuses others)', () => {
    expect([...FINDING_AREAS]).toEqual([...AREAS]);
    const states = STATUS_CHOICES.flatMap((c) => c.states);
    expect(states.every((s) => (FINDING_STATES as readonly string[]).includes(s))).toBe(true);
    expect(new Set(states).size).toBe(states.length);
  });

  test.each<[string, Partial<FindingsView>]>([
    ['', {}],
    ['?severity=high', { severity: ['high'] }],
    ['?severity=low,critical', { severity: ['critical', 'low'] }],
    ['?severity=low&severity=critical,low', { severity: ['critical', 'low'] }],
    ['?severity=extreme', {}],
    ['?severity=high,extreme', { severity: ['high'] }],
    ['?area=conditionalAccess&status=accepted', { area: ['conditionalAccess'], status: ['accepted'] }],
    ['?area=guests,identity', { area: ['identity', 'guests'] }],
    ['?area=kitchen', {}],
    ['?status=any', { status: [] }],
    ['?status=bogus', {}],
    ['?status=', {}],
    ['?status=pass,fail', { status: ['fail', 'pass'] }],
    // addresses written before the chips: a status was a comma list of API states
    ['?status=fail,accepted', { status: ['fail', 'accepted'] }],
    ['?status=notApplicable,notLicensed,manual', { status: ['notApplicable'] }],
    ['?tenant=not-a-guid', {}],
    [`?tenant=${GUID}`, { tenants: [GUID] }],
    [`?tenant=${GUID.toUpperCase()},${GUID2},nope,${GUID}`, { tenants: [GUID, GUID2] }],
    [`?tenant=${GUID2}&tenant=${GUID}`, { tenants: [GUID2, GUID] }],
    ['?sort=tenant&dir=desc', { sort: { key: 'tenant', dir: 'desc' } }],
    ['?sort=colour&dir=up', {}],
    ['?page=3', { page: 2 }],
    ['?page=0', {}],
    ['?page=2.5', {}],
    ['?q=legacy%20auth', { q: 'legacy auth' }],
  ])('%s reads as the default view with %o', (search, want) => {
    expect(read(search)).toEqual({ ...DEFAULT_VIEW, ...want });
  });

  test.each<[Partial<FindingsView>, string]>([
    [{}, ''],
    [{ severity: ['high'], status: [] }, '?severity=high&status=any'],
    [
      { severity: ['critical', 'high'], area: ['identity', 'guests'] },
      '?severity=critical,high&area=identity,guests',
    ],
    [{ status: ['fail', 'accepted', 'notApplicable'] }, '?status=fail,accepted,notApplicable'],
    [{ q: '  mfa, legacy  ', page: 1 }, '?q=mfa,+legacy&page=2'],
    [{ sort: { key: 'since', dir: 'desc' } }, '?sort=since&dir=desc'],
    [{ tenants: [GUID2, GUID] }, `?tenant=${GUID2},${GUID}`],
  ])('the view %o is written %s, and reads back the same', (over, want) => {
    const view = { ...DEFAULT_VIEW, ...over };
    const search = searchOfView(view);
    expect(search).toBe(want);
    expect(read(search)).toEqual({ ...view, q: view.q.trim() });
  });

  test.each<[Partial<FindingsView>, string]>([
    [{}, '/api/findings?state=fail&sort=severity&dir=asc&limit=50&offset=0'],
    [{ status: [], page: 2 }, '/api/findings?sort=severity&dir=asc&limit=50&offset=100'],
    [
      {
        severity: ['critical'],
        area: ['guests'],
        tenants: ['t1', 't2'],
        q: 'a&b',
        sort: { key: 'tenant', dir: 'desc' },
      },
      '/api/findings?severity=critical&area=guests&state=fail&tenantId=t1,t2&q=a%26b&sort=tenant&dir=desc&limit=50&offset=0',
    ],
    [
      {
        severity: ['critical', 'high'],
        area: ['identity', 'sharing'],
        status: ['accepted', 'notApplicable'],
      },
      '/api/findings?severity=critical,high&area=identity,sharing&state=accepted,notApplicable,notLicensed,manual&sort=severity&dir=asc&limit=50&offset=0',
    ],
  ])('the view %o asks the API %s', (over, want) => {
    expect(apiUrlOfView({ ...DEFAULT_VIEW, ...over }, 50)).toBe(want);
  });

  test.each<[string[], string[]]>([
    [[], ['fail']],
    [
      ['fail', 'pass'],
      ['fail', 'pass'],
    ],
    [
      ['notApplicable', 'unknown'],
      ['unknown', 'notApplicable', 'notLicensed', 'manual'],
    ],
  ])('status chips %o stand for the API states %o', (chips, states) => {
    expect(statesOf(chips.length ? (chips as FindingsView['status']) : DEFAULT_VIEW.status)).toEqual(states);
  });

  test.each<[string[], string, string[]]>([
    [[], 'high', ['high']],
    [['low'], 'critical', ['critical', 'low']],
    [['critical', 'low'], 'critical', ['low']],
    [['medium'], 'medium', []],
  ])('ticking in %o the chip %s leaves %o, most severe first', (list, value, want) => {
    expect(toggled(list, value, SEVERITIES)).toEqual(want);
  });

  test.each<[string[], string]>([
    [[], 'Any area'],
    [['guests'], 'label of guests'],
    [['guests', 'identity', 'teams'], '3 areas'],
  ])('the areas %o read %s when folded', (chosen, want) => {
    expect(choiceSummary(chosen, (a) => `label of ${a}`, { any: 'Any area', many: 'areas' })).toBe(want);
  });

  test('an address naming more tenants than the API takes keeps the first ones', () => {
    const ids = Array.from(
      { length: MAX_TENANTS + 5 },
      (_, i) => `${String(i).padStart(8, '0')}${GUID.slice(8)}`,
    );
    expect(read(`?tenant=${ids.join(',')}`).tenants).toEqual(ids.slice(0, MAX_TENANTS));
  });

  const t = (id: string, displayName: string) => ({ id, displayName });
  const book = [
    t('a', 'Contoso'),
    t('b', 'Fabrikam'),
    t('c', 'Contoso Kids'),
    t('d', 'Adatum'),
    t('e', 'Northwind'),
  ];
  test.each<[string[], string, number, string[], number]>([
    [[], '', 50, ['Adatum', 'Contoso', 'Contoso Kids', 'Fabrikam', 'Northwind'], 0],
    [[], 'conTOSO', 50, ['Contoso', 'Contoso Kids'], 0],
    [[], 'zzz', 50, [], 0],
    [['e'], 'contoso', 50, ['Northwind', 'Contoso', 'Contoso Kids'], 0],
    [['b', 'e'], '', 3, ['Fabrikam', 'Northwind', 'Adatum'], 2],
    [['a', 'b', 'c'], '', 2, ['Contoso', 'Contoso Kids', 'Fabrikam'], 2],
  ])('chosen %o, text %s, at most %d: the picker lists %o and %d more', (chosen, text, max, names, more) => {
    const got = tenantChoices(book, chosen, text, max);
    expect(got.shown.map((x) => x.displayName)).toEqual(names);
    expect(got.more).toBe(more);
  });

  test.each([
    [0, 1],
    [50, 1],
    [51, 2],
    [1234, 25],
  ])('%d findings fill %d pages of 50', (total, pages) => {
    expect(pageCount(total, 50)).toBe(pages);
  });
});
