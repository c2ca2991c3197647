import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { weekEnds } from '../../analyse/licences/book-trend.ts';
import {
  type LicenceSummaryView,
  licenceBookTrend,
  licenceBookView,
  licenceSummaries,
} from '../../pipeline/licence-queries.ts';
import { USER_FILTERS } from '../../pipeline/licence-user-fns.ts';
import { licenceUserLines } from '../../pipeline/licence-users.ts';
import { limitQuery, offsetQuery, toJson } from './analysis-schemas.ts';
import { idParams } from './api-schemas.ts';
import { inWorkspace, memberOf, recordAudit } from './auth-plugin.ts';
import { toCsv } from './csv-export.ts';
import type { AnalysisRouteDeps } from './finding-routes.ts';
import { registerLicenceDetailRoutes } from './licence-detail-routes.ts';
import {
  bookTrendSchema,
  currencyTotalsSchema,
  licenceSummarySchema,
  userLineSchema,
} from './licence-schemas.ts';
import { defineRoute } from './route-kit.ts';

type SummaryJson = z.input<typeof licenceSummarySchema>;
/** The per-SKU lines have their own route (licence-detail-routes.ts); a summary leaves without them. */
const summaryJson = ({ skuLines: _, ...s }: LicenceSummaryView) => toJson(s) as unknown as SummaryJson;

/** The book export's figures, after tenant, tenantId, collectedAt and currency. */
const COUNT_COLUMNS = ['purchased', 'consumed', 'available', 'licensedUsers', 'disabledWithLicences'];
COUNT_COLUMNS.push('neverSignedIn', 'idle', 'idleSeats', 'overlapping');
const TOTAL_COLUMNS = [
  'spendMonthly',
  'wasteMonthly',
  'possibleWasteMonthly',
  'savingsAnnual',
  'unpricedUnits',
];

const usersResponse = z.object({
  snapshot: z.object({ id: z.string(), collectedAt: z.string() }).nullable(),
  currency: z.string(),
  total: z.number().int(),
  cannotTell: z.string().nullable().describe('why this filter cannot be answered (no sign-in data)'),
  users: z.array(userLineSchema),
});

/** Licence summaries per tenant, per-user lines, and the MSP book (JSON and CSV). */
export function registerLicenceRoutes(app: FastifyInstance, deps: AnalysisRouteDeps): void {
  registerLicenceDetailRoutes(app, deps);
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/licences',
      access: 'reports',
      summary: "The tenant's latest licence summary, and its trend (oldest first, the latest included)",
      tags: ['licences'],
      params: idParams,
      querystring: z.object({ limit: limitQuery(30) }).strict(),
      response: z.object({ current: licenceSummarySchema.nullable(), trend: z.array(licenceSummarySchema) }),
    },
    async ({ request, params, query }) =>
      inWorkspace(deps.db, request, async (tx) => {
        const newestFirst = await licenceSummaries(tx, params.id, query.limit);
        return {
          current: newestFirst[0] ? summaryJson(newestFirst[0]) : null,
          trend: newestFirst.reverse().map(summaryJson),
        };
      }),
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/licences/users',
      access: 'reports',
      summary: 'Licensed users from the latest snapshot, with their licences, sign-in and waste',
      description:
        'Computed on request from the latest stored snapshot (users, SKUs and sign-in activity) with the ' +
        "workspace's current price book. `cannotTell` says why a filter cannot be answered (no sign-in data).",
      tags: ['licences'],
      params: idParams,
      querystring: z
        .object({ filter: z.enum(USER_FILTERS).default('all'), limit: limitQuery(100), offset: offsetQuery })
        .strict(),
      response: usersResponse,
    },
    async ({ request, params, query }) => {
      const { workspaceId } = memberOf(request);
      const lines = await licenceUserLines(deps.db, workspaceId, params.id, query.filter, query);
      // the engine's rows (licence-types.ts) hold every field userLineSchema lists; the rest is dropped
      return toJson(lines) as unknown as z.input<typeof usersResponse>;
    },
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/licences',
      access: 'reports',
      summary: 'The licence book: the latest summary of every tenant, and totals per currency',
      tags: ['licences'],
      response: z.object({ tenants: z.array(licenceSummarySchema), totals: z.array(currencyTotalsSchema) }),
    },
    async ({ request }) =>
      inWorkspace(deps.db, request, async (tx) => {
        const book = await licenceBookView(tx);
        return { tenants: book.tenants.map(summaryJson), totals: book.totals };
      }),
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/licences/trend',
      access: 'reports',
      summary: 'The licence book week by week: spend and waste per currency, each tenant as of each week',
      description:
        'One point per week, the last one "as of now" (it equals the book\'s totals). A tenant counts ' +
        'from its first licence summary on; amounts in two currencies are never added.',
      tags: ['licences'],
      querystring: z.object({ weeks: z.coerce.number().int().min(2).max(104).default(12) }).strict(),
      response: bookTrendSchema,
    },
    async ({ request, query }) =>
      inWorkspace(deps.db, request, async (tx) => ({
        weeks: query.weeks,
        series: await licenceBookTrend(tx, weekEnds(deps.clock.now(), query.weeks)),
      })),
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/licences/export.csv',
      access: 'reports',
      summary: 'The licence book as CSV, one row per tenant (the export is audited)',
      tags: ['licences'],
      status: 200,
    },
    async ({ request, reply }) => {
      const book = await inWorkspace(deps.db, request, async (tx, member) => {
        const view = await licenceBookView(tx);
        await recordAudit(tx, member, 'licences.exported', undefined, { tenants: view.tenants.length });
        return view;
      });
      const day = deps.clock.now().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="tenantscope-licences-${day}.csv"`)
        .send(
          toCsv(
            [
              'tenant',
              'tenantId',
              'collectedAt',
              'currency',
              ...COUNT_COLUMNS,
              ...TOTAL_COLUMNS,
              'topWasteSku',
            ],
            book.tenants.map((s) => [
              s.tenantName,
              s.tenantId,
              s.collectedAt.toISOString(),
              s.currency,
              ...COUNT_COLUMNS.map((k) => cell(s.counts[k])),
              ...TOTAL_COLUMNS.map((k) => cell(s.totals[k])),
              (s.totals.topWasteSku as { skuPartNumber: string } | null)?.skuPartNumber ?? null,
            ]),
          ),
        );
    },
  );
}

function cell(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value);
}
