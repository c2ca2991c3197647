import { useMemo } from 'react';
import { encodeQr } from './qr-code.ts';
import { qrPath } from './qr-svg.ts';

/** Four light modules around the symbol, as the standard asks, so a camera finds its edges. */
const QUIET = 4;

/**
 * A QR code drawn as one SVG path (geometry in attributes, colours in the stylesheet: the CSP
 * allows no inline style). Always dark on light, also in dark mode: many readers need it.
 * A text too long for the encoder draws nothing; the page shows the same thing as text anyway.
 */
export function QrCode({ text, label }: { text: string; label: string }) {
  const matrix = useMemo(() => encodeQr(text), [text]);
  if (!matrix) return null;
  const size = matrix.length + 2 * QUIET;
  return (
    <svg
      className="qr"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${size} ${size}`}
      width={size * 4}
      height={size * 4}
      shapeRendering="crispEdges"
    >
      <rect className="qr-light" width={size} height={size} />
      <path className="qr-dark" d={qrPath(matrix, QUIET)} />
    </svg>
  );
}
