import { SEVERITIES, type Severity } from '../types.ts';
import type { Dir, SortState } from './table-fns.ts';

/**
 * The cross-tenant findings page keeps its filters, sort and page in the address
 * (`/findings?severity=critical,high&status=fail,accepted&sort=tenant`): each change is a history
 * entry, so back and forward step through the views, and "back" from a finding returns to the list.
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

/**
 * Status choices, each a chip on the page and a set of the API's `state` values. Chosen together,
 * their states add up; none chosen is any state (`status=any` in the address).
 */
export const STATUS_CHOICES = [
  { key: 'fail', label: 'Failing', states: ['fail'] },
  { key: 'accepted', label: 'Accepted', states: ['accepted'] },
  { key: 'pass', label: 'Passing', states: ['pass'] },
  { key: 'unknown', label: 'Cannot tell', states: ['unknown'] },
  {
    key: 'notApplicable',
    label: 'Not applicable or manual',
    states: ['notApplicable', 'notLicensed', 'manual'],
  },
] as const;
export type StatusKey = (typeof STATUS_CHOICES)[number]['key'];
export const STATUS_KEYS: readonly StatusKey[] = STATUS_CHOICES.map((c) => c.key);
/** States an older address may name that belong to a chip of another name. */
const STATUS_ALIASES: Record<string, StatusKey> = { notLicensed: 'notApplicable', manual: 'notApplicable' };

export interface FindingsView {
  /** chosen severities, most severe first; none is any severity */
  severity: Severity[];
  /** chosen areas, in FINDING_AREAS order; none is any area */
  area: string[];
  /** chosen status chips, in STATUS_CHOICES order; none is any state */
  status: StatusKey[];
  /** chosen tenant ids (lower case), as the address lists them (a tick keeps them A–Z by name); none is every tenant */
  tenants: string[];
  q: string;
  sort: SortState<FindingSortKey>;
  page: number;
}

export const DEFAULT_VIEW: FindingsView = {
  severity: [],
  area: [],
  status: ['fail'],
  tenants: [],
  q: '',
  sort: { key: 'severity', dir: 'asc' },
  page: 0,
};

const GUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

/**
 * The values of a list parameter, comma-separated or repeated (`a,b` or `x=a&x=b`, as the API
 * takes them), kept only when `allowed`, once each and in `allowed`'s order.
 */
export function listParam<T extends string>(
  search: URLSearchParams,
  name: string,
  allowed: readonly T[],
  aliases: Record<string, T> = {},
): T[] {
  const given = new Set(
    search
      .getAll(name)
      .flatMap((v) => v.split(','))
      .map((v) => aliases[v.trim()] ?? v.trim()),
  );
  return allowed.filter((v) => given.has(v));
}

/** The most tenants one view may name, as the API takes (`GET /api/findings?tenantId=`). */
export const MAX_TENANTS = 200;

/** The address's tenant ids (`tenant=a,b` or repeated): well-formed ones only, once each. */
function tenantsParam(search: URLSearchParams): string[] {
  const ids = search
    .getAll('tenant')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter((v) => GUID.test(v));
  return [...new Set(ids)].slice(0, MAX_TENANTS);
}

/** The view an address names; anything unknown falls back to the default, never to an error page. */
export function viewFromSearch(search: URLSearchParams, areas: readonly string[]): FindingsView {
  const sortKey = search.get('sort');
  const key = (FINDING_SORT_KEYS as readonly string[]).includes(sortKey ?? '') ? sortKey : 'severity';
  const page = Number(search.get('page') ?? '1');
  const status = listParam(search, 'status', STATUS_KEYS, STATUS_ALIASES);
  return {
    severity: listParam(search, 'severity', SEVERITIES),
    area: listParam(search, 'area', areas),
    // the empty status ("any state") is written `any`; nothing known falls back to failing
    status: search.get('status') === 'any' ? [] : status.length > 0 ? status : DEFAULT_VIEW.status,
    tenants: tenantsParam(search),
    q: (search.get('q') ?? '').slice(0, 200),
    sort: { key: key as FindingSortKey, dir: search.get('dir') === 'desc' ? 'desc' : 'asc' },
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page - 1 : 0,
  };
}

