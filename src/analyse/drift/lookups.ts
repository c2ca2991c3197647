/**
 * Names for ids, read from one snapshot, built lazily (a 100,000-user snapshot pays for the user
 * map only when an event value names a user). Only datasets that are `ok` are used.
 */
import type { Snapshot } from '../../collect/snapshot-types.ts';

type Item = Record<string, unknown>;

export interface Lookups {
  roleName(roleDefinitionId: unknown): string | undefined;
  directoryRoleName(directoryRoleId: string): string | undefined;
  spName(servicePrincipalId: unknown): string | undefined;
  appRoleName(resourceId: unknown, appRoleId: unknown): string | undefined;
  /** a label for any directory id that may appear in a value (user, group, SP, role, location) */
  anyName(id: string): string | undefined;
}

export function okItems(snapshot: Snapshot, dataset: string): Item[] {
  const d = snapshot.datasets[dataset];
  return d?.status === 'ok' ? (d.items as Item[]) : [];
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function lazyMap(build: () => Map<string, Item>): () => Map<string, Item> {
  let map: Map<string, Item> | undefined;
  return () => {
    map ??= build();
    return map;
  };
}

const byId = (items: Item[], field = 'id') => {
  const m = new Map<string, Item>();
  for (const i of items) {
    const k = str(i[field]);
    if (k) m.set(k, i);
  }
  return m;
};

export function createLookups(snapshot: Snapshot): Lookups {
  const roleDefs = lazyMap(() => byId(okItems(snapshot, 'roleDefinitions')));
  const rolesByTemplate = lazyMap(() => byId(okItems(snapshot, 'directoryRoles'), 'roleTemplateId'));
  const dirRoles = lazyMap(() => byId(okItems(snapshot, 'directoryRoles')));
  const sps = lazyMap(() => byId(okItems(snapshot, 'servicePrincipals')));
  const others = lazyMap(() => {
    const m = new Map<string, Item>();
    for (const ds of ['namedLocations', 'applications', 'groups', 'users', 'conditionalAccessPolicies']) {
      for (const [k, v] of byId(okItems(snapshot, ds))) m.set(k, v);
    }
    return m;
  });
  const label = (i: Item | undefined) => str(i?.userPrincipalName) ?? str(i?.displayName);
  const roleName = (id: unknown) => {
    const k = str(id);
    if (!k) return undefined;
    return str(roleDefs().get(k)?.displayName) ?? str(rolesByTemplate().get(k)?.displayName);
  };
  return {
    roleName,
    directoryRoleName: (id) => str(dirRoles().get(id)?.displayName),
    spName: (id) => {
      const k = str(id);
      return k ? str(sps().get(k)?.displayName) : undefined;
    },
    appRoleName(resourceId, appRoleId) {
      const k = str(resourceId);
      const roles = k ? sps().get(k)?.appRoles : undefined;
      if (!Array.isArray(roles)) return undefined;
      return str((roles as Item[]).find((r) => r.id === appRoleId)?.value);
    },
    anyName: (id) =>
      roleName(id) ??
      str(dirRoles().get(id)?.displayName) ??
      str(sps().get(id)?.displayName) ??
      label(others().get(id)),
  };
}
