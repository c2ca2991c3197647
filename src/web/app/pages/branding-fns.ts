import { formatNumber } from '../format.ts';

/** `GET /api/branding` */
export interface Branding {
  displayName: string | null;
  accentColor: string;
  footerText: string | null;
  senderName: string | null;
  defaults: { displayName: string; accentColor: string };
  logo: { type: string; width: number; height: number; sha256: string; url: string } | null;
  limits: {
    displayName: number;
    footerText: number;
    senderName: number;
    logoBytes: number;
    logoPixels: number;
  };
  updatedBy: string | null;
  updatedAt: string | null;
}

export type BrandingField = 'displayName' | 'accentColor' | 'footerText' | 'senderName';
export type BrandingDraft = Record<BrandingField, string>;

export const BRANDING_ROWS: { field: Exclude<BrandingField, 'accentColor'>; label: string; hint: string }[] =
  [
    { field: 'displayName', label: 'Name on reports', hint: 'Empty: the workspace name.' },
    { field: 'footerText', label: 'Report footer', hint: 'One short line at the foot of every report.' },
    {
      field: 'senderName',
      label: 'Email sender name',
      hint: 'The name your emails come from (invitations, alerts). The address stays the server’s.',
    },
  ];

const HEX = /^#[0-9a-fA-F]{6}$/;
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

export function draftOf(b: Branding): BrandingDraft {
  return {
    displayName: b.displayName ?? '',
    accentColor: b.accentColor,
    footerText: b.footerText ?? '',
    senderName: b.senderName ?? '',
  };
}

/**
 * The fields that differ from what is saved (an emptied text is `null`: back to its default),
 * or the first problem in words.
 */
export function brandingChanges(
  saved: Branding,
  draft: BrandingDraft,
): { changes: Partial<Record<BrandingField, string | null>> } | { error: string } {
  const colour = draft.accentColor.trim();
  if (!HEX.test(colour)) return { error: 'Accent colour: give a colour as #rrggbb, for example #2457c5.' };
  const changes: Partial<Record<BrandingField, string | null>> = {};
  if (colour.toLowerCase() !== saved.accentColor) changes.accentColor = colour.toLowerCase();
  for (const row of BRANDING_ROWS) {
    const text = draft[row.field].trim();
    const max = saved.limits[row.field];
    if (text.length > max) return { error: `${row.label}: at most ${max} characters (now ${text.length}).` };
    if (CONTROL.test(text)) return { error: `${row.label}: one line, without line breaks.` };
    const value = text === '' ? null : text;
    if (value !== saved[row.field]) changes[row.field] = value;
  }
  return { changes };
}

/** What a report header would show with the draft: defaults fill what is empty or not yet valid. */
export function previewOf(saved: Branding, draft: BrandingDraft) {
  const colour = draft.accentColor.trim();
  return {
    name: draft.displayName.trim() || saved.defaults.displayName,
    accent: HEX.test(colour) ? colour.toLowerCase() : saved.accentColor,
    footer: draft.footerText.trim(),
  };
}

/** Black or white, whichever reads better on the accent (WCAG relative luminance). */
export function textOn(accent: string): '#000000' | '#ffffff' {
  const channel = (i: number) => {
    const c = Number.parseInt(accent.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  // contrast with white (1.05 / (L + 0.05)) beats contrast with black ((L + 0.05) / 0.05) below L ≈ 0.179
  return luminance > 0.179 ? '#000000' : '#ffffff';
}

const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

/**
 * A first look at a chosen file, to answer at once; the server checks the bytes themselves.
 * Returns the problem in words, or null.
 */
export function logoFileProblem(
  file: { name: string; size: number; type: string },
  maxBytes: number,
): string | null {
  if (file.type === 'image/svg+xml' || /\.svg$/i.test(file.name))
    return 'SVG logos are not accepted: they can carry scripts. Export the logo as PNG or WebP.';
  if (file.type && !LOGO_TYPES.includes(file.type)) return 'Choose a PNG, JPEG or WebP image.';
  if (file.size === 0) return 'That file is empty.';
  if (file.size > maxBytes)
    return `The logo is ${formatNumber(Math.ceil(file.size / 1024))} KB; the most is ${formatNumber(maxBytes / 1024)} KB.`;
  return null;
}
