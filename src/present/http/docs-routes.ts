import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sessionCookieName } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';

/** What @fastify/swagger is told about the API as a whole; each route adds its own part. */
export const openApiOptions = (tls: boolean) => ({
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'Tenantscope API',
      version: '1',
      description:
        'The API the Tenantscope web app uses. Sign in with POST /api/session; the session travels in an HTTP-only ' +
        'cookie. Every POST, PUT, PATCH and DELETE also needs the csrfToken (from sign-in or GET /api/me) in the ' +
        'x-csrf-token header. Errors are { requestId, statusCode, code, message } with codes from docs/errors.md.',
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey' as const, in: 'cookie' as const, name: sessionCookieName(tls) },
        csrf: { type: 'apiKey' as const, in: 'header' as const, name: 'x-csrf-token' },
      },
    },
  },
});

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

interface OpenApiDoc {
  paths?: Record<string, Record<string, { summary?: string; tags?: string[] }>>;
}

/** The API description as JSON, and a page listing the operations (plain HTML: the CSP allows no inline script). */
export function registerDocsRoutes(app: FastifyInstance): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/docs/openapi.json',
      access: 'public',
      summary: 'This API described in OpenAPI 3.1, generated from the route schemas',
      tags: ['docs'],
      response: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
    },
    async () => app.swagger() as unknown as { openapi: string; paths: Record<string, unknown> },
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/docs',
      access: 'public',
      summary: 'A page listing the API operations',
      tags: ['docs'],
      response: z.string().describe('text/html'),
    },
    async ({ reply }) => reply.type('text/html; charset=utf-8').send(docsPage(app.swagger() as OpenApiDoc)),
  );
}

function docsPage(doc: OpenApiDoc): string {
  const rows = Object.entries(doc.paths ?? {})
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(
        ([method, op]) =>
          `<tr><td><code>${escapeHtml(method.toUpperCase())}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(op.summary ?? '')}</td></tr>`,
      ),
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tenantscope API</title></head>
<body>
<main>
<h1>Tenantscope API</h1>
<p>The full description, for tools and code generators: <a href="/api/docs/openapi.json">openapi.json</a> (OpenAPI 3.1).
Sign in with <code>POST /api/session</code>; send the <code>csrfToken</code> it returns in the <code>x-csrf-token</code> header with every state-changing request.</p>
<table>
<thead><tr><th>method</th><th>path</th><th>what it does</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</main>
</body>
</html>
`;
}
