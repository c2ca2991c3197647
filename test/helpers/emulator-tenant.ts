import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { pipelineHooks } from '../../src/pipeline/analyse-snapshot.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { Schema } from '../../src/storage/schema.ts';
import { type SyncDeps, syncTenant } from '../../src/sync/sync-service.ts';
import { connectAppRegistration } from '../../src/tenants/connect-service.ts';
import type { Vault } from '../../src/tenants/credential-vault.ts';

/** What a sync needs in a test: the real pipeline after it, no waiting between retries, no log. */
export function testSyncDeps(db: Kysely<Schema>, vault: Vault, emulator: RunningEmulator): SyncDeps {
  const base = { db, clock: systemClock, logger: createLogger({ level: 'silent' }) };
  return { ...base, vault, extraCaFile: emulator.caFile, sleep: async () => {}, ...pipelineHooks(base) };
}

/**
 * Emulator tenant `index` connected to a workspace through its app registration, as an
 * administrator would, then synced (and analysed) `syncs` times. Returns our tenant id.
 */
export async function connectEmulatorTenant(
  deps: SyncDeps,
  emulator: RunningEmulator,
  workspaceId: string,
  index: number,
  syncs: number,
): Promise<string> {
  const t = emulator.tenants[index]!;
  const tenant = await connectAppRegistration(
    { db: deps.db, vault: deps.vault, clock: systemClock, extraCaFile: emulator.caFile },
    {
      workspaceId,
      actor: 'cli',
      microsoftTenantId: t.tenantId,
      clientId: t.clientId,
      credential: { kind: 'secret', clientSecret: t.clientSecret },
      cloud: 'global',
      endpoints: {
        authorityHost: emulator.authorityHost,
        graphUrl: emulator.graphUrl,
        armUrl: emulator.armUrl,
      },
    },
  );
  for (let i = 0; i < syncs; i++) {
    const result = await syncTenant(deps, { workspaceId, tenantId: tenant.id, trigger: 'manual' });
    expect(result.status).toBe('succeeded');
  }
  return tenant.id;
}
