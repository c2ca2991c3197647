/**
 * Licence analysis over a 100,000-user generated snapshot (issue 7): time and memory of
 * `analyseLicences`, plus the CSV and Markdown renderings. Not a test: it prints numbers.
 * Run: `npx tsx bench/licences.bench.ts` (or `npm run bench licences`, which adds --expose-gc).
 */
import {
  analyseLicences,
  licenceBook,
  licencesCsv,
  licencesMarkdown,
} from '../src/analyse/licences/index.ts';
import { generateTenant } from '../src/emulator/generator/index.ts';
import { modelToSnapshot } from '../test/licences-helpers.ts';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const gc = (globalThis as { gc?: () => void }).gc;
const users = Number(process.argv[2] ?? 100_000);

const t0 = performance.now();
const snapshot = modelToSnapshot(generateTenant({ users, profile: 'neglected', seed: 'bench' }));
const genMs = performance.now() - t0;
gc?.();
const heapBefore = process.memoryUsage().heapUsed;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 5);

const runs: number[] = [];
let analysis = analyseLicences(snapshot);
for (let i = 0; i < 3; i++) {
  const start = performance.now();
  analysis = analyseLicences(snapshot);
  runs.push(performance.now() - start);
}
const renderStart = performance.now();
const book = licenceBook([analysis]);
const csv = licencesCsv('waste', [analysis], book.tenants);
const md = licencesMarkdown([analysis], book);
const renderMs = performance.now() - renderStart;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
gc?.();
const retained = process.memoryUsage().heapUsed - heapBefore;

const f = analysis.findings;
console.log(
  [
    `users=${users}`,
    `generate+snapshot=${(genMs / 1000).toFixed(2)} s`,
    `analyse=${runs.map((r) => `${r.toFixed(0)} ms`).join(' / ')} (3 runs)`,
    `render csv+md=${renderMs.toFixed(0)} ms`,
  ].join('  '),
);
console.log(
  [
    `resultHeap=${mb(retained)}${gc ? '' : ' (no --expose-gc: approximate)'}`,
    `peakRss=${mb(peakRss)}`,
    `wasteLines=${analysis.waste.lines.length}`,
    `csv=${mb(csv.length)}`,
    `md=${(md.length / 1024).toFixed(0)} KB`,
  ].join('  '),
);
console.log(
  [
    `licensed=${f.licensedUsers}`,
    `disabled=${f.disabledWithLicences.length}`,
    `never=${f.neverSignedInWithLicences?.length}`,
    `idle90=${f.idle.status === 'known' ? f.idle.days90.length : 'cannot tell'}`,
    `overlapping=${f.overlapping.length}`,
    `waste=${analysis.waste.total.monthly.toFixed(2)} ${analysis.waste.currency}/month`,
  ].join('  '),
);
