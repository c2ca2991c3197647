import { z } from 'zod';
import { errorCatalogue } from '../../platform/errors.ts';

/**
 * Response shapes of the API, each an allowlist. Nothing here names a credential column
 * (`secret_ciphertext`, `wrapped_data_key`, `password_hash`): a field that is not listed cannot be
 * serialised, whatever a handler returns.
 */
const errorCodes = Object.keys(errorCatalogue) as [
  keyof typeof errorCatalogue,
  ...(keyof typeof errorCatalogue)[],
];

export const errorBodySchema = z
  .object({
    requestId: z.string(),
    statusCode: z.number().int(),
    code: z.enum(errorCodes),
    message: z.string(),
  })
  .describe('every error: a catalogue code (docs/errors.md) and a message for people');

export const roleSchema = z.enum(['owner', 'admin', 'reports']);
export const isoDate = z.string().describe('ISO 8601 date-time');

export const personSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string().nullable(),
});

export const workspaceChoiceSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  role: roleSchema,
});

export const meSchema = z.object({
  person: personSchema,
  workspace: workspaceChoiceSchema.nullable(),
  workspaces: z.array(workspaceChoiceSchema),
  csrfToken: z.string().describe('send in the x-csrf-token header with every state-changing request'),
  expiresAt: isoDate.describe('when the session ends unless used before (idle 12 h, absolute 7 days)'),
});

export const tenantSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  microsoftTenantId: z.string(),
  status: z.enum(['new', 'connected', 'disconnected', 'paused']),
  statusReason: z.string().nullable(),
  cloud: z.string(),
  connectionKind: z.enum(['consent', 'app', 'arm-delegated']).nullable(),
  clientId: z.string().nullable(),
  endpoints: z.object({
    authorityHost: z.string().optional(),
    graphUrl: z.string().optional(),
    armUrl: z.string().optional(),
  }),
  minimalMode: z.boolean(),
  armReads: z
    .enum(['off', 'app', 'delegated'])
    .describe(
      'how Azure Resource Manager is read: not at all, with the app credential, or with a delegated token',
    ),
  disconnectedAt: isoDate
    .nullable()
    .describe(
      "when a workspace owner disconnected it; the retention job purges it after the workspace's period",
    ),
  syncIntervalMinutes: z.number().int(),
  consecutiveFailures: z.number().int(),
  lastSyncAt: isoDate.nullable(),
  nextSyncAt: isoDate.nullable(),
  credential: z
    .object({
      kind: z.enum(['secret', 'certificate', 'refresh-token']),
      expiresAt: isoDate.nullable(),
    })
    .nullable()
    .describe(
      'what kind of credential is stored and when it expires; the credential itself is never returned',
    ),
});

const errorSummary = z.object({ code: z.string(), message: z.string() });

export const syncRunSchema = z.object({
  id: z.string(),
  trigger: z.enum(['schedule', 'manual', 'demo']),
  status: z.enum(['running', 'succeeded', 'failed']),
  startedAt: isoDate,
  finishedAt: isoDate.nullable(),
  snapshotId: z.string().nullable(),
  requests: z.number().int(),
  throttled: z.number().int(),
  progress: z.object({
    datasets: z.record(z.string(), z.object({ items: z.number().int(), status: z.string().optional() })),
    analysis: z
      .object({ status: z.string(), code: z.string().optional(), message: z.string().optional() })
      .optional()
      .describe(
        "the analysis after the sync: running, succeeded or failed (findings and drift are the previous run's until it ends)",
      ),
  }),
  error: errorSummary.nullable(),
});

export const snapshotSchema = z.object({
  id: z.string(),
  startedAt: isoDate,
  completedAt: isoDate,
  datasets: z.array(
    z.object({
      name: z.string(),
      status: z.enum(['ok', 'notLicensed', 'forbidden', 'error']),
      itemCount: z.number().int(),
      error: errorSummary.nullable(),
    }),
  ),
});

export const memberSchema = personSchema.extend({ role: roleSchema });

export const auditEntrySchema = z.object({
  id: z.string(),
  at: isoDate,
  actor: z.string(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

/** Path parameter `:id`: a GUID; anything else is a validation error before any lookup. */
export const idParams = z.object({ id: z.guid() }).strict();

export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
