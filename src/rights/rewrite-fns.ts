/**
 * Finding and removing a person in stored objects. Pure: values in, new values out; an input is
 * never mutated, and a value that does not name the person comes back as the very same reference
 * (so "did anything change" is `out !== in`).
 *
 * The rule, everywhere:
 * - an object that *is* the person, or a record of their own activity, is removed: their user
 *   object, their sign-in activity, MFA registration and risk rows (matched by `id`), their
 *   sign-ins (`userId`), their usage-report row (`User Principal Name`);
 * - anywhere else a reference to them is replaced by a fixed placeholder (rights-types.ts), so the
 *   object around it keeps its shape and its counts: a group still has as many members, a
 *   Conditional Access policy still excludes one user, an audit record still says a user acted.
 *   A sub-object that names them (a member entry, an audit actor or target, an app role or role
 *   assignment to them) has its name, address and IP fields replaced too; an assignment matched by
 *   `principalId` also has its own `id` replaced, since Graph derives those ids from the principal.
 */
import type { ItemRelation, Matcher, Placeholders } from './rights-types.ts';

type Obj = Record<string, unknown>;

/** Keys that hold a person's name, address or IP inside an object that refers to them. */
const NAME_KEYS = new Set([
  'displayName',
  'userDisplayName',
  'principalDisplayName',
  'givenName',
  'surname',
  'Display Name',
]);
const ADDRESS_KEYS = new Set(['userPrincipalName', 'mail', 'email', 'User Principal Name']);
const IP_KEYS = new Set(['ipAddress']);
/** Keys whose value, when it is the person's id, makes the object a reference to them. */
const PRINCIPAL_KEYS = ['userId', 'principalId'] as const;

/** Keys (beyond `id` and `parentId`) that make a top-level item of a dataset the person's own. */
const SELF_KEYS: Record<string, readonly string[]> = {
  signIns: ['userId'],
  office365ActiveUserDetail: ['User Principal Name'],
};

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === 'string';

/** Whether a top-level item of `dataset` is the person, or a record of their own. */
export function isSelf(dataset: string, item: unknown, m: Matcher): boolean {
  if (!isObj(item)) return false;
  if (str(item.id) && m.is(item.id)) return true;
  // a relation whose parent is the person (none today; a per-user relation would be theirs whole)
  if (str(item.parentId) && m.is(item.parentId)) return true;
  return (SELF_KEYS[dataset] ?? []).some((k) => str(item[k]) && m.is(item[k] as string));
}

/** How an object refers to the person: by its own id, as the principal of an assignment, by address. */
function referenceOf(o: Obj, m: Matcher): 'id' | 'principal' | 'address' | undefined {
  if (str(o.id) && m.is(o.id)) return 'id';
  if (PRINCIPAL_KEYS.some((k) => str(o[k]) && m.is(o[k] as string))) return 'principal';
  for (const k of ADDRESS_KEYS) if (str(o[k]) && m.is(o[k] as string)) return 'address';
  return undefined;
}

/** A string field of an object that refers to the person. */
function personalValue(key: string, value: string, ref: string, m: Matcher, ph: Placeholders): string {
  if (NAME_KEYS.has(key)) return value === '' ? value : ph.name;
  if (ADDRESS_KEYS.has(key)) return ph.address;
  if (IP_KEYS.has(key)) return ph.ip;
  if (key === 'id' && ref === 'principal') return ph.id;
  return m.replaceIn(value, ph);
}

/** Any value with every reference to the person replaced; the same reference when none. */
export function scrub(value: unknown, m: Matcher, ph: Placeholders): unknown {
  if (str(value)) return m.replaceIn(value, ph);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = scrub(value[i], m, ph);
      if (next !== value[i]) {
        out ??= value.slice();
        out[i] = next;
      }
    }
    return out ?? value;
  }
  if (isObj(value)) return scrubObject(value, m, ph);
  return value;
}

