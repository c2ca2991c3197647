/**
 * What a logo upload is, read from its own bytes — never from the name or the content type the
 * client declared, which it chooses freely. Pure: no I/O.
 *
 * Formats (the header offsets cited are from each format's specification):
 * - PNG (ISO/IEC 15948 §5.2–5.3): the 8-byte signature, then IHDR with width and height as
 *   big-endian 32-bit integers at bytes 16 and 20.
 * - JPEG (ITU T.81 §B.2): FF D8, then marker segments; a start-of-frame (SOF0–SOF15 but DHT C4,
 *   JPG C8, DAC CC) holds height and width as big-endian 16-bit integers at +5 and +7.
 * - WebP (RFC 9649): RIFF, size, WEBP, then a `VP8 ` (lossy: 14-bit sizes after the 9D 01 2A
 *   start code), `VP8L` (lossless: 14-bit width-1 and height-1 after the 0x2F signature) or
 *   `VP8X` (extended: 24-bit canvas width-1 and height-1) chunk.
 * SVG is refused by name: it is XML that can carry script and external references.
 */
import { TenantscopeError } from '../platform/errors.ts';

export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

/** A report header shows the logo about 48 px high; 1024 px is ample for a sharp print. */
export const LOGO_MAX_PIXELS = 1024;
export const LOGO_MAX_BYTES = 256 * 1024;

export interface LogoFacts {
  type: LogoType;
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The type the bytes start like, or what they are when they are no accepted image. */
export function sniffLogo(bytes: Buffer): LogoType | 'svg' | 'unknown' {
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  if (looksLikeSvg(bytes)) return 'svg';
  return 'unknown';
}

/** XML or SVG text: `<svg` or `<?xml` after an optional BOM and white space, or `<svg` early on. */
function looksLikeSvg(bytes: Buffer): boolean {
  const head = bytes.toString('utf8', 0, Math.min(bytes.length, 1024)).replace(/^\uFEFF/, '');
  return /^\s*<(\?xml|svg|!DOCTYPE svg)/i.test(head) || /<svg[\s>]/i.test(head);
}

/** Width and height from the header, or null when the header is cut short or malformed. */
export function readDimensions(type: LogoType, bytes: Buffer): { width: number; height: number } | null {
  const size =
    type === 'image/png' ? pngSize(bytes) : type === 'image/jpeg' ? jpegSize(bytes) : webpSize(bytes);
  return size && size.width > 0 && size.height > 0 ? size : null;
}

function pngSize(b: Buffer) {
  if (b.length < 24 || b.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

const NOT_FRAMES = new Set([0xc4, 0xc8, 0xcc]);

function jpegSize(b: Buffer) {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte before a marker
      continue;
    }
    // markers without a length: TEM, RST0–7
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or scan data before any frame
    const length = b.readUInt16BE(i + 2);
    if (length < 2) return null;
    if (marker >= 0xc0 && marker <= 0xcf && !NOT_FRAMES.has(marker)) {
      if (i + 9 > b.length) return null;
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return null;
}

function webpSize(b: Buffer) {
  if (b.length < 30) return null;
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return null;
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  return null;
}

/**
 * Checks an upload and says what it is, or throws the error a person can act on: SVG refused,
 * not an accepted image, too many bytes or pixels, a damaged header.
 */
export function checkLogo(bytes: Buffer): LogoFacts {
  if (bytes.length === 0)
    throw new TenantscopeError('TS_ERR_LOGO_TYPE', 'the upload is empty: send the image bytes as the body');
  const kind = sniffLogo(bytes);
  if (kind === 'svg') throw new TenantscopeError('TS_ERR_LOGO_SVG_REFUSED', 'SVG logos are not accepted');
  if (kind === 'unknown')
    throw new TenantscopeError('TS_ERR_LOGO_TYPE', 'the file is not a PNG, JPEG or WebP image');
  if (bytes.length > LOGO_MAX_BYTES)
    throw new TenantscopeError(
      'TS_ERR_LOGO_TOO_LARGE',
      `the logo is ${kib(bytes.length)}; the most is ${kib(LOGO_MAX_BYTES)}`,
    );
  const size = readDimensions(kind, bytes);
  if (!size) throw new TenantscopeError('TS_ERR_LOGO_INVALID', `the ${label(kind)} header could not be read`);
  if (size.width > LOGO_MAX_PIXELS || size.height > LOGO_MAX_PIXELS)
    throw new TenantscopeError(
      'TS_ERR_LOGO_TOO_LARGE',
      `the logo is ${size.width} × ${size.height} px; the most is ${LOGO_MAX_PIXELS} × ${LOGO_MAX_PIXELS}`,
    );
  return { type: kind, ...size };
}

const kib = (n: number) => `${Math.ceil(n / 1024)} KB`;
const label = (type: LogoType) => ({ 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP' })[type];
