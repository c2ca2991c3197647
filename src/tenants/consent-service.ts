import { type CloudName, resolveEndpoints } from '../connectors/clouds.ts';
import { MicrosoftError } from '../connectors/microsoft-error.ts';
import { realSleep, type Sleep } from '../connectors/retry.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import { withWorkspace } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import { type ConnectDeps, verifyAndName } from './connect-service.ts';
import {
  checkState,
  createState,
  type PendingConnect,
  STATE_LIFETIME_MS,
  spendState,
} from './connect-state.ts';
import { type TenantRecord, upsertTenant } from './tenant-repo.ts';

/** Tenantscope's own multi-tenant app registration (TENANTSCOPE_APP_CLIENT_ID / _SECRET). */
export interface TenantscopeApp {
  clientId: string;
  clientSecret: string;
}

export interface ConsentDeps extends ConnectDeps {
  app: TenantscopeApp | undefined;
  /** waits between proofs while Entra propagates a fresh consent; tests pass an instant one */
  sleep?: Sleep;
}

export interface StartConsentInput {
  workspaceId: string;
  actor: string;
  /** the tenant (GUID or domain); `organizations` lets the administrator's own tenant decide */
  microsoftTenantId?: string | undefined;
  cloud: CloudName;
  endpoints?: PendingConnect['endpoints'];
  /** where Microsoft sends the administrator back: `<public URL>/api/connect/callback`, or the CLI's */
  redirectUri: string;
  displayName?: string | undefined;
}

export interface StartedConnect {
  url: string;
  expiresAt: Date;
  /** returned to the caller that must recognise the redirect (the CLI); never logged */
  state: string;
}

export function requireApp(app: TenantscopeApp | undefined): TenantscopeApp {
  if (!app)
    throw new TenantscopeError(
      'TS_ERR_APP_NOT_CONFIGURED',
      "Tenantscope's multi-tenant app is not configured on this server",
    );
  return app;
}

/**
 * The admin-consent URL (identity platform v2 `adminconsent`): the administrator grants
 * Tenantscope's app the permissions it declares, all read-only (GET /api/permissions lists them).
 * `scope` is `{graph}/.default`: every permission the app registration declares, nothing more.
 */
export async function startAdminConsent(
  deps: ConsentDeps,
  input: StartConsentInput,
): Promise<StartedConnect> {
  const app = requireApp(deps.app);
  const tenant = input.microsoftTenantId?.trim() || 'organizations';
  const endpoints = resolveEndpoints(input.cloud, input.endpoints);
  const now = deps.clock.now();
  const state = await withWorkspace(deps.db, input.workspaceId, (tx) =>
    createState(
      tx,
      input.workspaceId,
      {
        purpose: 'admin-consent',
        actor: input.actor,
        microsoftTenantId: tenant,
        cloud: input.cloud,
        endpoints: input.endpoints ?? {},
        redirectUri: input.redirectUri,
        displayName: input.displayName ?? null,
      },
      now,
    ),
  );
  const url = new URL(`${endpoints.authorityHost}/${encodeURIComponent(tenant)}/v2.0/adminconsent`);
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('scope', endpoints.graphScope);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('state', state);
  return { url: url.toString(), state, expiresAt: new Date(now.getTime() + STATE_LIFETIME_MS) };
}

export interface RedirectInput {
  workspaceId: string;
  actor: string;
  ip?: string;
  /** the redirect's query parameters, as Microsoft sent them */
  query: Record<string, string | undefined>;
}

/**
 * Microsoft's answer in the redirect: the error it names (declined, not an administrator…) is
 * the caller's error, said plainly; its description is Microsoft's own text, first line only.
 */
export function redirectError(query: RedirectInput['query']): TenantscopeError | undefined {
  if (!query.error) return undefined;
  const description = (query.error_description ?? '').split(/\r?\n/)[0]!.slice(0, 300);
  const declined = query.error === 'access_denied' ? 'the administrator declined or cancelled; ' : '';
  return new TenantscopeError(
    'TS_ERR_CONSENT_DECLINED',
    `Microsoft answered ${query.error}: ${declined}${description || 'no description given'}`,
  );
}

