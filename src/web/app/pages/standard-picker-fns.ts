/**
 * "Take values from a tenant" in the standard editor: the tenant's current settings
 * (`GET /api/tenants/:id/settings`, the paths and normalised values the evaluator compares)
 * grouped for browsing, and one picked setting turned into a row of the rule. A value is written
 * as the text the form reads back to the same JSON (`matcherRow`), so a rule made of picked rows
 * holds for the tenant it was taken from.
 */
import { type Formats, formatNumber } from '../format.ts';
import { kindLabel } from './kind-fns.ts';
import { type ConditionRow, matcherRow, newCondition, type RuleForm } from './standard-form-fns.ts';

export interface TenantSetting {
  kind: string;
  objectId?: string;
  objectName: string;
  path: string;
  value: unknown;
  valueType: 'string' | 'number' | 'boolean' | 'list';
}

export interface SettingKind {
  kind: string;
  label: string;
  cardinality: 'one' | 'many';
  objects: number;
  settings: number;
  matching: number;
  unavailable?: string;
}

export interface SettingsPage {
  snapshotId: string;
  collectedAt: string;
  total: number;
  offset: number;
  truncated: boolean;
  settings: TenantSetting[];
  kinds: SettingKind[];
}

export const PICK_PAGE = 100;

export function settingsUrl(tenantId: string, query: { kind: string; q: string; offset: number }): string {
  const p = new URLSearchParams();
  if (query.kind) p.set('kind', query.kind);
  if (query.q.trim()) p.set('q', query.q.trim());
  p.set('limit', String(PICK_PAGE));
  if (query.offset) p.set('offset', String(query.offset));
  return `/api/tenants/${encodeURIComponent(tenantId)}/settings?${p}`;
}

export interface SettingGroup {
  kind: string;
  label: string;
  objects: { objectId: string | undefined; objectName: string; settings: TenantSetting[] }[];
}

/** Settings by kind, then object, in the order the API gave them (kind order, object name, path). */
export function groupSettings(settings: readonly TenantSetting[]): SettingGroup[] {
  const groups: SettingGroup[] = [];
  for (const s of settings) {
    let g = groups.at(-1);
    if (g?.kind !== s.kind) {
      g = { kind: s.kind, label: kindLabel(s.kind), objects: [] };
      groups.push(g);
    }
    let o = g.objects.at(-1);
    if (!o || o.objectId !== s.objectId) {
      o = { objectId: s.objectId, objectName: s.objectName, settings: [] };
      g.objects.push(o);
    }
    o.settings.push(s);
  }
  return groups;
}

/** The value as the editor's value box holds it: `false`, `enabled`, `["All"]`. */
export const valueText = (value: unknown): string => matcherRow('x', { equals: value })?.value ?? '';

/** Where a picked setting goes: a new row (expected settings, or conditions), or an existing expect row. */
export type PickTarget = { to: 'expect' } | { to: 'where' } | { to: 'row'; key: number };

/** The row set to the picked path and value; its comparison is kept when it can hold the value. */
function filled(row: ConditionRow, s: TenantSetting): ConditionRow {
  const keep =
    row.op === 'equals' ||
    row.op === 'contains' ||
    row.op === 'excludes' ||
    (row.op === 'oneOf' && s.valueType !== 'list') ||
    ((row.op === 'min' || row.op === 'max') && s.valueType === 'number');
  const op = keep ? row.op : 'equals';
  const made = matcherRow(s.path, { [op]: op === 'oneOf' ? [s.value] : s.value });
  return { ...row, path: s.path, op, value: made?.value ?? valueText(s.value) };
}

/** A new row: the row already naming this path is filled, else the first empty one, else one is added. */
function placed(rows: ConditionRow[], s: TenantSetting): ConditionRow[] {
  const same = rows.findIndex((r) => r.path.trim() === s.path);
  if (same >= 0) return rows.map((r, k) => (k === same ? filled(r, s) : r));
  const empty = rows.findIndex((r) => !r.path.trim() && !r.value.trim());
  const row = newCondition(s.path, 'equals', valueText(s.value));
  if (empty < 0) return [...rows, row];
  return rows.map((r, k) => (k === empty ? { ...row, key: r.key } : r));
}

/**
 * The change to a rule when a setting is picked, or why it cannot be: a rule checks one kind, and
 * an empty rule takes the kind of the first setting picked into it.
 */
export function applyPick(
  rule: RuleForm,
  s: TenantSetting,
  target: PickTarget,
): { patch: Partial<RuleForm> } | { error: string } {
  if (rule.objectKind && rule.objectKind !== s.kind)
    return {
      error: `This rule checks ${kindLabel(rule.objectKind)}; ${s.path} is a setting of ${kindLabel(s.kind)}.`,
    };
  const kind = rule.objectKind ? {} : { objectKind: s.kind };
  if (target.to === 'where') return { patch: { ...kind, where: placed(rule.where, s) } };
  if (target.to === 'expect') return { patch: { ...kind, expect: placed(rule.expect, s) } };
  if (!rule.expect.some((r) => r.key === target.key)) return { error: 'That row was removed.' };
  return { patch: { ...kind, expect: rule.expect.map((r) => (r.key === target.key ? filled(r, s) : r)) } };
}

/** What the page says once a setting is picked, for people who do not see the row appear. */
export function pickedWords(s: TenantSetting, target: PickTarget, ruleNumber: number): string {
  const what = `${s.path} = ${valueText(s.value)}`;
  if (target.to === 'where') return `Added “${what}” to rule ${ruleNumber}, only objects where.`;
  if (target.to === 'expect') return `Added “${what}” to rule ${ruleNumber}, expected settings.`;
  return `Filled the row with “${what}” in rule ${ruleNumber}.`;
}

/** "Settings 1–100 of 1,486" in the browser's locale. */
export function rangeWords(
  page: Pick<SettingsPage, 'offset' | 'total' | 'settings'>,
  f: Formats = { locale: undefined, timeZone: undefined },
): string {
  if (page.total === 0) return 'No setting';
  const n = (x: number) => formatNumber(x, f);
  const last = page.offset + page.settings.length;
  return `Settings ${n(page.offset + 1)}–${n(last)} of ${n(page.total)}`;
}

/** Why the list is empty, in words: nothing matches the words, or the kind was not read. */
export function emptyWords(page: SettingsPage, query: { kind: string; q: string }): string {
  const kind = query.kind ? page.kinds.find((k) => k.kind === query.kind) : undefined;
  if (kind?.unavailable) return `${kind.label} could not be read in this snapshot (${kind.unavailable}).`;
  if (query.q.trim()) return `No setting matches “${query.q.trim()}”${kind ? ` in ${kind.label}` : ''}.`;
  if (kind) return `This tenant has no ${kind.label} settings.`;
  return 'This tenant’s snapshot holds no tracked settings.';
}
