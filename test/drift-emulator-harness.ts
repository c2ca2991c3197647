/**
 * Drift tests against the emulator: snapshots read through Microsoft's protocol
 * (snapshotFromTenant), changes made through the control API as a named actor.
 */
import { expect } from 'vitest';
import { snapshotFromTenant } from '../src/collect/snapshot-from-tenant.ts';
import type { Snapshot } from '../src/collect/snapshot-types.ts';
import { resolveEndpoints } from '../src/connectors/clouds.ts';
import type { RunningEmulator } from '../src/emulator/index.ts';
import { trustingFetch } from '../src/emulator/server/test-clients.ts';

/**
 * The emulator throttles like Graph (Conditional Access: 1 request/s per tenant; identity reports:
 * 5 per 10 s per app and tenant, graph-protocol.md §3.1). These tests read one tenant back to back,
 * which a real sync never does, so the buckets are reset before each read to keep them quick.
 */
export async function readTenant(emulator: RunningEmulator, index = 0): Promise<Snapshot> {
  await control(emulator, 'POST', '/throttle/reset');
  const t = emulator.tenants[index]!;
  return snapshotFromTenant({
    endpoints: resolveEndpoints('global', {
      authorityHost: emulator.authorityHost,
      graphUrl: emulator.graphUrl,
      armUrl: emulator.armUrl,
    }),
    cloud: 'global',
    tenantId: t.tenantId,
    clientId: t.clientId,
    credential: { kind: 'secret', clientSecret: t.clientSecret },
    caFile: emulator.caFile,
  }).then((r) => r.snapshot);
}

export async function control(emulator: RunningEmulator, method: string, pathname: string, body?: unknown) {
  const res = await trustingFetch(emulator.caPem)(`${emulator.controlUrl}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${emulator.controlToken}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status).toBe(200);
  return res.json() as Promise<Record<string, unknown>>;
}

export type Actor =
  | { user: { id: string; userPrincipalName: string } }
  | { app: { appId: string; displayName: string } };

/** POST /tenants/{tid}/changes (src/emulator/control/changes.ts). */
export function change(
  emulator: RunningEmulator,
  index: number,
  body: Record<string, unknown> & { actor: Actor },
) {
  return control(emulator, 'POST', `/tenants/${emulator.tenants[index]!.tenantId}/changes`, body);
}

/** The tenant's first user: the generator makes it the admin (roster.ts). */
export function adminOf(emulator: RunningEmulator, index = 0): Actor {
  const u = emulator.stores[index]!.model.graph.collections.users[0]!;
  return { user: { id: u.id, userPrincipalName: String(u.userPrincipalName) } };
}

/** Audit records are dated by the emulator's clock: make sure a change lands after a snapshot began. */
export const tick = () => new Promise((r) => setTimeout(r, 5));
