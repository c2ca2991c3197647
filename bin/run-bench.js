#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts (or the ones named) one after another. Benchmarks
// print sizes, times and ratios; they assert nothing and are not part of `npm test`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = new URL('../bench/', import.meta.url).pathname;
const wanted = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (wanted.length === 0 || wanted.some((w) => f.includes(w))));
if (files.length === 0) {
  console.error(`no benchmark matches ${wanted.join(' ') || '(any)'} in bench/`);
  process.exit(2);
}
let failed = 0;
for (const file of files.sort()) {
  console.log(`\n## ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(dir, file)], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
