import type { FastifyInstance } from 'fastify';
import { registerWebApp } from '../../web/server/web-routes.ts';

/**
 * The web app (src/web): index.html for the client routes (`/`, `/tenants/…`, …) and its
 * hashed assets under `/assets/`. The name stays so app.ts registers it as before.
 */
export function registerHomePage(app: FastifyInstance): void {
  registerWebApp(app);
}
