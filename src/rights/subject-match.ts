/**
 * Matching a person's identifiers in stored data. Pure: no I/O.
 *
 * Identifiers are Entra object ids (GUIDs) and addresses (UPNs, mail). Whole values are compared
 * case-insensitively; inside longer text they are found as tokens — a GUID, or an address-shaped
 * word — so `["alice@contoso.com"]` in an audit record's modified property is found, while
 * "Alice" in a sentence is not (names are matched only where a field is known to hold one).
 *
 * Three matchers share that token rule:
 * - `plainMatcher(subject)`: the person's identifiers in clear, for an erasure or an export
 *   happening now;
 * - `hashedMatcher(msTenantId, hashes)`: the tenant's erasure list, which keeps only hashes, for
 *   a sync that must not store an erased person again;
 * - `othersMatcher(subject, peopleIds)`: everyone *but* the person, to redact other people from
 *   what an export shows.
 */
import { createHash } from 'node:crypto';
import type { Matcher, Subject } from './rights-types.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * A GUID, or an address: local part (RFC 5322 atext, including `#` of guest UPNs such as
 * `alice_fabrikam.com#EXT#@contoso.onmicrosoft.com`) @ a domain ending in a letter or digit.
 */
const TOKEN =
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9._%+\-'#!$&*=?^~]+@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?/gi;

export const isGuid = (value: string): boolean => GUID.test(value);
const isAddress = (value: string): boolean => value.includes('@');

/**
 * The kind of a person reference the caller gave: an object id, or an address. Anything else is
 * not a way Tenantscope can find a person.
 */
export function referenceKind(who: string): 'objectId' | 'address' | undefined {
  const v = who.trim();
  if (isGuid(v)) return 'objectId';
  if (/^[^\s@]+@[^\s@]+$/.test(v)) return 'address';
  return undefined;
}

/**
 * The hash kept in the erasure list for one identifier: SHA-256 over a version tag, the Microsoft
 * tenant id and the lower-cased identifier. The tenant id separates tenants (one list cannot be
 * matched against another tenant's people); the hash keeps the list from disclosing who was erased
 * to anyone who does not already hold the tenant's directory (docs/data-handling.md says so).
 */
export function identifierHash(microsoftTenantId: string, identifier: string): string {
  return createHash('sha256')
    .update(`tenantscope.erasure/v1\n${microsoftTenantId.toLowerCase()}\n${identifier.trim().toLowerCase()}`)
    .digest('hex');
}

/** The subject's identifiers, each hashed for the erasure list. */
export function subjectHashes(microsoftTenantId: string, subject: Subject): string[] {
  return [...new Set([...subject.objectIds, ...subject.addresses])].map((i) =>
    identifierHash(microsoftTenantId, i),
  );
}

/** Builds a matcher from a whole-value test; tokens inside text are tested the same way. */
function tokenMatcher(is: (lower: string) => boolean, names: readonly string[] = []): Matcher {
  const test = (value: string) => is(value.trim().toLowerCase());
  return {
    is: test,
    replaceIn(text, ph) {
      // Cheap rejection first: a token needs a hyphen (GUID) or an at sign (address).
      if (!text.includes('@') && !text.includes('-')) return text;
      let changed = false;
      const out = text.replace(TOKEN, (token) => {
        if (!test(token)) return token;
        changed = true;
        return isGuid(token) ? ph.id : ph.address;
      });
      return changed ? out : text;
    },
    mentionsName: (text) => names.some((n) => nameAt(text, n, 0) >= 0),
    replaceNames: (text, replacement) => names.reduce((out, n) => replaceName(out, n, replacement), text),
  };
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * Where a display name occurs as whole words, from `from`: "Tenant Admin" is in "Tenant Admin:
 * User.Read" but not in "Tenant Admins", so a group named after a role is not taken for a person.
 */
function nameAt(text: string, name: string, from: number): number {
  for (let i = text.indexOf(name, from); i >= 0; i = text.indexOf(name, i + 1)) {
    const before = text[i - 1];
    const after = text[i + name.length];
    if ((before === undefined || !WORD_CHAR.test(before)) && (after === undefined || !WORD_CHAR.test(after)))
      return i;
  }
  return -1;
}

function replaceName(text: string, name: string, replacement: string): string {
  let out = text;
  for (let i = nameAt(out, name, 0); i >= 0; i = nameAt(out, name, i + replacement.length))
    out = out.slice(0, i) + replacement + out.slice(i + name.length);
  return out;
}

/** The person's identifiers in clear. */
export function plainMatcher(subject: Subject): Matcher {
  const known = new Set([...subject.objectIds, ...subject.addresses].map((v) => v.toLowerCase()));
  // A name shorter than 3 characters would match inside too many words to mean the person.
  const names = subject.names.filter((n) => n.trim().length >= 3);
  return tokenMatcher((v) => known.has(v), names);
}

/**
 * The erasure list's hashes. Only GUID- or address-shaped values are hashed (nothing else can
 * match), and each distinct token once per matcher: a sync meets the same ids many times.
 */
export function hashedMatcher(microsoftTenantId: string, hashes: Iterable<string>): Matcher {
  const wanted = new Set(hashes);
  const seen = new Map<string, boolean>();
  return tokenMatcher((v) => {
    if (wanted.size === 0 || !(isGuid(v) || isAddress(v))) return false;
    let hit = seen.get(v);
    if (hit === undefined) {
      hit = wanted.has(identifierHash(microsoftTenantId, v));
      // bounded: a 100,000-user tenant has a few hundred thousand distinct tokens at most
      if (seen.size > 500_000) seen.clear();
      seen.set(v, hit);
    }
    return hit;
  });
}

/**
 * Everyone but the person: any address that is not theirs, and the object id of any other user
 * the snapshots hold. Ids of groups, roles, apps and policies are not people and stay readable.
 */
export function othersMatcher(subject: Subject, peopleIds: ReadonlySet<string>): Matcher {
  const theirs = new Set([...subject.objectIds, ...subject.addresses].map((v) => v.toLowerCase()));
  return tokenMatcher((v) => !theirs.has(v) && (isAddress(v) || peopleIds.has(v)));
}

/** Lower-case needles for a fast "could this text name the person at all" test before parsing. */
export function needlesOf(subject: Subject): string[] {
  return [...new Set([...subject.objectIds, ...subject.addresses].map((v) => v.toLowerCase()))];
}

/** Whether raw text (a decompressed chunk, a JSON column) contains any needle. */
export function mayMention(text: string, needles: readonly string[]): boolean {
  if (needles.length === 0) return false;
  const lower = text.toLowerCase();
  return needles.some((n) => lower.includes(n));
}
