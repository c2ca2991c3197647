import { type ArmDataset, armDatasets } from '../collect/arm-datasets.ts';
import { collectArm, openArmClient } from '../collect/collect-arm.ts';
import type { DatasetOutcome, ProgressEvent } from '../collect/collect-graph.ts';
import type { DatasetSink } from '../collect/dataset-sink.ts';
import type { MicrosoftSession } from '../collect/microsoft-session.ts';
import type { DatasetStatus } from '../collect/snapshot-types.ts';
import type { ArmClient } from '../connectors/arm-client.ts';
import { resolveEndpoints } from '../connectors/clouds.ts';
import { MicrosoftError } from '../connectors/microsoft-error.ts';
import { realSleep } from '../connectors/retry.ts';
import { isTenantscopeError, TenantscopeError } from '../platform/errors.ts';
import { withWorkspace } from '../storage/transactions.ts';
import { getArmCredential, storeArmRefreshToken } from '../tenants/arm-delegated-service.ts';
import { createDelegatedArmTokens } from '../tenants/arm-delegated-tokens.ts';
import { vaultOwner } from '../tenants/credential-vault.ts';
import type { TenantRecord } from '../tenants/tenant-repo.ts';
import type { SyncDeps } from './sync-service.ts';

/**
 * The Azure half of a server sync. It runs beside the Graph read and can never fail it: whatever
 * goes wrong on the ARM side — no role on the subscriptions, a delegated sign-in that expired, a
 * refresh token that no longer opens — ends on the ARM datasets as `forbidden`, `notLicensed` or
 * `error` with the reason, and the snapshot completes with the Graph datasets as read.
 * Only a worker shutting down (`TS_ERR_SYNC_INTERRUPTED`) stops it, as it stops the whole sync.
 */
export async function collectArmForSync(
  deps: SyncDeps,
  tenant: TenantRecord,
  session: MicrosoftSession,
  run: { sink: DatasetSink; now: Date; onProgress: (e: ProgressEvent) => void },
): Promise<{ outcomes: DatasetOutcome[]; arm?: ArmClient }> {
  if (tenant.armReads === 'off') return { outcomes: [] };
  const finished = new Set<string>();
  const begun = new Set<string>();
  const sink: DatasetSink = {
    begin: async (name) => {
      begun.add(name);
      await run.sink.begin(name);
    },
    append: (name, items) => run.sink.append(name, items),
    finish: async (name, result) => {
      finished.add(name);
      await run.sink.finish(name, result);
    },
  };
  let arm: ArmClient | undefined;
  try {
    arm = tenant.armReads === 'delegated' ? await delegatedArm(deps, tenant, session) : session.arm;
    const outcomes = await collectArm({ arm, sink, ctx: { now: run.now }, onProgress: run.onProgress });
    return { outcomes, arm };
  } catch (error) {
    if (isTenantscopeError(error) && error.code === 'TS_ERR_SYNC_INTERRUPTED') throw error;
    if (!isTenantscopeError(error)) deps.logger.warn({ tenantId: tenant.id, err: error }, 'ARM read failed');
    const failed = armDatasets.filter((d) => !finished.has(d.name));
    const outcomes = await markFailed(failed, sink, begun, error, run.onProgress);
    return { outcomes, ...(arm ? { arm } : {}) };
  }
}

/** Every ARM dataset not read ends with the failure's status and reason: never stored as empty. */
async function markFailed(
  datasets: ArmDataset[],
  sink: DatasetSink,
  begun: Set<string>,
  error: unknown,
  onProgress: (e: ProgressEvent) => void,
): Promise<DatasetOutcome[]> {
  const status = statusOf(error);
  const reason = isTenantscopeError(error)
    ? { code: error.code, message: `Azure was not read: ${error.message}` }
    : {
        code: 'TS_ERR_INTERNAL',
        message: 'Azure was not read: an unexpected error (the server log has details)',
      };
  const outcomes: DatasetOutcome[] = [];
  for (const d of datasets) {
    if (!begun.has(d.name)) await sink.begin(d.name);
    await sink.finish(d.name, { status, collectedAt: new Date().toISOString(), itemCount: 0, error: reason });
    onProgress({ dataset: d.name, phase: 'done', status, items: 0 });
    outcomes.push({ name: d.name, status, itemCount: 0, error: reason });
  }
  return outcomes;
}

function statusOf(error: unknown): DatasetStatus {
  if (error instanceof MicrosoftError && error.kind === 'permissionMissing') return 'forbidden';
  if (error instanceof MicrosoftError && error.kind === 'licenceMissing') return 'notLicensed';
  return 'error';
}

/**
 * An ARM client on the session's HTTP pool with tokens from the tenant's delegated refresh
 * token. Each rotated refresh token is sealed and stored at once (its own short transaction).
 */
async function delegatedArm(
  deps: SyncDeps,
  tenant: TenantRecord,
  session: MicrosoftSession,
): Promise<ArmClient> {
  const sealed = await withWorkspace(deps.db, tenant.workspaceId, (tx) => getArmCredential(tx, tenant.id));
  if (!sealed)
    throw new MicrosoftError('credentialInvalid', 'no delegated ARM sign-in is stored; connect Azure again');
  if (!deps.app || deps.app.clientId !== sealed.client_id)
    throw new TenantscopeError(
      'TS_ERR_APP_NOT_CONFIGURED',
      'the delegated ARM sign-in was made with an app this server is not configured with',
    );
  const app = deps.app;
  const owner = vaultOwner(tenant.workspaceId, tenant.microsoftTenantId);
  const endpoints = resolveEndpoints(tenant.cloud, tenant.endpoints);
  const tokens = createDelegatedArmTokens({
    app,
    endpoints,
    cloud: tenant.cloud,
    tenantId: tenant.microsoftTenantId,
    // decrypted here, inside the worker, right before Microsoft is called
    refreshToken: deps.vault.openToken(owner, sealed),
    http: session.http,
    onRotated: (refreshToken) =>
      withWorkspace(deps.db, tenant.workspaceId, (tx) =>
        storeArmRefreshToken(tx, deps, tenant, { clientId: app.clientId, refreshToken }),
      ),
  });
  return openArmClient({ endpoints }, session.http, tokens, { sleep: deps.sleep ?? realSleep });
}
