/** Geometry for the hand-written SVG charts: pure, so it is tested with tables. */

export interface Pt {
  x: number;
  y: number;
}

/** Maps [d0, d1] onto [r0, r1]; a flat domain maps to the middle of the range. */
export function scaleLinear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/**
 * The polyline of a score series (0–100) in a box: points evenly spaced by time order, gaps
 * (a null score) break the line into segments rather than drawing a false zero.
 */
export function scoreSegments(
  scores: (number | null)[],
  box: { width: number; height: number; pad: number },
): Pt[][] {
  const x = scaleLinear(0, Math.max(scores.length - 1, 1), box.pad, box.width - box.pad);
  const y = scaleLinear(0, 100, box.height - box.pad, box.pad);
  const segments: Pt[][] = [];
  let current: Pt[] = [];
  scores.forEach((s, i) => {
    if (s === null) {
      if (current.length) segments.push(current);
      current = [];
      return;
    }
    current.push({ x: round(scores.length === 1 ? box.width / 2 : x(i)), y: round(y(s)) });
  });
  if (current.length) segments.push(current);
  return segments;
}

export const pathOf = (pts: Pt[]) => pts.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ');

/** The top of an axis from 0: the smallest 1, 2 or 5 × 10ⁿ at or above `max` (1 for nothing). */
export function niceCeiling(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].find((m) => m * power >= max * (1 - 1e-12)) ?? 10;
  return step * power;
}

/**
 * Lines of several series over the same points (evenly spaced), on one axis from 0 to `top`;
 * a single point sits in the middle.
 */
export function seriesLines(
  series: number[][],
  top: number,
  box: { width: number; height: number; pad: number },
): Pt[][] {
  return series.map((values) => {
    const x = scaleLinear(0, Math.max(values.length - 1, 1), box.pad, box.width - box.pad);
    const y = scaleLinear(0, top, box.height - box.pad, box.pad);
    return values.map((v, i) => ({ x: round(values.length === 1 ? box.width / 2 : x(i)), y: round(y(v)) }));
  });
}

/** Bar lengths as fractions of the longest bar (0 when every value is 0). */
export function barFractions(values: number[]): number[] {
  const max = Math.max(0, ...values);
  return values.map((v) => (max > 0 ? Math.max(0, v) / max : 0));
}

/** Stacked shares of a total, in order, summing to 1 (or all 0 for an empty total). */
export function stackShares(values: number[]): { start: number; share: number }[] {
  const total = values.reduce((a, b) => a + Math.max(0, b), 0);
  let start = 0;
  return values.map((v) => {
    const share = total > 0 ? Math.max(0, v) / total : 0;
    const out = { start, share };
    start += share;
    return out;
  });
}

const round = (n: number) => Math.round(n * 10) / 10;
