import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type Check, SEVERITIES, type Severity } from '../../analyse/posture/posture-types.ts';
import { ruleset } from '../../analyse/posture/ruleset.ts';
import {
  acceptFinding,
  type FindingFilter,
  type FindingView,
  findingHistory,
  listFindings,
  revokeAcceptance,
} from '../../pipeline/findings-queries.ts';
import { countFindings, countFindingsBySeverity } from '../../pipeline/overview-queries.ts';
import { requireTenant } from '../../pipeline/tenant-guard.ts';
import type { Clock } from '../../platform/clock.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import type { Schema } from '../../storage/schema.ts';
import type { Tx } from '../../storage/transactions.ts';
import {
  acceptanceSchema,
  checkIdParam,
  checkSchema,
  findingHistorySchema,
  findingSchema,
  findingsQuery,
  toJson,
  workspaceFindingsQuery,
} from './analysis-schemas.ts';
import { idParams } from './api-schemas.ts';
import { inWorkspace } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';

export interface AnalysisRouteDeps {
  db: Kysely<Schema>;
  clock: Clock;
}

const findingParams = z.object({ id: z.guid(), checkId: checkIdParam }).strict();
const acceptBody = z
  .object({
    reason: z.string().trim().min(1).max(2000).describe('why the failure is accepted'),
    expiresAt: z.iso.datetime({ offset: true }).describe('when the finding fails again; in the future'),
  })
  .strict();
const listResponse = z.object({
  findings: z.array(findingSchema),
  total: z.number().int().describe('how many match the filters, ignoring limit and offset'),
});
const workspaceListResponse = listResponse.extend({
  bySeverity: z
    .partialRecord(z.enum(SEVERITIES), z.number().int())
    .describe('how many match every filter but severity, per severity (absent: none)'),
});

/** Posture findings: lists, one finding with its check and history, and acceptances. */
export function registerFindingRoutes(app: FastifyInstance, deps: AnalysisRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/findings',
      access: 'reports',
      summary: 'Findings of every tenant of the workspace, most severe first',
      description:
        'List filters, tenantId among them, take comma-separated or repeated values (`?state=fail,accepted`).',
      tags: ['findings'],
      querystring: workspaceFindingsQuery,
      response: workspaceListResponse,
    },
    async ({ request, query }) =>
      inWorkspace(deps.db, request, async (tx) => {
        const now = deps.clock.now();
        const filter: FindingFilter = { ...query, tenantId: undefined, tenantIds: query.tenantId };
        return {
          ...(await page(tx, filter, now)),
          bySeverity: await countFindingsBySeverity(tx, filter, now),
        };
      }),
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/findings',
      access: 'reports',
      summary: "One tenant's findings, most severe first",
      tags: ['findings'],
      params: idParams,
      querystring: findingsQuery,
      response: listResponse,
    },
    async ({ request, params, query }) =>
      inWorkspace(deps.db, request, (tx) => page(tx, { ...query, tenantId: params.id }, deps.clock.now())),
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/findings/:checkId',
      access: 'reports',
      summary: 'One finding with its evidence, the check behind it, and its history',
      tags: ['findings'],
      params: findingParams,
      response: z.object({ finding: findingSchema, check: checkSchema, history: findingHistorySchema }),
    },
    async ({ request, params }) =>
      inWorkspace(deps.db, request, async (tx) => {
        await requireTenant(tx, params.id);
        const check = ruleset().find((c) => c.id === params.checkId);
        const finding = await findOne(tx, params.id, params.checkId, check, deps.clock.now());
        const history = await findingHistory(tx, params.id, params.checkId);
        return { finding: findingJson(finding), check: checkView(check, finding), history: toJson(history) };
      }),
  );

  defineRoute(
    app,
    {
      method: 'PUT',
      url: '/api/tenants/:id/findings/:checkId/acceptance',
      access: 'admin',
      summary: "Accept a check's failure for this tenant until a date",
      description:
        'Replaces an earlier acceptance of the check. After `expiresAt` the finding reads fail again.',
      tags: ['findings'],
      params: findingParams,
      body: acceptBody,
      response: acceptanceSchema,
    },
    async ({ request, params, body }) =>
      inWorkspace(deps.db, request, async (tx, member) =>
        toJson(
          await acceptFinding(tx, {
            workspaceId: member.workspaceId,
            tenantId: params.id,
            checkId: params.checkId,
            reason: body.reason,
            expiresAt: new Date(body.expiresAt),
            by: member.personId,
            now: deps.clock.now(),
            ip: member.ip,
          }),
        ),
      ),
  );

  defineRoute(
    app,
    {
      method: 'DELETE',
      url: '/api/tenants/:id/findings/:checkId/acceptance',
      access: 'admin',
      summary: "Revoke the check's acceptance: the finding reads fail again at once",
      description: 'Answers 404 when the check has no acceptance in force to revoke.',
      tags: ['findings'],
      params: findingParams,
    },
    async ({ request, params }) => {
      const revoked = await inWorkspace(deps.db, request, (tx, member) =>
        revokeAcceptance(tx, {
          workspaceId: member.workspaceId,
          tenantId: params.id,
          checkId: params.checkId,
          by: member.personId,
          now: deps.clock.now(),
          ip: member.ip,
        }),
      );
      if (!revoked) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'no acceptance of this check to revoke');
      return undefined;
    },
  );
}

async function page(tx: Tx, filter: FindingFilter, now: Date) {
  // the count first: it also answers 404 for a tenant of another workspace
  const total = await countFindings(tx, filter, now);
  const findings = await listFindings(tx, filter, now);
  return { findings: findings.map(findingJson), total };
}

/** The tenant's finding of one check; looked up within the check's area, the cheap way. */
async function findOne(tx: Tx, tenantId: string, checkId: string, check: Check | undefined, now: Date) {
  const byArea = check ? await listFindings(tx, { tenantId, area: [check.area], limit: 1000 }, now) : [];
  const found =
    byArea.find((f) => f.checkId === checkId) ??
    // a retired check, or one whose area moved since it was stored
    (await listFindings(tx, { tenantId, limit: 1000 }, now)).find((f) => f.checkId === checkId);
  if (!found)
    throw new TenantscopeError('TS_ERR_NOT_FOUND', `no finding of check ${checkId} for this tenant`);
  return found;
}

function findingJson(f: FindingView) {
  return { ...toJson(f), severity: f.severity as Severity };
}

/** The check's description; a check that left the ruleset is described from its stored finding. */
function checkView(check: Check | undefined, finding: FindingView) {
  if (!check)
    return {
      id: finding.checkId,
      title: finding.title,
      area: finding.area,
      severity: finding.severity as Severity,
      rationale: 'This check is no longer in the ruleset; the finding is kept for its history.',
      remediation: { portal: '', automation: '' },
      references: [],
      frameworks: { cis: [], scuba: [], maester: [] },
    };
  return {
    id: check.id,
    title: check.title,
    area: check.area,
    severity: check.severity,
    rationale: check.rationale,
    remediation: check.remediation,
    references: check.references,
    frameworks: check.frameworks,
  };
}
