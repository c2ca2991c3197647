/**
 * Evaluates the whole posture ruleset over a generated 100,000-user tenant (neglected: the most
 * findings) and prints the time and peak memory. Goal: under 2 s. Prints; asserts nothing.
 * Run: npx tsx bench/posture.bench.ts [users]
 */
import { evaluatePosture } from '../src/analyse/posture/evaluate.ts';
import { ruleset } from '../src/analyse/posture/ruleset.ts';
import { snapshotFromModel } from '../src/analyse/posture/testing/tenant-snapshot.ts';
import { generateTenant } from '../src/emulator/generator/index.ts';

const users = Number(process.argv[2] ?? 100_000);
let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
const timer = setInterval(sample, 5);

const t0 = performance.now();
const snapshot = snapshotFromModel(generateTenant({ users, profile: 'neglected', seed: 'bench' }));
const t1 = performance.now();
sample();
const before = process.memoryUsage().rss;
const checks = ruleset();
const runs: number[] = [];
let evaluation = evaluatePosture({ snapshot, checks });
for (let i = 0; i < 3; i++) {
  const s = performance.now();
  evaluation = evaluatePosture({ snapshot, checks });
  runs.push(performance.now() - s);
}
const first = performance.now();
evaluatePosture({ snapshot, checks });
const cold = performance.now() - first;
sample();
clearInterval(timer);

const c = evaluation.scores.tenant.counts;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
console.log(
  `posture over ${users.toLocaleString('en')} users (${checks.length} checks, ${checks.filter((x) => x.mode === 'automated').length} automated)`,
);
console.log(`  build snapshot (generator + projection): ${((t1 - t0) / 1000).toFixed(2)} s`);
console.log(
  `  evaluate: best ${(Math.min(...runs) / 1000).toFixed(3)} s, worst ${(Math.max(...runs, cold) / 1000).toFixed(3)} s (goal < 2 s)`,
);
console.log(
  `  results: ${c.pass} pass, ${c.fail} fail, ${c.unknown} unknown, ${c.notLicensed} not licensed, ${c.manual} manual`,
);
console.log(
  `  rss before evaluation ${mb(before)}, peak ${mb(peak)} (evaluation adds ${mb(Math.max(0, peak - before))})`,
);
