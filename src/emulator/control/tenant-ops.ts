import type { EmulatedClient, GraphObject, TenantModel, TenantStore } from '../contract.ts';

/**
 * Tenant-level operations that are not directory objects: consent, secrets and licences.
 * Each mirrors what an administrator does in the portal, so the product's reaction can be tested.
 */
export function findClient(store: TenantStore, clientId: string): EmulatedClient | undefined {
  return store.model.clients.find((c) => c.clientId.toLowerCase() === clientId.toLowerCase());
}

/** The admin removed the enterprise app: no new tokens (AADSTS700016) and old ones rejected (401). */
export function revokeConsent(client: EmulatedClient): void {
  client.consented = false;
}

export function restoreConsent(client: EmulatedClient): void {
  client.consented = true;
}

/** Expires one secret (or all when `keyId` is absent) one second before `now`. */
export function expireSecrets(client: EmulatedClient, now: number, keyId?: string): number {
  const past = new Date(now - 1000).toISOString();
  let n = 0;
  for (const s of client.secrets) {
    if (keyId === undefined || s.keyId === keyId) {
      s.expiresAt = past;
      n += 1;
    }
  }
  return n;
}

export interface LicenceRemoval {
  /** remove this SKU from users (all users, or those in `userIds`) */
  skuId?: string;
  userIds?: string[];
  /** set the tenant's Entra plan directly, e.g. `free` after the P1 subscription lapsed */
  entraPlan?: TenantModel['entraPlan'];
}

/** Returns how many users lost the SKU; writes go through the store so delta queries see them. */
export function removeLicence(store: TenantStore, r: LicenceRemoval): number {
  if (r.entraPlan) store.model.entraPlan = r.entraPlan;
  if (!r.skuId) return 0;
  const only = r.userIds ? new Set(r.userIds) : undefined;
  let changed = 0;
  for (const user of [...store.collection('users')]) {
    if (only && !only.has(user.id)) continue;
    const held = (user.assignedLicenses as { skuId: string }[] | undefined) ?? [];
    if (!held.some((l) => l.skuId === r.skuId)) continue;
    const next: GraphObject = { ...user, assignedLicenses: held.filter((l) => l.skuId !== r.skuId) };
    const states = user.licenseAssignmentStates as { skuId: string }[] | undefined;
    if (states) next.licenseAssignmentStates = states.filter((l) => l.skuId !== r.skuId);
    store.upsert('users', next);
    changed += 1;
  }
  return changed;
}
