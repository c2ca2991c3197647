/**
 * Scores weighted by severity. Only `pass` and `fail` count; every other state is reported beside
 * the score, never folded into it: an unreadable dataset or a feature the tenant does not own must
 * not move the score either way, and an accepted finding is a decision, reported on its own.
 *
 * Weights (documented in docs/scan-report.md): critical 10, high 5, medium 3, low 1, info 0.
 * A critical failure outweighs three medium passes, in the spirit of Secure Score's points.
 */
import { AREAS, type Area, type CheckResult, type ResultState, type Severity } from './posture-types.ts';

export const SEVERITY_WEIGHT: Record<Severity, number> = {
  critical: 10,
  high: 5,
  medium: 3,
  low: 1,
  info: 0,
};

export interface Score {
  /** 0–100, rounded to one decimal; null when nothing weighted passed or failed */
  score: number | null;
  passedWeight: number;
  possibleWeight: number;
  counts: Record<ResultState, number>;
}

export interface PostureScores {
  tenant: Score;
  areas: Record<Area, Score>;
}

const emptyCounts = (): Record<ResultState, number> => ({
  pass: 0,
  fail: 0,
  accepted: 0,
  notApplicable: 0,
  notLicensed: 0,
  unknown: 0,
  manual: 0,
});

export function scoreOf(results: readonly CheckResult[]): Score {
  const counts = emptyCounts();
  let passed = 0;
  let possible = 0;
  for (const r of results) {
    counts[r.state] += 1;
    const w = SEVERITY_WEIGHT[r.severity];
    if (r.state === 'pass') {
      passed += w;
      possible += w;
    } else if (r.state === 'fail') possible += w;
  }
  return {
    score: possible === 0 ? null : Math.round((1000 * passed) / possible) / 10,
    passedWeight: passed,
    possibleWeight: possible,
    counts,
  };
}

export function scoreResults(results: readonly CheckResult[]): PostureScores {
  const areas = {} as Record<Area, Score>;
  for (const area of AREAS) areas[area] = scoreOf(results.filter((r) => r.area === area));
  return { tenant: scoreOf(results), areas };
}
