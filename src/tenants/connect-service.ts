import type { Kysely } from 'kysely';
import { type CloudName, type Endpoints, resolveEndpoints } from '../connectors/clouds.ts';
import { createPacer } from '../connectors/graph-budget.ts';
import { createGraphClient } from '../connectors/graph-client.ts';
import { createHttpClient } from '../connectors/http.ts';
import { realSleep } from '../connectors/retry.ts';
import { type AppCredential, createAppTokenProvider } from '../connectors/token-provider.ts';
import type { Clock } from '../platform/clock.ts';
import type { Schema } from '../storage/schema.ts';
import { withWorkspace } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import { type Vault, vaultOwner } from './credential-vault.ts';
import { type TenantRecord, upsertTenant } from './tenant-repo.ts';

export interface AppRegistrationInput {
  workspaceId: string;
  /** who connects: a member id, `cli` or `system` */
  actor: string;
  ip?: string;
  microsoftTenantId: string;
  clientId: string;
  credential: AppCredential;
  cloud: CloudName;
  endpoints?: Partial<Pick<Endpoints, 'authorityHost' | 'graphUrl' | 'armUrl'>>;
  displayName?: string;
  /** read Azure too, with this app's credential (it holds Reader / Cost Management Reader roles) */
  arm?: boolean;
}

export interface ConnectDeps {
  db: Kysely<Schema>;
  vault: Vault;
  clock: Clock;
  extraCaFile?: string | undefined;
}

/**
 * Connects a tenant through the customer's own app registration. The credential is proved by
 * acquiring a token (and reading the organization's name) before anything is saved, so a typo
 * in a secret is an error now, not a failed sync tomorrow.
 */
export async function connectAppRegistration(
  deps: ConnectDeps,
  input: AppRegistrationInput,
): Promise<TenantRecord> {
  const endpoints = resolveEndpoints(input.cloud, input.endpoints);
  const displayName = input.displayName ?? (await verifyAndName(deps, endpoints, input));
  if (input.displayName) await verifyAndName(deps, endpoints, input);
  const armReads = input.arm ? ('app' as const) : undefined;
  const sealed = deps.vault.seal(vaultOwner(input.workspaceId, input.microsoftTenantId), input.credential);
  return withWorkspace(deps.db, input.workspaceId, async (tx) => {
    const tenant = await upsertTenant(
      tx,
      input.workspaceId,
      {
        displayName,
        microsoftTenantId: input.microsoftTenantId,
        cloud: input.cloud,
        connectionKind: 'app',
        clientId: input.clientId,
        endpoints: input.endpoints ?? {},
        nextSyncAt: deps.clock.now(),
        ...(armReads ? { armReads } : {}),
      },
      sealed,
    );
    await appendAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: 'tenant.connected',
      target: tenant.id,
      ...(input.ip ? { ip: input.ip } : {}),
      detail: { microsoftTenantId: input.microsoftTenantId, connection: 'app', cloud: input.cloud },
    });
    return tenant;
  });
}

/**
 * Proves a credential by acquiring a Graph token for the tenant, then names the tenant from
 * `/organization` (its id when that read is not allowed).
 */
export async function verifyAndName(
  deps: Pick<ConnectDeps, 'extraCaFile'>,
  endpoints: Endpoints,
  input: Pick<AppRegistrationInput, 'microsoftTenantId' | 'clientId' | 'credential'>,
): Promise<string> {
  const http = createHttpClient({ extraCaFile: deps.extraCaFile });
  try {
    const tokens = createAppTokenProvider({
      endpoints,
      tenantId: input.microsoftTenantId,
      clientId: input.clientId,
      credential: input.credential,
      http,
    });
    await tokens.getToken(endpoints.graphScope);
    const graph = createGraphClient({
      graphUrl: endpoints.graphUrl,
      scope: endpoints.graphScope,
      tokens,
      http,
      pacer: createPacer({ sleep: realSleep }),
      sleep: realSleep,
    });
    const org = await graph
      .get<{ value?: { displayName?: string }[] }>('/organization?$select=id,displayName')
      .catch(() => undefined);
    return org?.value?.[0]?.displayName ?? input.microsoftTenantId;
  } finally {
    await http.close();
  }
}
