import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { licenceSummaries } from '../../pipeline/licence-queries.ts';
import type { UserLine } from '../../pipeline/licence-user-fns.ts';
import { licenceUserLines } from '../../pipeline/licence-users.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import { idParams } from './api-schemas.ts';
import { inWorkspace, memberOf, recordAudit } from './auth-plugin.ts';
import { toCsv } from './csv-export.ts';
import type { AnalysisRouteDeps } from './finding-routes.ts';
import { skuLineSchema } from './licence-schemas.ts';
import { defineRoute } from './route-kit.ts';

const skusResponse = z.object({
  current: z
    .object({
      snapshotId: z.string().nullable(),
      collectedAt: z.string().describe('ISO 8601 date-time'),
      currency: z.string(),
      idleDays: z.number().int(),
      idleKnown: z.boolean().describe('false without sign-in data: idleAssigned is null, not zero'),
      skus: z
        .array(skuLineSchema)
        .nullable()
        .describe('null: the summary was stored before per-SKU lines were kept; the next sync adds them'),
    })
    .nullable()
    .describe('null: no licence analysis yet'),
});

/** The per-user CSV's columns; the licence columns list one value per licence, `; ` between. */
const USER_COLUMNS = [
  'userPrincipalName',
  'displayName',
  'department',
  'userType',
  'accountEnabled',
  'licences',
  'skuPartNumbers',
  'assignment',
  'signIn',
  'lastSignIn',
  'daysSinceSignIn',
  'wasteReasons',
  'wasteMonthly',
  'currency',
];

/** One tenant's licences in detail: a line per SKU, and every licensed user as CSV. */
export function registerLicenceDetailRoutes(app: FastifyInstance, deps: AnalysisRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/licences/skus',
      access: 'reports',
      summary: "One line per subscribed SKU from the tenant's latest licence summary",
      description:
        'Units bought, assigned, available, in warning and suspended; the price from the price book the ' +
        'summary was made with, monthly spend, holders idle over `idleDays`, and the waste counted against ' +
        'each SKU. The lines add up to the summary totals.',
      tags: ['licences'],
      params: idParams,
      response: skusResponse,
    },
    async ({ request, params }) =>
      inWorkspace(deps.db, request, async (tx) => {
        const [latest] = await licenceSummaries(tx, params.id, 1);
        if (!latest) return { current: null };
        const t = latest.totals;
        return {
          current: {
            snapshotId: latest.snapshotId,
            collectedAt: latest.collectedAt.toISOString(),
            currency: latest.currency,
            idleDays: Number(t.idleDays),
            idleKnown: t.idleKnown === true,
            skus: latest.skuLines,
          },
        };
      }),
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/licences/users.csv',
      access: 'reports',
      summary: 'Every licensed user of the latest snapshot as CSV (the export is audited)',
      description:
        'The lines of `GET /api/tenants/:id/licences/users` (filter `all`), priced with the current price ' +
        'book. `signIn` is `seen`, `never` or `unknown` (no sign-in data: cannot tell). 404 when the tenant ' +
        'has no stored snapshot.',
      tags: ['licences'],
      params: idParams,
      status: 200,
    },
    async ({ request, reply, params }) => {
      const { workspaceId } = memberOf(request);
      const lines = await licenceUserLines(deps.db, workspaceId, params.id, 'all', {
        limit: Number.MAX_SAFE_INTEGER,
        offset: 0,
      });
      if (!lines.snapshot)
        throw new TenantscopeError(
          'TS_ERR_NOT_FOUND',
          'no stored snapshot of this tenant: its licence lines appear after a sync that keeps one',
        );
      await inWorkspace(deps.db, request, (tx, member) =>
        recordAudit(tx, member, 'licences.users_exported', params.id, { users: lines.users.length }),
      );
      const day = deps.clock.now().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="tenantscope-licence-users-${day}.csv"`)
        .send(
          toCsv(
            USER_COLUMNS,
            lines.users.map((u) => userRow(u, lines.currency)),
          ),
        );
    },
  );
}

function userRow(u: UserLine, currency: string): (string | null)[] {
  const seen = u.signIn.state === 'seen' ? u.signIn : null;
  const certain = u.waste.filter((w) => !w.possible);
  return [
    u.userPrincipalName,
    u.displayName,
    u.department,
    u.userType,
    u.accountEnabled === null ? null : String(u.accountEnabled),
    u.licences.map((l) => l.name).join('; '),
    u.licences.map((l) => l.skuPartNumber).join('; '),
    u.licences.map((l) => l.path).join('; '),
    u.signIn.state,
    seen?.last ?? null,
    seen ? String(seen.daysSince) : null,
    [...new Set(u.waste.map((w) => w.reason))].join('; '),
    wasteCell(certain),
    currency,
  ];
}

/**
 * Certain waste a month, summed in cents; empty when a licence of it has no price (a gap is not
 * zero). Possible waste is named in the reasons, not added.
 */
function wasteCell(certain: UserLine['waste']): string | null {
  if (certain.some((w) => w.monthly === null)) return null;
  return String(certain.reduce((cents, w) => cents + Math.round(w.monthly! * 100), 0) / 100);
}
