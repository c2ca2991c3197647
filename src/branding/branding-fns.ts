/**
 * A workspace's branding: defaults, the rules for each field, merging a change, and the From an
 * email of the workspace goes out with. Pure: no I/O.
 */

/** Tenantscope's own accent (src/web/app/styles.css `--accent`), until a workspace picks one. */
export const DEFAULT_ACCENT = '#2457c5';

export const BRANDING_LIMITS = { displayName: 80, footerText: 200, senderName: 64 } as const;

export const ACCENT_PATTERN = /^#[0-9a-fA-F]{6}$/;

/** Control characters (line breaks included): never in a name shown on a report or put in a header. */
export const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;

/** The stored fields people edit; `null` means "the default". */
export interface BrandingFields {
  displayName: string | null;
  accentColor: string;
  footerText: string | null;
  senderName: string | null;
}

export const DEFAULT_BRANDING: BrandingFields = {
  displayName: null,
  accentColor: DEFAULT_ACCENT,
  footerText: null,
  senderName: null,
};

/** A change from the API: only the fields given change; `null` (or an empty text) means "back to the default". */
export type BrandingChange = { [K in keyof BrandingFields]?: string | null };

export function applyBrandingChange(before: BrandingFields, change: BrandingChange): BrandingFields {
  const text = (v: string | null | undefined, old: string | null) =>
    v === undefined ? old : v === null || v.trim() === '' ? null : v.trim();
  const accent = change.accentColor;
  return {
    displayName: text(change.displayName, before.displayName),
    accentColor:
      accent === undefined ? before.accentColor : accent === null ? DEFAULT_ACCENT : accent.toLowerCase(),
    footerText: text(change.footerText, before.footerText),
    senderName: text(change.senderName, before.senderName),
  };
}

/** The fields whose value changed, with before and after, for the audit entry. */
export function brandingDiff(
  before: BrandingFields,
  after: BrandingFields,
): Record<string, { before: string | null; after: string | null }> {
  const out: Record<string, { before: string | null; after: string | null }> = {};
  for (const key of Object.keys(after) as (keyof BrandingFields)[])
    if (before[key] !== after[key]) out[key] = { before: before[key], after: after[key] };
  return out;
}

/**
 * The From of a workspace's email: the configured address (never changed: SPF, DKIM and DMARC
 * are set up for it) with the workspace's sender name, when it has one. Line breaks and other
 * control characters are dropped again here, whatever was stored, because the name becomes a
 * header; nodemailer quotes or encodes the name (RFC 5322 quoted-string, RFC 2047 for non-ASCII).
 */
export function senderFrom(
  configuredFrom: string,
  senderName: string | null,
): string | { name: string; address: string } {
  const name = (senderName ?? '')
    .replace(new RegExp(CONTROL_CHARACTERS.source, 'gu'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!name) return configuredFrom;
  return { name: name.slice(0, BRANDING_LIMITS.senderName), address: addressOf(configuredFrom) };
}

/** `Name <a@b>` → `a@b`; a bare address stays as it is. */
export function addressOf(from: string): string {
  return (/<([^<>]+)>\s*$/.exec(from)?.[1] ?? from).trim();
}
