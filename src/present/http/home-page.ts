import type { FastifyInstance } from 'fastify';

/**
 * What a person sees at the root until the dashboard lands: that the server runs, and where
 * to look. Static, no script or inline style, so the strict CSP holds.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tenantscope</title></head>
<body>
<main>
<h1>Tenantscope is running</h1>
<p>Read-only reporting for Microsoft 365 and Azure tenants: security posture, configuration drift, licence waste and Azure cost.</p>
<p>The web dashboard is not part of this build yet. The server's health: <a href="/healthz">/healthz</a>, readiness: <a href="/readyz">/readyz</a>.</p>
</main>
</body>
</html>
`;

export function registerHomePage(app: FastifyInstance): void {
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
}