function scrubObject(o: Obj, m: Matcher, ph: Placeholders): Obj {
  const ref = referenceOf(o, m);
  const keys = Object.keys(o);
  // built only once something changes: most objects name nobody, and a sync runs every one through
  let entries: [string, unknown][] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = o[key];
    const next = ref && str(value) ? personalValue(key, value, ref, m, ph) : scrub(value, m, ph);
    // keys are ids too, now and then (a map keyed by user id)
    const nextKey = m.replaceIn(key, ph);
    if (!entries && (next !== value || nextKey !== key)) entries = keys.slice(0, i).map((k) => [k, o[k]]);
    entries?.push([nextKey, next]);
  }
  return entries ? Object.fromEntries(entries) : o;
}

/** Any placeholders do for a yes/no probe; nothing probed is kept. */
const PROBE: Placeholders = { id: '\u0000', address: '\u0000', name: '\u0000', ip: '\u0000' };

/** Whether a value names the person anywhere (as `scrub` would find them). */
export const mentions = (value: unknown, m: Matcher): boolean => scrub(value, m, PROBE) !== value;

/** How a top-level item of a dataset stands to the person. */
export function relationOf(dataset: string, item: unknown, m: Matcher): ItemRelation {
  if (isSelf(dataset, item, m)) return 'self';
  return mentions(item, m) ? 'mention' : 'none';
}

export interface RewriteResult {
  items: unknown[];
  removed: number;
  changed: number;
}

/** One chunk (or one page) of a dataset without the person: theirs removed, references replaced. */
export function rewriteItems(dataset: string, items: readonly unknown[], m: Matcher, ph: Placeholders) {
  const out: unknown[] = [];
  let removed = 0;
  let changed = 0;
  for (const item of items) {
    if (isSelf(dataset, item, m)) {
      removed++;
      continue;
    }
    const next = scrub(item, m, ph);
    if (next !== item) changed++;
    out.push(next);
  }
  return { items: out, removed, changed } satisfies RewriteResult;
}

/**
 * What an export shows of an item that mentions the person: for a relation (`{ parentId, items }`)
 * only the children that name them, so a group's other members are not listed; otherwise the item.
 */
export function mentionView(item: unknown, m: Matcher): unknown {
  if (isObj(item) && str(item.parentId) && Array.isArray(item.items)) {
    return { ...item, items: item.items.filter((child) => mentions(child, m)) };
  }
  return item;
}

// ---- stored analysis results ----------------------------------------------------------------

export interface EvidenceItem {
  type: string;
  id: string;
  name?: string;
  properties?: Record<string, unknown>;
}

/** An evidence item about the person (their user, or them as an assignment's principal). */
export function isEvidenceOf(item: EvidenceItem, m: Matcher): boolean {
  return (str(item.id) && m.is(item.id)) || (str(item.name) && m.is(item.name));
}

/**
 * A finding's evidence without the person. Items about them are removed; others keep their place
 * with references replaced. `total` is kept: it counts the objects that failed the check when it
 * was evaluated (the person was one), it agrees with the summary sentence ("3 users…"), and it is
 * not personal data. Lists then show "… 1 more" for the removed item, which is true.
 */
export function rewriteEvidence(
  evidence: { items: EvidenceItem[]; total: number },
  m: Matcher,
  ph: Placeholders,
): { evidence: { items: EvidenceItem[]; total: number }; removed: number; changed: boolean } {
  const items: EvidenceItem[] = [];
  let removed = 0;
  let changed = false;
  for (const item of evidence.items) {
    if (isEvidenceOf(item, m)) {
      removed++;
      continue;
    }
    const next = scrub(item, m, ph) as EvidenceItem;
    if (next !== item) changed = true;
    items.push(next);
  }
  return { evidence: { items, total: evidence.total }, removed, changed: changed || removed > 0 };
}

/** The parts of a drift event (stored row or JSON in a baseline comparison) the rule reads. */
export interface EventParts {
  objectId: string;
  objectName: string;
  before: unknown;
  after: unknown;
  attribution: unknown;
  actorLabel?: string;
}

/**
 * `about`: the change concerns the person (their assignment, them added to a policy's exclusions,
 * a member set gaining them) — such an event is deleted. `by`: they made it (the audit record the
 * attribution came from names them) — the event stays, attributed to the placeholder.
 */
