import type { TenantStore } from '../contract.ts';

/**
 * All tenants one emulator serves. Entra accepts a tenant GUID or any of its verified domain names
 * in the authority path (graph-protocol.md §1.1); tokens carry the GUID in `tid`.
 */
export interface TenantDirectory {
  all(): TenantStore[];
  byId(tenantId: string): TenantStore | undefined;
  /** GUID, initial domain or another domain id from `domains` (case-insensitive) */
  resolve(tenantOrDomain: string): TenantStore | undefined;
}

export function createTenantDirectory(stores: TenantStore[]): TenantDirectory {
  const byId = new Map(stores.map((s) => [s.model.tenantId.toLowerCase(), s]));
  function byDomain(name: string): TenantStore | undefined {
    return stores.find(
      (s) =>
        s.model.initialDomain.toLowerCase() === name ||
        s.collection('domains').some((d) => d.id.toLowerCase() === name),
    );
  }
  return {
    all: () => stores,
    byId: (tenantId) => byId.get(tenantId.toLowerCase()),
    resolve(tenantOrDomain) {
      const key = tenantOrDomain.toLowerCase();
      return byId.get(key) ?? byDomain(key);
    },
  };
}

/** The user count that sizes a tenant's resource-unit bucket (graph-protocol.md §3.2: S/M/L). */
export function userCount(store: TenantStore): number {
  return store.collection('users').length;
}
