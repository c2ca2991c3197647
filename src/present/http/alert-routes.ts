import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sendTestWebhook } from '../../alerts/alert-delivery.ts';
import {
  type AlertRuleView,
  createAlertRule,
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  updateAlertRule,
} from '../../alerts/alert-rules.ts';
import { type DeliveryView, listDeliveries } from '../../alerts/delivery-log.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import type { Vault } from '../../tenants/credential-vault.ts';
import { idParams } from './api-schemas.ts';
import { actorOf, inWorkspace, memberOf, recordAudit } from './auth-plugin.ts';
import type { AnalysisRouteDeps } from './baseline-routes.ts';
import { defineRoute } from './route-kit.ts';

export interface AlertRouteDeps extends AnalysisRouteDeps {
  /** seals webhook secrets; the routes that set one answer an internal error without it */
  vault?: Vault | undefined;
}

const ruleSchema = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  minSeverity: z.enum(['high', 'medium', 'low']),
  objectKinds: z.array(z.string()),
  tenantIds: z.array(z.string()),
  webhook: z
    .object({ url: z.string(), secretSet: z.boolean() })
    .nullable()
    .describe('the secret is never returned'),
  emailTo: z.array(z.string()),
  createdBy: z.string(),
  updatedAt: z.string(),
});

const ruleBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    enabled: z.boolean().optional(),
    minSeverity: z.enum(['high', 'medium', 'low']),
    objectKinds: z.array(z.string().max(100)).max(50).optional().describe('empty or absent: every kind'),
    tenantIds: z.array(z.guid()).max(1000).optional().describe('empty or absent: every tenant'),
    webhook: z
      .object({
        url: z.string().max(2000),
        secret: z.string().min(16).max(200).describe('HMAC key; stored sealed, never returned'),
      })
      .strict()
      .nullable()
      .optional(),
    emailTo: z.array(z.email()).max(50).optional().describe('recorded now, sent once email delivery exists'),
  })
  .strict();

const deliverySchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  tenantId: z.string().nullable(),
  comparisonId: z.string().nullable(),
  channel: z.enum(['webhook', 'email']),
  kind: z.enum(['drift', 'test']),
  status: z
    .enum(['pending', 'queued', 'delivered', 'failed'])
    .describe('an email: delivered once every address is sent, failed once one is refused, else queued'),
  target: z.string(),
  attempts: z.number().int().describe('an email: SMTP attempts over all its addresses'),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable().describe('an email: what its outbox messages say ("1 of 2 sent")'),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  totalEvents: z.number().int().nullable(),
});

const ruleOut = (r: AlertRuleView) => ({ ...r, updatedAt: r.updatedAt.toISOString() });
const deliveryOut = (d: DeliveryView) => ({
  ...d,
  createdAt: d.createdAt.toISOString(),
  lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
});

/** Webhook sends reach out of the server: a few a minute per person is plenty. */
const TEST_LIMIT = { max: 10, timeWindow: '1 minute' };

/** Alert rules (CRUD), a test send of a rule's webhook, and the delivery log. */
export function registerAlertRoutes(app: FastifyInstance, deps: AlertRouteDeps): void {
  const vault = () => {
    if (!deps.vault)
      throw new TenantscopeError('TS_ERR_INTERNAL', 'the credential vault is not configured in this server');
    return deps.vault;
  };
  const actor = (request: FastifyRequest) => actorOf(request, deps.clock.now());

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/alert-rules',
      access: 'reports',
      summary: "The workspace's alert rules",
      tags: ['alerts'],
      response: z.object({ rules: z.array(ruleSchema) }),
    },
    async ({ request }) => ({
      rules: (await inWorkspace(deps.db, request, (tx) => listAlertRules(tx))).map(ruleOut),
    }),
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/alert-rules',
      access: 'admin',
      summary: 'Create an alert rule on new drift events',
      description:
        'Webhook URLs must be https:// (http:// only for a loopback receiver) and may not name or resolve to a private or link-local address.',
      tags: ['alerts'],
      body: ruleBody,
      status: 201,
      response: ruleSchema,
    },
    async ({ request, body }) =>
      ruleOut(
        await inWorkspace(deps.db, request, (tx) =>
          createAlertRule(tx, deps.vault, actor(request), stripUndefined(body)),
        ),
      ),
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/alert-rules/:id',
      access: 'reports',
      summary: 'One alert rule',
      tags: ['alerts'],
      params: idParams,
      response: ruleSchema,
    },
    async ({ request, params }) =>
      ruleOut(await inWorkspace(deps.db, request, (tx) => getAlertRule(tx, params.id))),
  );

  defineRoute(
    app,
    {
      method: 'PATCH',
      url: '/api/alert-rules/:id',
      access: 'admin',
      summary: 'Change an alert rule; a webhook left out keeps its URL and secret, null removes it',
      tags: ['alerts'],
      params: idParams,
      body: ruleBody.partial().strict(),
      response: ruleSchema,
    },
    async ({ request, params, body }) =>
      ruleOut(
        await inWorkspace(deps.db, request, (tx) =>
          updateAlertRule(tx, deps.vault, actor(request), params.id, stripUndefined(body)),
        ),
      ),
  );

  defineRoute(
    app,
    {
      method: 'DELETE',
      url: '/api/alert-rules/:id',
      access: 'admin',
      summary: 'Delete an alert rule and its delivery log',
      tags: ['alerts'],
      params: idParams,
    },
    async ({ request, params }) => {
      await inWorkspace(deps.db, request, (tx) => deleteAlertRule(tx, actor(request), params.id));
      return undefined;
    },
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/alert-rules/:id/test',
      access: 'admin',
      summary: "Send a signed test notification to the rule's webhook now (one attempt)",
      tags: ['alerts'],
      params: idParams,
      response: deliverySchema,
      rateLimit: TEST_LIMIT,
    },
    async ({ request, params }) => {
      const member = memberOf(request);
      // an unknown rule is a 404 before anything else is looked at
      await inWorkspace(deps.db, request, (tx) => getAlertRule(tx, params.id));
      const { deliveryId } = await sendTestWebhook(
        { db: deps.db, vault: vault(), clock: deps.clock },
        { workspaceId: member.workspaceId, ruleId: params.id, by: member.personId },
      );
      return inWorkspace(deps.db, request, async (tx) => {
        await recordAudit(tx, member, 'alert_rule.tested', params.id, { deliveryId });
        const [d] = (await listDeliveries(tx, { ruleId: params.id, limit: 500 })).filter(
          (x) => x.id === deliveryId,
        );
        return deliveryOut(d!);
      });
    },
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/alert-deliveries',
      access: 'reports',
      summary: 'The delivery log, newest first: attempts, last status code and error',
      tags: ['alerts'],
      querystring: z
        .object({
          ruleId: z.guid().optional(),
          status: z.enum(['pending', 'queued', 'delivered', 'failed']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        })
        .strict(),
      response: z.object({ deliveries: z.array(deliverySchema) }),
    },
    async ({ request, query }) => ({
      deliveries: (
        await inWorkspace(deps.db, request, (tx) =>
          listDeliveries(tx, {
            limit: query.limit,
            ...(query.ruleId ? { ruleId: query.ruleId } : {}),
            ...(query.status ? { status: query.status } : {}),
          }),
        )
      ).map(deliveryOut),
    }),
  );
}

/** zod's optional fields come back as undefined; the repository reads "absent" as "keep". */
function stripUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
