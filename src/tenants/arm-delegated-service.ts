import { createHash } from 'node:crypto';
import { ARM_API_VERSIONS } from '../connectors/arm-client.ts';
import { resolveEndpoints } from '../connectors/clouds.ts';
import { createHttpClient } from '../connectors/http.ts';
import { classifyResponse } from '../connectors/microsoft-error.ts';
import { TenantscopeError } from '../platform/errors.ts';
import type { Tx } from '../storage/transactions.ts';
import { withWorkspace } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import {
  armDelegatedScope,
  cachedRefreshToken,
  confidentialApp,
  identityFailure,
} from './arm-delegated-tokens.ts';
import { createState, STATE_LIFETIME_MS } from './connect-state.ts';
import {
  audit,
  type ConsentDeps,
  type RedirectInput,
  redirectError,
  requireApp,
  type StartedConnect,
  takeState,
} from './consent-service.ts';
import { vaultOwner } from './credential-vault.ts';
import { findTenant, type TenantRecord } from './tenant-repo.ts';

/**
 * Starts the delegated ARM sign-in for a tenant already connected to the workspace (its Graph
 * connection stays as it is): the authorization-code URL with PKCE (S256, RFC 7636). The code
 * verifier is derived from `state` by the vault, so nothing secret waits in the database.
 */
export async function startArmDelegated(
  deps: ConsentDeps,
  input: { workspaceId: string; actor: string; tenant: string; redirectUri: string },
): Promise<StartedConnect & { tenant: TenantRecord }> {
  const app = requireApp(deps.app);
  const now = deps.clock.now();
  const { tenant, state } = await withWorkspace(deps.db, input.workspaceId, async (tx) => {
    const found = await findTenant(tx, input.tenant);
    if (!found) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'no such tenant');
    const made = await createState(
      tx,
      input.workspaceId,
      {
        purpose: 'arm-delegated',
        actor: input.actor,
        microsoftTenantId: found.microsoftTenantId,
        cloud: found.cloud,
        endpoints: found.endpoints,
        redirectUri: input.redirectUri,
        displayName: null,
      },
      now,
    );
    return { tenant: found, state: made };
  });
  const endpoints = resolveEndpoints(tenant.cloud, tenant.endpoints);
  const http = createHttpClient({ extraCaFile: deps.extraCaFile });
  try {
    const cca = confidentialApp(app, endpoints, tenant.microsoftTenantId, http);
    const url = await cca
      .getAuthCodeUrl({
        scopes: [armDelegatedScope(tenant.cloud), 'offline_access'],
        redirectUri: input.redirectUri,
        state,
        codeChallenge: createHash('sha256').update(deps.vault.pkceVerifier(state)).digest('base64url'),
        codeChallengeMethod: 'S256',
        prompt: 'select_account',
      })
      .catch((error: unknown) => {
        throw identityFailure(error);
      });
    return { url, state, expiresAt: new Date(now.getTime() + STATE_LIFETIME_MS), tenant };
  } finally {
    await http.close();
  }
}

/**
 * The delegated sign-in's redirect: `state` checked, the code redeemed with the PKCE verifier,
 * the connection proved by listing the subscriptions the person can see, then the refresh token
 * sealed (tenant_arm_credentials) and the tenant's ARM reads switched to it.
 */
export async function completeArmDelegated(
  deps: ConsentDeps,
  input: RedirectInput,
): Promise<{ tenant: TenantRecord; subscriptions: number; signedInAs: string | null }> {
  const app = requireApp(deps.app);
  const pending = await takeState(deps, input, 'arm-delegated');
  const refused = redirectError(input.query);
  if (refused || !input.query.code) {
    const error = refused ?? new TenantscopeError('TS_ERR_CONSENT_DECLINED', 'Microsoft sent no code');
    await audit(deps, input, 'tenant.arm_declined', undefined, { reason: error.message });
    throw error;
  }
  const endpoints = resolveEndpoints(pending.cloud, pending.endpoints);
  const http = createHttpClient({ extraCaFile: deps.extraCaFile });
  let redeemed: { refreshToken: string; subscriptions: number; signedInAs: string | null };
  try {
    const cca = confidentialApp(app, endpoints, pending.microsoftTenantId, http);
    const result = await cca
      .acquireTokenByCode({
        code: input.query.code,
        scopes: [armDelegatedScope(pending.cloud), 'offline_access'],
        redirectUri: pending.redirectUri,
        codeVerifier: deps.vault.pkceVerifier(input.query.state!),
      })
      .catch((error: unknown) => {
        throw identityFailure(error);
      });
    const refreshToken = cachedRefreshToken(cca);
    if (!result?.accessToken || !refreshToken)
      throw new TenantscopeError(
        'TS_ERR_CONSENT_DECLINED',
        'Microsoft issued no refresh token: offline_access was not granted',
      );
    const res = await http.send({
      method: 'GET',
      url: `${endpoints.armUrl}/subscriptions?api-version=${ARM_API_VERSIONS.subscriptions}`,
      headers: { authorization: `Bearer ${result.accessToken}`, accept: 'application/json' },
    });
    if (res.status !== 200) throw classifyResponse(res, `${endpoints.armUrl}/subscriptions`);
    const subscriptions = (JSON.parse(res.body) as { value?: unknown[] }).value?.length ?? 0;
    redeemed = { refreshToken, subscriptions, signedInAs: result.account?.username ?? null };
  } finally {
    await http.close();
  }
  const tenant = await withWorkspace(deps.db, input.workspaceId, async (tx) => {
    const found = await findTenant(tx, pending.microsoftTenantId);
    if (!found) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'the tenant was removed meanwhile');
    await storeArmRefreshToken(tx, deps, found, { clientId: app.clientId, ...redeemed });
    await tx.updateTable('tenants').set({ arm_reads: 'delegated' }).where('id', '=', found.id).execute();
    await appendAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: 'tenant.arm_connected',
      target: found.id,
      ...(input.ip ? { ip: input.ip } : {}),
      detail: { connection: 'arm-delegated', subscriptions: redeemed.subscriptions },
    });
    return { ...found, armReads: 'delegated' as const };
  });
  return { tenant, subscriptions: redeemed.subscriptions, signedInAs: redeemed.signedInAs };
}

/** Seals and keeps (or replaces) the tenant's delegated refresh token. */
export async function storeArmRefreshToken(
  tx: Tx,
  deps: Pick<ConsentDeps, 'vault'>,
  tenant: Pick<TenantRecord, 'id' | 'workspaceId' | 'microsoftTenantId'>,
  token: { clientId: string; refreshToken: string; signedInAs?: string | null },
): Promise<void> {
  const sealed = deps.vault.sealToken(
    vaultOwner(tenant.workspaceId, tenant.microsoftTenantId),
    token.refreshToken,
  );
  const values = {
    kind: 'refresh-token' as const,
    client_id: token.clientId,
    ...sealed,
    ...(token.signedInAs !== undefined ? { signed_in_as: token.signedInAs } : {}),
  };
  await tx
    .insertInto('tenant_arm_credentials')
    .values({ tenant_id: tenant.id, workspace_id: tenant.workspaceId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}

export async function getArmCredential(tx: Tx, tenantId: string) {
  return tx
    .selectFrom('tenant_arm_credentials')
    .select(['client_id', 'signed_in_as', 'wrapped_data_key', 'secret_ciphertext', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
}
