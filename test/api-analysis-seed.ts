import { sql } from 'kysely';
import { expect } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { pipelineHooks } from '../src/pipeline/analyse-snapshot.ts';
import { systemClock } from '../src/platform/clock.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { newId } from '../src/platform/ids.ts';
import { createLogger } from '../src/platform/logger.ts';
import type { AuditEntry } from '../src/storage/schema.ts';
import { withWorkspace } from '../src/storage/transactions.ts';
import { type SyncDeps, syncTenant } from '../src/sync/sync-service.ts';
import { connectAppRegistration } from '../src/tenants/connect-service.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import { listAudit } from '../src/workspaces/audit-repo.ts';
import { type Agent, type Harness, openHarness } from './api-harness.ts';
import { adminOf, change, control, tick } from './drift-emulator-harness.ts';

/**
 * What the analysis API suites share: workspace A with an emulated tenant connected and synced
 * through the real sync and pipeline (so findings, scores, summaries and drift are the
 * product's own), A's three roles signed in, and workspace B with its owner and a tenant of its
 * own that was never synced — B's owner is the caller who must see none of A's ids.
 */
export const PASSWORD = 'analysis api password 42';
export const CA = 'identity/conditionalAccess/policies';

export interface Seeded {
  h: Harness;
  emulator: RunningEmulator;
  wsA: string;
  wsB: string;
  tenantA: string;
  tenantB: string;
  owner: Agent;
  admin: Agent;
  reports: Agent;
  ownerB: Agent;
  /** syncs A's tenant again through the pipeline */
  sync(): Promise<string>;
  /** enforces the report-only "Block legacy authentication" policy as A's admin: one drift event */
  enforceLegacyPolicy(): Promise<string>;
  /** A's audit log, newest first */
  audit(): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

export async function seedAnalysis(seed: string, users = 40): Promise<Seeded> {
  const [emulator, h] = await Promise.all([
    startEmulator({ tenants: [{ users, profile: 'typical', seed }] }),
    openHarness(),
  ]);
  const vault = createVault([generateKey()]);
  const logger = createLogger({ level: 'silent' });
  const deps: SyncDeps = {
    db: h.database.db,
    vault,
    clock: systemClock,
    logger,
    extraCaFile: emulator.caFile,
    sleep: async () => {},
    ...pipelineHooks({ db: h.database.db, clock: systemClock, logger }),
  };
  const wsA = await h.workspace(`a-${seed}`);
  const wsB = await h.workspace(`b-${seed}`);
  for (const role of ['owner', 'admin', 'reports'] as const)
    await h.person(`${role}@a.example`, PASSWORD, [{ workspaceId: wsA, role }]);
  await h.person('owner@b.example', PASSWORD, [{ workspaceId: wsB, role: 'owner' }]);
  const t = emulator.tenants[0]!;
  const tenant = await connectAppRegistration(deps, {
    workspaceId: wsA,
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
  });
  const tenantB = newId();
  await withWorkspace(h.database.db, wsB, (tx) =>
    sql`INSERT INTO tenants (id, workspace_id, display_name, microsoft_tenant_id, status)
        VALUES (${tenantB}, ${wsB}, 'Tenant B — private', ${newId()}, 'connected')`.execute(tx),
  );
  const sync = async () => {
    // back-to-back syncs, which a schedule never does: reset the emulator's CA throttle first
    await control(emulator, 'POST', '/throttle/reset');
    await tick();
    const result = await syncTenant(deps, { workspaceId: wsA, tenantId: tenant.id, trigger: 'manual' });
    expect(result.status).toBe('succeeded');
    return result.snapshotId!;
  };
  await sync();
  return {
    h,
    emulator,
    wsA,
    wsB,
    tenantA: tenant.id,
    tenantB,
    owner: await h.signIn('owner@a.example', PASSWORD),
    admin: await h.signIn('admin@a.example', PASSWORD),
    reports: await h.signIn('reports@a.example', PASSWORD),
    ownerB: await h.signIn('owner@b.example', PASSWORD),
    sync,
    async enforceLegacyPolicy() {
      const policy = emulator.stores[0]!.model.graph.collections[CA]!.find(
        (p) => p.displayName === 'Block legacy authentication',
      )!;
      await tick();
      await change(emulator, 0, {
        actor: adminOf(emulator),
        collection: CA,
        id: policy.id,
        patch: { state: 'enabled' },
      });
      await sync();
      return String(policy.id);
    },
    audit: () => withWorkspace(h.database.db, wsA, (tx) => listAudit(tx, 500)),
    async close() {
      h.assertNoSecrets([PASSWORD, t.clientSecret]);
      await h.close();
      await emulator.close();
    },
  };
}