/** Query text with its list commas left readable (`severity=critical,high`); they parse back the same. */
const queryText = (p: URLSearchParams) => p.toString().replaceAll('%2C', ',');
const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** The address of a view: only what differs from the default, so plain /findings stays plain. */
export function searchOfView(v: FindingsView): string {
  const p = new URLSearchParams();
  if (v.severity.length) p.set('severity', v.severity.join(','));
  if (v.area.length) p.set('area', v.area.join(','));
  if (!sameList(v.status, DEFAULT_VIEW.status)) p.set('status', v.status.length ? v.status.join(',') : 'any');
  if (v.tenants.length) p.set('tenant', v.tenants.join(','));
  if (v.q.trim()) p.set('q', v.q.trim());
  if (v.sort.key !== 'severity' || v.sort.dir !== 'asc') {
    p.set('sort', v.sort.key);
    p.set('dir', v.sort.dir);
  }
  if (v.page > 0) p.set('page', String(v.page + 1));
  const text = queryText(p);
  return text ? `?${text}` : '';
}

/** The API states a view's status chips stand for. */
export const statesOf = (status: readonly StatusKey[]): string[] =>
  STATUS_CHOICES.filter((c) => status.includes(c.key)).flatMap((c) => c.states);

/** The API request of a view: one page of `pageSize` rows. */
export function apiUrlOfView(v: FindingsView, pageSize: number): string {
  const p = new URLSearchParams();
  if (v.severity.length) p.set('severity', v.severity.join(','));
  if (v.area.length) p.set('area', v.area.join(','));
  if (v.status.length) p.set('state', statesOf(v.status).join(','));
  if (v.tenants.length) p.set('tenantId', v.tenants.join(','));
  if (v.q.trim()) p.set('q', v.q.trim());
  p.set('sort', v.sort.key);
  p.set('dir', v.sort.dir);
  p.set('limit', String(pageSize));
  p.set('offset', String(v.page * pageSize));
  return `/api/findings?${queryText(p)}`;
}

/** `list` with `value` added or taken away, kept in `order`'s order (so addresses stay stable). */
export function toggled<T extends string>(list: readonly T[], value: T, order: readonly T[]): T[] {
  const next = list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
  return order.filter((v) => next.includes(v));
}

/** What a folded multi-choice says when closed: "Any area", its one choice, or "3 areas". */
export function choiceSummary(
  chosen: readonly string[],
  label: (value: string) => string,
  words: { any: string; many: string },
): string {
  if (chosen.length === 0) return words.any;
  if (chosen.length === 1) return label(chosen[0]!);
  return `${chosen.length} ${words.many}`;
}

/**
 * The tenants a tenant picker lists for `text`: names containing it (case-insensitive), A–Z, at
 * most `max`; chosen tenants always come first, whatever the text, so they can be unticked.
 * `more` is how many further names match: the picker says so instead of listing hundreds.
 */
export function tenantChoices<T extends { id: string; displayName: string }>(
  tenants: readonly T[],
  chosen: readonly string[],
  text: string,
  max = 50,
): { shown: T[]; more: number } {
  const needle = text.trim().toLocaleLowerCase();
  const byName = (a: T, b: T) => a.displayName.localeCompare(b.displayName);
  const isChosen = (t: T) => chosen.includes(t.id.toLowerCase());
  const picked = tenants.filter(isChosen).sort(byName);
  const matching = tenants
    .filter((t) => !isChosen(t) && t.displayName.toLocaleLowerCase().includes(needle))
    .sort(byName);
  const room = Math.max(max - picked.length, 0);
  return { shown: [...picked, ...matching.slice(0, room)], more: Math.max(matching.length - room, 0) };
}

/** Most severe, A–Z and oldest first on a first click. */
export const findingFirstDir = (_key: FindingSortKey): Dir => 'asc';

/** How many pages `total` rows fill (at least one, so "page 1 of 1" reads right when empty). */
export const pageCount = (total: number, pageSize: number) => Math.max(1, Math.ceil(total / pageSize));
