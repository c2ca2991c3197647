/**
 * Generation time and memory for 1k, 10k and 100k-user tenants (issue 3: 100,000 users must
 * take < 30 s and < 1.5 GB). Not a test: it prints numbers. Each size runs in a fresh Node
 * process so one run's garbage never inflates the next one's peak RSS.
 * Run: `npx tsx bench/emulator-generate.bench.ts`
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TenantProfile } from '../src/emulator/contract.ts';
import { generateTenant } from '../src/emulator/generator/index.ts';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function runOne(users: number, profile: TenantProfile): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 5);
  const start = performance.now();
  const model = generateTenant({ users, profile, seed: 'bench' });
  const ms = performance.now() - start;
  clearInterval(timer);
  // resourceUsage().maxRSS is the kernel's high-water mark (KiB): it sees peaks the sampler misses.
  peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  gc?.();
  const retained = process.memoryUsage().heapUsed - heapBefore;
  console.log(
    [
      `users=${users}`.padEnd(13),
      `profile=${profile}`.padEnd(18),
      `time=${(ms / 1000).toFixed(2)} s`.padEnd(14),
      `peakRss=${mb(peakRss)}`.padEnd(16),
      `modelHeap=${mb(retained)}`.padEnd(18),
      `costRows=${model.arm.dailyCost.length}`,
      `resources=${model.arm.resources.length}`,
    ].join(' '),
  );
}

const [, , flag, usersArg, profileArg] = process.argv;
if (flag === '--one') {
  runOne(Number(usersArg), profileArg as TenantProfile);
} else {
  const self = fileURLToPath(import.meta.url);
  for (const users of [1_000, 10_000, 100_000]) {
    for (const profile of ['typical', 'neglected'] as const) {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--expose-gc', self, '--one', String(users), profile],
        { stdio: 'inherit' },
      );
      if (r.status !== 0) process.exitCode = 1;
    }
  }
}
