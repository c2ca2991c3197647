/**
 * Bundles the web app as the server does at start (esbuild, in memory) and prints the time of
 * each build and the size of each asset, raw and gzipped (what a browser downloads once; the
 * names are content hashes, so it is cached for a year). Prints; asserts nothing.
 * Run: npx tsx bench/web-bundle.bench.ts
 */
import { gzipSync } from 'node:zlib';
import { bundleWebApp } from '../src/web/server/bundle.ts';

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const runs: number[] = [];
let bundle = await bundleWebApp();
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  bundle = await bundleWebApp();
  runs.push(performance.now() - t);
}
console.log(`build (3 runs after a warm-up): ${runs.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`);
for (const [name, asset] of bundle.assets)
  console.log(`${name}: ${kb(asset.body.length)} raw, ${kb(gzipSync(asset.body).length)} gzipped`);
console.log(`index.html: ${bundle.indexHtml.length} bytes`);