/**
 * The admin-consent redirect: checks `state` (single use, this workspace and person), reads
 * Microsoft's answer, proves the consent by acquiring an app token for the tenant and naming it,
 * then records the tenant with connection kind `consent`. No secret is stored for it: the app's
 * own secret comes from configuration.
 */
export async function completeAdminConsent(deps: ConsentDeps, input: RedirectInput): Promise<TenantRecord> {
  const app = requireApp(deps.app);
  const pending = await takeState(deps, input, 'admin-consent');
  const refused = redirectError(input.query);
  if (refused || input.query.admin_consent?.toLowerCase() !== 'true') {
    const error =
      refused ??
      new TenantscopeError(
        'TS_ERR_CONSENT_DECLINED',
        'Microsoft sent no admin_consent=True: nothing was granted',
      );
    await audit(deps, input, 'tenant.consent_declined', undefined, { reason: error.message });
    throw error;
  }
  const microsoftTenantId = consentedTenant(pending, input.query.tenant);
  const endpoints = resolveEndpoints(pending.cloud, pending.endpoints);
  const credential = { kind: 'secret' as const, clientSecret: app.clientSecret };
  const name = await proveWithRetry(deps, () =>
    verifyAndName(deps, endpoints, { microsoftTenantId, clientId: app.clientId, credential }),
  );
  return withWorkspace(deps.db, input.workspaceId, async (tx) => {
    const tenant = await upsertTenant(
      tx,
      input.workspaceId,
      {
        displayName: pending.displayName ?? name,
        microsoftTenantId,
        cloud: pending.cloud,
        connectionKind: 'consent',
        clientId: app.clientId,
        endpoints: pending.endpoints,
        nextSyncAt: deps.clock.now(),
      },
      null,
    );
    await appendAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: 'tenant.connected',
      target: tenant.id,
      ...(input.ip ? { ip: input.ip } : {}),
      detail: { microsoftTenantId, connection: 'consent', cloud: pending.cloud },
    });
    return tenant;
  });
}

export async function takeState(
  deps: Pick<ConsentDeps, 'db' | 'clock'>,
  input: RedirectInput,
  purpose: PendingConnect['purpose'],
): Promise<PendingConnect> {
  const state = input.query.state;
  if (!state) throw new TenantscopeError('TS_ERR_CONNECT_STATE', 'the redirect carries no state');
  const row = await withWorkspace(deps.db, input.workspaceId, (tx) => spendState(tx, state));
  return checkState(row, { actor: input.actor, purpose }, deps.clock.now());
}

/** The tenant Microsoft names must be a GUID, and the one asked for when one was named. */
function consentedTenant(pending: PendingConnect, named: string | undefined): string {
  if (!named || !isUuid(named))
    throw new TenantscopeError('TS_ERR_CONSENT_DECLINED', 'Microsoft did not say which tenant consented');
  const asked = pending.microsoftTenantId;
  if (isUuid(asked) && asked.toLowerCase() !== named.toLowerCase())
    throw new TenantscopeError(
      'TS_ERR_CONSENT_DECLINED',
      `consent was given for tenant ${named}, not for ${asked} as asked; sign in as an administrator of ${asked}`,
    );
  return named.toLowerCase();
}

/**
 * Entra takes a few seconds to create the service principal after consent; until then a token
 * request answers AADSTS700016. Three tries, 5 s apart, before the consent is called unproven.
 */
async function proveWithRetry<T>(deps: ConsentDeps, prove: () => Promise<T>): Promise<T> {
  const sleep = deps.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await prove();
    } catch (error) {
      const early = error instanceof MicrosoftError && error.kind === 'consentRevoked';
      if (!early || attempt >= 3) throw error;
      await sleep(5_000);
    }
  }
}

export async function audit(
  deps: Pick<ConsentDeps, 'db'>,
  input: Pick<RedirectInput, 'workspaceId' | 'actor' | 'ip'>,
  action: string,
  target: string | undefined,
  detail: Record<string, unknown>,
): Promise<void> {
  await withWorkspace(deps.db, input.workspaceId, (tx) =>
    appendAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action,
      ...(target ? { target } : {}),
      ...(input.ip ? { ip: input.ip } : {}),
      detail,
    }),
  );
}
