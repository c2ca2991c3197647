import { describe, expect, test } from 'vitest';
import {
  type Branding,
  brandingChanges,
  draftOf,
  logoFileProblem,
  previewOf,
  textOn,
} from './branding-fns.ts';

const saved: Branding = {
  displayName: null,
  accentColor: '#2457c5',
  footerText: 'Confidential',
  senderName: null,
  defaults: { displayName: 'Fabrikam Partners', accentColor: '#2457c5' },
  logo: null,
  limits: { displayName: 80, footerText: 200, senderName: 64, logoBytes: 262144, logoPixels: 1024 },
  updatedBy: null,
  updatedAt: null,
};
const draft = (over: Partial<ReturnType<typeof draftOf>>) => ({ ...draftOf(saved), ...over });

describe('the branding form', () => {
  test.each([
    ['nothing typed changes nothing', {}, { changes: {} }],
    ['a colour is sent lower-case', { accentColor: '#AA0000' }, { changes: { accentColor: '#aa0000' } }],
    ['a name is trimmed', { displayName: '  Contoso IT ' }, { changes: { displayName: 'Contoso IT' } }],
    ['an emptied footer goes back to none', { footerText: '  ' }, { changes: { footerText: null } }],
    [
      'a colour name is refused',
      { accentColor: 'red' },
      { error: 'Accent colour: give a colour as #rrggbb, for example #2457c5.' },
    ],
    [
      'a footer over the limit is refused with its length',
      { footerText: 'x'.repeat(201) },
      { error: 'Report footer: at most 200 characters (now 201).' },
    ],
    [
      'a line break in the sender name is refused',
      { senderName: 'Contoso\nBcc: x@example.com' },
      { error: 'Email sender name: one line, without line breaks.' },
    ],
  ])('%s', (_name, over, expected) => {
    expect(brandingChanges(saved, draft(over))).toEqual(expected);
  });

  test.each([
    [
      'the workspace name and saved colour while empty',
      {},
      { name: 'Fabrikam Partners', accent: '#2457c5', footer: 'Confidential' },
    ],
    [
      'what is typed',
      { displayName: 'Contoso', accentColor: '#00FF00' },
      { name: 'Contoso', accent: '#00ff00', footer: 'Confidential' },
    ],
    [
      'the saved colour while the typed one is half done',
      { accentColor: '#00f' },
      { name: 'Fabrikam Partners', accent: '#2457c5', footer: 'Confidential' },
    ],
  ])('the preview shows %s', (_name, over, expected) => {
    expect(previewOf(saved, draft(over))).toEqual(expected);
  });

  test.each([
    ['#2457c5', '#ffffff'],
    ['#ffd700', '#000000'],
    ['#000000', '#ffffff'],
    ['#ffffff', '#000000'],
  ])('text on %s is %s', (accent, text) => {
    expect(textOn(accent)).toBe(text);
  });

  test.each([
    [{ name: 'logo.png', size: 2000, type: 'image/png' }, null],
    [{ name: 'logo.webp', size: 2000, type: '' }, null],
    [
      { name: 'logo.svg', size: 2000, type: 'image/svg+xml' },
      'SVG logos are not accepted: they can carry scripts. Export the logo as PNG or WebP.',
    ],
    [{ name: 'logo.gif', size: 2000, type: 'image/gif' }, 'Choose a PNG, JPEG or WebP image.'],
    [{ name: 'big.png', size: 300 * 1024, type: 'image/png' }, 'The logo is 300 KB; the most is 256 KB.'],
    [{ name: 'empty.png', size: 0, type: 'image/png' }, 'That file is empty.'],
  ])('the file %j: %s', (file, problem) => {
    expect(logoFileProblem(file, 262144)).toBe(problem);
  });
});
