/** The before/after view of a drift event: both values as readable lines, and a line diff. */

export interface DiffLine {
  op: 'same' | 'removed' | 'added';
  text: string;
}

/** A value as lines people can read: strings as they are, objects as indented JSON. */
export function linesOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.split('\n');
  return JSON.stringify(value, null, 2).split('\n');
}

/**
 * A line diff by longest common subsequence. Values of drift events are small (one property or
 * one object), so the quadratic table is fine; past a limit it falls back to all-removed /
 * all-added, which is still true, only less precise.
 */
export function diffLines(before: string[], after: string[], limit = 250_000): DiffLine[] {
  const n = before.length;
  const m = after.length;
  if (n * m > limit) return [...before.map(removed), ...after.map(added)];
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] =
        before[i] === after[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (before[i] === after[j]) {
      out.push({ op: 'same', text: before[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push(removed(before[i++]!));
    else out.push(added(after[j++]!));
  }
  while (i < n) out.push(removed(before[i++]!));
  while (j < m) out.push(added(after[j++]!));
  return out;
}

const removed = (text: string): DiffLine => ({ op: 'removed', text });
const added = (text: string): DiffLine => ({ op: 'added', text });

/** Who changed it, in words, from the attribution the pipeline stored. */
export function attributionWords(attribution: Record<string, unknown>, actor: string): string {
  const confidence = typeof attribution.confidence === 'string' ? attribution.confidence : null;
  if (!actor || actor === 'unknown')
    return 'Unknown: no directory audit record matched this change (the audit log may be unavailable or too old).';
  return confidence ? `${actor} (${confidence} confidence, from the directory audit log)` : actor;
}

export const TRIAGE_LABELS: Record<string, string> = {
  open: 'Open',
  accepted: 'Accepted (expected change)',
  revertedInTenant: 'Reverted in the tenant',
  customerSpecific: 'Customer-specific (expected here)',
};
