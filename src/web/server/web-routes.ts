import type { FastifyInstance, FastifyReply } from 'fastify';
import { CLIENT_ROUTES } from '../app/client-routes.ts';
import { bundleWebApp, type WebBundle } from './bundle.ts';

/** A year, immutable: an asset's name changes whenever its content does. */
const ASSET_CACHE = 'public, max-age=31536000, immutable';

let shared: Promise<WebBundle> | undefined;

/**
 * The bundle is made once per process, starting when the first app registers (server start),
 * and shared by every app of the process (the test suites build many).
 */
function webBundle(): Promise<WebBundle> {
  shared ??= bundleWebApp();
  return shared;
}

/**
 * Serves the web app: hashed assets with a long cache, and index.html (never cached, so a
 * restart's new asset names are picked up) for every client route.
 */
export function registerWebApp(app: FastifyInstance): void {
  const ready = webBundle();
  // A failed build is logged now and answered (500) on each request for the page.
  ready.catch((error: unknown) => app.log.error({ err: error }, 'the web app could not be bundled'));

  const sendIndex = async (reply: FastifyReply) => {
    const bundle = await ready;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(bundle.indexHtml);
  };
  // pages, not API operations: kept out of the OpenAPI description
  const schema = { hide: true };
  for (const url of CLIENT_ROUTES) app.get(url, { schema }, async (_request, reply) => sendIndex(reply));

  app.get<{ Params: { name: string } }>('/assets/:name', { schema }, async (request, reply) => {
    const asset = (await ready).assets.get(request.params.name);
    if (!asset) return reply.callNotFound();
    return reply.type(asset.type).header('cache-control', ASSET_CACHE).send(asset.body);
  });
}
