import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import { erasePerson } from '../../rights/erase-service.ts';
import { exportPerson } from '../../rights/export-service.ts';
import { ERASURE_NOTICE, emptyCounts, PERSON_EXPORT_FORMAT } from '../../rights/rights-types.ts';
import type { Database } from '../../storage/database.ts';
import { memberOf } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';

export interface RightsRouteDeps {
  db: Database['db'];
  clock: Clock;
}

const personParams = z
  .object({
    id: z.guid(),
    who: z
      .string()
      .trim()
      .min(3)
      .max(320)
      .describe("the person's Entra object id, or a UPN or email address they had (URL-encoded)"),
  })
  .strict();

const anyJson = z.unknown();
const isoDate = z.string().describe('ISO 8601 date-time');

const eventSchema = z.object({
  id: z.string(),
  toCollectedAt: isoDate,
  objectKind: z.string(),
  objectId: z.string(),
  objectName: z.string(),
  path: z.string(),
  kind: z.string(),
  severity: z.string(),
  before: anyJson,
  after: anyJson,
  actor: z.string(),
  attribution: anyJson,
});

const namedId = z.object({ id: z.string(), displayName: z.string().nullable() });

/** The export document (docs/person-export.md). Graph objects inside are listed as stored. */
const exportSchema = z.object({
  format: z.literal(PERSON_EXPORT_FORMAT),
  exportedAt: isoDate,
  tenant: z.object({ id: z.string(), microsoftTenantId: z.string(), displayName: z.string() }),
  person: z.object({
    objectId: z.string().nullable(),
    userPrincipalNames: z.array(z.string()),
    mails: z.array(z.string()),
    displayNames: z.array(z.string()),
    erasedAt: isoDate.nullable(),
  }),
  snapshots: z.array(z.object({ id: z.string(), collectedAt: isoDate, holdsPerson: z.boolean() })),
  current: z
    .object({
      snapshotId: z.string(),
      collectedAt: isoDate,
      user: anyJson,
      signInActivity: anyJson,
      authenticationMethods: anyJson,
      risk: anyJson,
      usage: anyJson,
      groups: z.array(namedId),
      directoryRoles: z.array(namedId),
      roleAssignments: z.array(
        z.object({
          id: z.string(),
          roleDefinitionId: z.string().nullable(),
          roleName: z.string().nullable(),
          scope: z.string().nullable(),
        }),
      ),
      licences: z.array(
        z.object({
          skuId: z.string(),
          skuPartNumber: z.string().nullable(),
          disabledPlans: z.array(z.string()),
        }),
      ),
      licenceLine: anyJson,
    })
    .nullable(),
  records: z.array(
    z.object({
      dataset: z.string(),
      relation: z.enum(['self', 'mention']),
      snapshotIds: z.array(z.string()),
      item: anyJson,
    }),
  ),
  findings: z.array(
    z.object({
      checkId: z.string(),
      title: z.string(),
      severity: z.string(),
      state: z.string(),
      evaluatedCollectedAt: isoDate,
      evidence: z.array(anyJson),
    }),
  ),
  drift: z.object({ about: z.array(eventSchema), by: z.array(eventSchema) }),
  baselineComparisons: z.array(z.object({ id: z.string(), collectedAt: isoDate, events: z.array(anyJson) })),
  standardResults: z.array(
    z.object({ id: z.string(), standardId: z.string(), collectedAt: isoDate, results: z.array(anyJson) }),
  ),
  alerts: z.object({
    deliveries: z.array(
      z.object({
        id: z.string(),
        channel: z.string(),
        kind: z.string(),
        status: z.string(),
        createdAt: isoDate,
        events: z.array(anyJson),
      }),
    ),
    emails: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        status: z.string(),
        createdAt: isoDate,
        toPerson: z.boolean(),
        paragraphs: z.array(anyJson),
      }),
    ),
    rules: z.array(z.object({ id: z.string(), name: z.string() })),
  }),
  settings: z.object({ breakGlass: z.boolean(), armSignedInAs: z.boolean() }),
  notes: z.array(z.object({ place: z.string(), id: z.string(), text: z.string() })),
  notifications: z.array(
    z.object({ id: z.string(), kind: z.string(), createdAt: isoDate, message: z.string() }),
  ),
  auditLog: z.array(
    z.object({
      at: isoDate,
      action: z.string(),
      actor: z.string(),
      target: z.string().nullable(),
      detail: anyJson,
    }),
  ),
});

