import { SEVERITIES } from '../types.ts';
import type { Dir, SortState } from './table-fns.ts';

/**
 * The cross-tenant findings page keeps its filters, sort and page in the address
 * (`/findings?severity=high&sort=tenant`), so "back" from a finding returns to the same list.
 * Filtering, sorting and paging happen on the server (`GET /api/findings`): an MSP with hundreds
 * of tenants has tens of thousands of findings.
 */
export type FindingSortKey = 'severity' | 'tenant' | 'check' | 'area' | 'state' | 'since';
export const FINDING_SORT_KEYS: readonly FindingSortKey[] = [
  'severity',
  'tenant',
  'check',
  'area',
  'state',
  'since',
];

/** Posture areas, as `AREAS` in src/analyse/posture/posture-types.ts (the API refuses others; a test compares). */
export const FINDING_AREAS = [
  'tenant',
  'identity',
  'conditionalAccess',
  'rolesPim',
  'appsConsent',
  'authMethods',
  'guests',
  'groups',
  'sharing',
  'teams',
  'licences',
] as const;

/** Status choices: each is a `state` filter of the API ('' = any state). */
export const STATUS_CHOICES = [
  ['fail', 'Failing'],
  ['accepted', 'Accepted'],
  ['fail,accepted', 'Failing or accepted'],
  ['pass', 'Passing'],
  ['unknown', 'Cannot tell'],
  ['notApplicable,notLicensed,manual', 'Not applicable or manual'],
  ['', 'Any state'],
] as const;

export interface FindingsView {
  severity: string;
  area: string;
  status: string;
  tenantId: string;
  q: string;
  sort: SortState<FindingSortKey>;
  page: number;
}

export const DEFAULT_VIEW: FindingsView = {
  severity: '',
  area: '',
  status: 'fail',
  tenantId: '',
  q: '',
  sort: { key: 'severity', dir: 'asc' },
  page: 0,
};

const STATUS_VALUES = new Set<string>(STATUS_CHOICES.map(([v]) => v));
const GUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

/** The view an address names; anything unknown falls back to the default, never to an error page. */
export function viewFromSearch(search: URLSearchParams, areas: readonly string[]): FindingsView {
  const pick = (name: string, ok: (v: string) => boolean, fallback: string) => {
    const v = search.get(name);
    return v !== null && ok(v) ? v : fallback;
  };
  const key = pick('sort', (v) => (FINDING_SORT_KEYS as readonly string[]).includes(v), 'severity');
  const page = Number(search.get('page') ?? '1');
  return {
    severity: pick('severity', (v) => (SEVERITIES as string[]).includes(v), ''),
    area: pick('area', (v) => areas.includes(v), ''),
    // the empty status ("any state") is written `any` in the address
    status:
      search.get('status') === 'any'
        ? ''
        : pick('status', (v) => v !== '' && STATUS_VALUES.has(v), DEFAULT_VIEW.status),
    tenantId: pick('tenant', (v) => GUID.test(v), ''),
    q: (search.get('q') ?? '').slice(0, 200),
    sort: { key: key as FindingSortKey, dir: search.get('dir') === 'desc' ? 'desc' : 'asc' },
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page - 1 : 0,
  };
}

/** The address of a view: only what differs from the default, so plain /findings stays plain. */
export function searchOfView(v: FindingsView): string {
  const p = new URLSearchParams();
  if (v.severity) p.set('severity', v.severity);
  if (v.area) p.set('area', v.area);
  if (v.status !== DEFAULT_VIEW.status) p.set('status', v.status === '' ? 'any' : v.status);
  if (v.tenantId) p.set('tenant', v.tenantId);
  if (v.q.trim()) p.set('q', v.q.trim());
  if (v.sort.key !== 'severity' || v.sort.dir !== 'asc') {
    p.set('sort', v.sort.key);
    p.set('dir', v.sort.dir);
  }
  if (v.page > 0) p.set('page', String(v.page + 1));
  const text = p.toString();
  return text ? `?${text}` : '';
}

/** The API request of a view: one page of `pageSize` rows. */
export function apiUrlOfView(v: FindingsView, pageSize: number): string {
  const p = new URLSearchParams();
  if (v.severity) p.set('severity', v.severity);
  if (v.area) p.set('area', v.area);
  if (v.status) p.set('state', v.status);
  if (v.tenantId) p.set('tenantId', v.tenantId);
  if (v.q.trim()) p.set('q', v.q.trim());
  p.set('sort', v.sort.key);
  p.set('dir', v.sort.dir);
  p.set('limit', String(pageSize));
  p.set('offset', String(v.page * pageSize));
  return `/api/findings?${p.toString()}`;
}

/** Most severe, A–Z and oldest first on a first click. */
export const findingFirstDir = (_key: FindingSortKey): Dir => 'asc';

/** How many pages `total` rows fill (at least one, so "page 1 of 1" reads right when empty). */
export const pageCount = (total: number, pageSize: number) => Math.max(1, Math.ceil(total / pageSize));
