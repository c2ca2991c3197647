import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { getPriceBook, resetPriceBook, savePriceBook } from '../../pipeline/licence-store.ts';
import type { Tx } from '../../storage/transactions.ts';
import { toJson } from './analysis-schemas.ts';
import { inWorkspace, recordAudit } from './auth-plugin.ts';
import type { AnalysisRouteDeps } from './finding-routes.ts';
import { priceBookSchema } from './licence-schemas.ts';
import { defineRoute } from './route-kit.ts';

type PriceBookJson = z.input<typeof priceBookSchema>;

/** The workspace's price book (`tenantscope.prices/v1`): read, replace, back to the starter list. */
export function registerPriceBookRoutes(app: FastifyInstance, deps: AnalysisRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/price-book',
      access: 'admin',
      summary: "The workspace's price book; the starter list until one is saved",
      tags: ['licences'],
      response: priceBookSchema,
    },
    async ({ request }) => inWorkspace(deps.db, request, (tx, member) => current(tx, member.workspaceId)),
  );

  defineRoute(
    app,
    {
      method: 'PUT',
      url: '/api/price-book',
      access: 'admin',
      summary: "Replace the workspace's price book",
      description:
        'The body is a tenantscope.prices/v1 document (docs/licences.md). A malformed book is refused with ' +
        'TS_ERR_PRICE_BOOK_INVALID naming the JSON path, and nothing changes. Summaries use it from the next sync.',
      tags: ['licences'],
      body: z.record(z.string(), z.unknown()).describe('a tenantscope.prices/v1 document'),
      response: priceBookSchema,
    },
    async ({ request, body }) =>
      inWorkspace(deps.db, request, async (tx, member) => {
        const book = await savePriceBook(tx, member.workspaceId, body, member.personId, deps.clock.now());
        await recordAudit(tx, member, 'price_book.saved', undefined, {
          currency: book.currency,
          entries: book.entries.length,
          tenants: Object.keys(book.tenants ?? {}).length,
        });
        return current(tx, member.workspaceId);
      }),
  );

  defineRoute(
    app,
    {
      method: 'DELETE',
      url: '/api/price-book',
      access: 'admin',
      summary: 'Reset the price book to the starter list; answers the starter list',
      tags: ['licences'],
      response: priceBookSchema,
    },
    async ({ request }) =>
      inWorkspace(deps.db, request, async (tx, member) => {
        await resetPriceBook(tx, member.workspaceId);
        await recordAudit(tx, member, 'price_book.reset', undefined);
        return current(tx, member.workspaceId);
      }),
  );
}

async function current(tx: Tx, workspaceId: string): Promise<PriceBookJson> {
  return toJson(await getPriceBook(tx, workspaceId)) as PriceBookJson;
}