const countsSchema = z.object(
  Object.fromEntries(Object.keys(emptyCounts()).map((k) => [k, z.number().int()])) as Record<
    keyof ReturnType<typeof emptyCounts>,
    z.ZodNumber
  >,
);

const eraseResponse = z.object({
  tenantId: z.string(),
  erasedAt: isoDate,
  erasedBefore: z
    .boolean()
    .describe('the person had been erased from this tenant before: nothing was left to change'),
  counts: countsSchema,
  erasureListAdded: z.number().int().describe("hashed identifiers added to the tenant's erasure list"),
  auditEntriesKept: z
    .number()
    .int()
    .describe(
      'audit log entries naming the person: kept, the audit log is append-only (retention removes them)',
    ),
  notice: z.string(),
});

/** Data-subject rights for one person of one tenant: export (access, portability) and erasure. */
export function registerRightsRoutes(app: FastifyInstance, deps: RightsRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/people/:who/export',
      access: 'owner',
      summary: 'Everything Tenantscope holds about one person of a tenant, as one JSON document',
      description:
        `Format \`${PERSON_EXPORT_FORMAT}\` (docs/person-export.md): the person's objects and records from every ` +
        'stored snapshot (each distinct version once, with the snapshots holding it), their groups, roles, licences ' +
        'and licence line, finding evidence, drift about and by them, alerts and emails naming them. Other people ' +
        'are replaced by "another person". Audited as `person.exported`.',
      tags: ['rights'],
      params: personParams,
      response: exportSchema,
      rateLimit: { max: 10, timeWindow: '1 minute' },
    },
    async ({ request, params }) => {
      const member = memberOf(request);
      return exportPerson(deps.db, deps.clock, {
        workspaceId: member.workspaceId,
        tenantId: params.id,
        who: params.who,
        actor: member.personId,
        ip: member.ip,
      });
    },
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/tenants/:id/people/:who/erase',
      access: 'owner',
      summary: 'Erase one person from the stored snapshots, findings, drift and alerts of a tenant',
      description:
        'Needs `confirm` equal to the person named in the path. Objects that are the person are removed; references ' +
        "to them elsewhere are replaced by a fixed placeholder. Their hashed identifiers join the tenant's erasure " +
        'list, so later syncs never store them again. Idempotent. Audited as `person.erased` with counts only. ' +
        'Answers 409 TS_ERR_TENANT_BUSY while a sync of the tenant runs. Cannot be undone.',
      tags: ['rights'],
      params: personParams,
      body: z.object({ confirm: z.string().max(320).optional() }).strict(),
      response: eraseResponse,
      rateLimit: { max: 10, timeWindow: '1 minute' },
    },
    async ({ request, params, body }) => {
      const member = memberOf(request);
      if (body.confirm?.trim().toLowerCase() !== params.who.toLowerCase())
        throw new TenantscopeError(
          'TS_ERR_ERASE_NOT_CONFIRMED',
          'confirm the erasure: send "confirm" with the same object id or address as in the path',
        );
      const result = await erasePerson(deps.db, deps.clock, {
        workspaceId: member.workspaceId,
        tenantId: params.id,
        who: params.who,
        actor: member.personId,
        ip: member.ip,
      });
      return { ...result, notice: ERASURE_NOTICE };
    },
  );
}
