import type { QrMatrix } from './qr-code.ts';

/**
 * The dark modules as one SVG path: a run of dark modules in a row is one rectangle
 * (`M x y h n v 1 h -n z`), which keeps the path short.
 */
export function qrPath(matrix: QrMatrix, offset: number): string {
  const parts: string[] = [];
  matrix.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      if (!row[x]) continue;
      const start = x;
      while (x + 1 < row.length && row[x + 1]) x++;
      const run = x - start + 1;
      parts.push(`M${start + offset} ${y + offset}h${run}v1h-${run}z`);
    }
  });
  return parts.join('');
}
