import { describe, expect, test } from 'vitest';
import { jpegHeader, makePng, webpLosslessHeader } from '../../test/helpers/images.ts';
import { isTenantscopeError } from '../platform/errors.ts';
import {
  addressOf,
  applyBrandingChange,
  type BrandingFields,
  brandingDiff,
  DEFAULT_BRANDING,
  senderFrom,
} from './branding-fns.ts';
import { checkLogo, sniffLogo } from './logo-fns.ts';

const saved: BrandingFields = {
  displayName: 'Contoso IT',
  accentColor: '#112233',
  footerText: 'Confidential',
  senderName: 'Contoso reports',
};

describe('a branding change', () => {
  test.each([
    ['nothing given changes nothing', {}, saved],
    ['a colour is stored lower-case', { accentColor: '#AABBCC' }, { ...saved, accentColor: '#aabbcc' }],
    ['null puts the colour back to the default', { accentColor: null }, { ...saved, accentColor: '#2457c5' }],
    ['an empty name means the workspace name again', { displayName: '  ' }, { ...saved, displayName: null }],
    ['null removes the footer', { footerText: null }, { ...saved, footerText: null }],
    ['texts are trimmed', { senderName: '  Fabrikam  ' }, { ...saved, senderName: 'Fabrikam' }],
  ])('%s', (_name, change, expected) => {
    expect(applyBrandingChange(saved, change)).toEqual(expected);
  });

  test('the audit diff names only the fields that changed', () => {
    expect(brandingDiff(DEFAULT_BRANDING, { ...DEFAULT_BRANDING, footerText: 'x' })).toEqual({
      footerText: { before: null, after: 'x' },
    });
  });
});

describe("the From of a workspace's email", () => {
  const configured = 'Tenantscope <no-reply@ts.example>';
  test.each([
    ['no sender name keeps the configured From', null, configured],
    [
      'a sender name keeps the configured address',
      'Contoso IT',
      { name: 'Contoso IT', address: 'no-reply@ts.example' },
    ],
    [
      'a line break cannot start a second header',
      'Contoso\r\nBcc: victim@example.com',
      { name: 'Contoso Bcc: victim@example.com', address: 'no-reply@ts.example' },
    ],
    ['a name of only white space is no name', ' \n ', configured],
  ])('%s', (_name, senderName, expected) => {
    expect(senderFrom(configured, senderName)).toEqual(expected);
  });

  test.each([
    ['Tenantscope <a@b.example>', 'a@b.example'],
    ['a@b.example', 'a@b.example'],
    ['"Ops, IT" <ops@b.example> ', 'ops@b.example'],
  ])('the address of %s is %s', (from, address) => {
    expect(addressOf(from)).toBe(address);
  });
});

/** The error code checkLogo throws, or the facts it returns. */
const outcome = (bytes: Buffer) => {
  try {
    return checkLogo(bytes);
  } catch (e) {
    if (isTenantscopeError(e)) return e.code;
    throw e;
  }
};

describe('a logo upload, judged by its own bytes', () => {
  const svg = Buffer.from(
    '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
  );
  test.each([
    ['a small PNG', makePng(40, 20), { type: 'image/png', width: 40, height: 20 }],
    ['a PNG of exactly 1024 px', makePng(1024, 1), { type: 'image/png', width: 1024, height: 1 }],
    ['a PNG wider than 1024 px', makePng(1025, 1), 'TS_ERR_LOGO_TOO_LARGE'],
    ['a baseline JPEG', jpegHeader(300, 120), { type: 'image/jpeg', width: 300, height: 120 }],
    ['a progressive JPEG', jpegHeader(64, 64, 0xc2), { type: 'image/jpeg', width: 64, height: 64 }],
    ['a JPEG taller than 1024 px', jpegHeader(10, 2000), 'TS_ERR_LOGO_TOO_LARGE'],
    ['a lossless WebP', webpLosslessHeader(512, 256), { type: 'image/webp', width: 512, height: 256 }],
    ['SVG with a script', svg, 'TS_ERR_LOGO_SVG_REFUSED'],
    ['SVG without an XML prolog', Buffer.from('\uFEFF  <svg viewBox="0 0 1 1"/>'), 'TS_ERR_LOGO_SVG_REFUSED'],
    ['HTML', Buffer.from('<html><script>alert(1)</script></html>'), 'TS_ERR_LOGO_TYPE'],
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00'), 'TS_ERR_LOGO_TYPE'],
    ['nothing at all', Buffer.alloc(0), 'TS_ERR_LOGO_TYPE'],
    ['a PNG signature and nothing more', makePng(4, 4).subarray(0, 12), 'TS_ERR_LOGO_INVALID'],
    ['a JPEG with no frame header', Buffer.from([0xff, 0xd8, 0xff, 0xd9, 0, 0]), 'TS_ERR_LOGO_INVALID'],
    ['a PNG of zero width', makePng(1, 1).fill(0, 16, 20), 'TS_ERR_LOGO_INVALID'],
    ['over 256 KB', Buffer.concat([makePng(1, 1), Buffer.alloc(256 * 1024)]), 'TS_ERR_LOGO_TOO_LARGE'],
  ])('%s', (_name, bytes, expected) => {
    expect(outcome(bytes)).toEqual(expected);
  });

  test('a PNG named and declared as PNG but holding text is not a PNG', () => {
    expect(sniffLogo(Buffer.from('PNG but really text'))).toBe('unknown');
  });
});