export function eventRelation(e: EventParts, m: Matcher): { about: boolean; by: boolean } {
  const about =
    m.is(e.objectId) ||
    m.replaceIn(e.objectName, PROBE) !== e.objectName ||
    m.mentionsName(e.objectName) ||
    scrub(e.before, m, PROBE) !== e.before ||
    scrub(e.after, m, PROBE) !== e.after;
  const label = e.actorLabel ?? '';
  const by =
    scrub(e.attribution, m, PROBE) !== e.attribution ||
    (label !== '' && (m.is(label) || m.mentionsName(label)));
  return { about, by };
}

/** The attribution and actor label of an event the person made, with the placeholder in their place. */
export function anonymiseActor(e: EventParts, m: Matcher, ph: Placeholders) {
  const attribution = scrubActor(e.attribution, m, ph);
  const label = e.actorLabel ?? '';
  const actorLabel = label !== '' && (m.is(label) || m.mentionsName(label)) ? ph.name : label;
  return { attribution, actorLabel };
}

/** An attribution's actor may carry only a display name; once the record is theirs, it goes too. */
function scrubActor(attribution: unknown, m: Matcher, ph: Placeholders): unknown {
  const out = scrub(attribution, m, ph);
  if (!isObj(out) || !isObj(out.actor)) return out;
  const name = out.actor.displayName;
  if (str(name) && m.mentionsName(name)) return { ...out, actor: { ...out.actor, displayName: ph.name } };
  return out;
}

/** A drift summary (`{ added, removed, changed, attributed, unknown }`) less the events removed. */
export function summaryWithout(
  summary: Record<string, number>,
  removed: readonly { kind: string; attribution: unknown }[],
): Record<string, number> {
  const out = { ...summary };
  for (const e of removed) {
    if (typeof out[e.kind] === 'number') out[e.kind] = Math.max(0, out[e.kind]! - 1);
    const known = isObj(e.attribution) && e.attribution.actor !== 'unknown';
    const key = known ? 'attributed' : 'unknown';
    if (typeof out[key] === 'number') out[key] = Math.max(0, out[key]! - 1);
  }
  return out;
}

/** A list of plain strings (break-glass accounts) without the entries naming the person. */
export function withoutEntries(list: readonly string[], m: Matcher): string[] {
  return list.filter((entry) => !m.is(entry));
}

/** Free text someone typed (a reason, a note): identifiers and the person's names replaced. */
export function scrubNote(text: string, m: Matcher, ph: Placeholders): string {
  return m.replaceNames(m.replaceIn(text, ph), ph.name);
}

/** A drift event as JSON (a baseline comparison's `events`, an alert payload's `events`). */
export function eventPartsOf(e: unknown): EventParts | undefined {
  if (!isObj(e)) return undefined;
  const label = str(e.actorLabel) ? e.actorLabel : str(e.actor) ? e.actor : undefined;
  return {
    objectId: str(e.objectId) ? e.objectId : '',
    objectName: str(e.objectName) ? e.objectName : '',
    before: e.before,
    after: e.after,
    attribution: e.attribution,
    ...(label !== undefined ? { actorLabel: label } : {}),
  };
}

/**
 * A list of drift events without the person: events about them removed, events by them
 * attributed to the placeholder, anything else naming them scrubbed. Returns the removed events
 * too, so a stored summary can be lowered by them.
 */
export function rewriteEventList(events: readonly unknown[], m: Matcher, ph: Placeholders) {
  const kept: unknown[] = [];
  const removed: { kind: string; attribution: unknown }[] = [];
  let changed = 0;
  for (const e of events) {
    const parts = eventPartsOf(e);
    if (!parts) {
      kept.push(e);
      continue;
    }
    const rel = eventRelation(parts, m);
    if (rel.about) {
      removed.push({ kind: String((e as Obj).kind), attribution: parts.attribution });
      continue;
    }
    let next = e as Obj;
    if (rel.by) {
      const anon = anonymiseActor(parts, m, ph);
      next = { ...next, attribution: anon.attribution };
      if (str(next.actor)) next.actor = anon.actorLabel;
      if (str(next.actorLabel)) next.actorLabel = anon.actorLabel;
    }
    next = scrub(next, m, ph) as Obj;
    if (next !== e) changed++;
    kept.push(next);
  }
  return { events: kept, removed, changed };
}
