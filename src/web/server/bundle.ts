import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** One built file, named by its content so it can be cached for a year. */
export interface Asset {
  name: string;
  type: string;
  body: Buffer;
}

export interface WebBundle {
  /** `/assets/<name>` → asset */
  assets: Map<string, Asset>;
  /** the page every client route answers with */
  indexHtml: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const ENTRY = path.join(here, '..', 'app', 'main.tsx');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Bundles the React app in memory with esbuild (no build step for users, nothing written to
 * disk). Names carry a hash of the content, so a new build never meets a stale cached file.
 */
export async function bundleWebApp(): Promise<WebBundle> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    outdir: '/out',
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    minify: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const assets = new Map<string, Asset>();
  const names: Record<string, string> = {};
  for (const file of result.outputFiles) {
    const ext = path.extname(file.path);
    const type = TYPES[ext];
    if (!type) continue;
    const hash = createHash('sha256').update(file.contents).digest('hex').slice(0, 16);
    const name = `app.${hash}${ext}`;
    assets.set(name, { name, type, body: Buffer.from(file.contents) });
    names[ext] = name;
  }
  if (!names['.js'] || !names['.css']) throw new Error('the web bundle lacks its script or stylesheet');
  return { assets, indexHtml: indexPage(names['.js'], names['.css']) };
}

/** The brand mark as a data: URI (the CSP allows data: images), so no /favicon.ico request 404s. */
const ICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="4" fill="#2457c5"/></svg>',
)}`;

/** No inline script or style: the strict CSP (script-src 'self', style-src 'self') holds. */
function indexPage(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Tenantscope</title>
<link rel="icon" href="${ICON}">
<link rel="stylesheet" href="/assets/${style}">
<script type="module" src="/assets/${script}"></script>
</head>
<body>
<div id="root"><p class="boot">Loading Tenantscope…</p></div>
<noscript><p>Tenantscope needs JavaScript. The API is described at <a href="/api/docs">/api/docs</a>.</p></noscript>
</body>
</html>
`;
}
