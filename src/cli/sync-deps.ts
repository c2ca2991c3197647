import { pipelineHooks } from '../pipeline/analyse-snapshot.ts';
import { systemClock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import type { SyncDeps } from '../sync/sync-service.ts';
import { createVault } from '../tenants/credential-vault.ts';
import type { Runtime } from './runtime.ts';

/** What every sync needs, the same for the inline worker, `tenantscope worker` and `tenantscope sync`. */
export function syncDepsFor(runtime: Runtime, config: Pick<Config, 'extraCaFile' | 'app'>): SyncDeps {
  const base = { db: runtime.database.db, clock: systemClock, logger: runtime.logger };
  return {
    ...base,
    vault: createVault([runtime.masterKey.key]),
    extraCaFile: config.extraCaFile,
    // Tenantscope's own multi-tenant app: admin-consent tenants and delegated ARM sign-ins
    app: config.app,
    // after each snapshot: posture findings, drift against the previous one, licence summary
    ...pipelineHooks(base),
  };
}
