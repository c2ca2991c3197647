import type { GraphObject, TenantStore } from '../contract.ts';
import type { ExpandItem } from './odata-query.ts';
import { project, USER_DEFAULT_PROPERTIES } from './projection.ts';

/**
 * Directory relationships: group members/owners, role members, principals. Graph returns them as
 * `directoryObject`s carrying `@odata.type`; `$expand` returns at most 20 related objects, one
 * level, and no nextLink (graph-protocol.md §2.2, known issue 689429281).
 */
export const EXPAND_LIMIT = 20;

const DIRECTORY_TYPES = [
  ['users', 'user'],
  ['groups', 'group'],
  ['servicePrincipals', 'servicePrincipal'],
  ['applications', 'application'],
] as const;

export interface DirectoryObjectRef {
  object: GraphObject;
  type: 'user' | 'group' | 'servicePrincipal' | 'application';
}

export function findDirectoryObject(store: TenantStore, id: string): DirectoryObjectRef | undefined {
  for (const [collection, type] of DIRECTORY_TYPES) {
    const object = store.find(collection, id);
    if (object) return { object, type };
  }
  return undefined;
}

/** A directory object as a relationship returns it: `@odata.type` + its type's default set. */
export function projectDirectoryObject(
  ref: DirectoryObjectRef,
  select?: readonly string[],
): Record<string, unknown> {
  const defaults = ref.type === 'user' ? USER_DEFAULT_PROPERTIES : undefined;
  const navigation = ref.type === 'group' ? ['members', 'owners'] : [];
  const body = project(ref.object, { defaultSelect: defaults, navigation, directory: true }, select);
  return { '@odata.type': `#microsoft.graph.${ref.type}`, ...body };
}

export function resolveMembers(store: TenantStore, ids: readonly string[]): DirectoryObjectRef[] {
  return ids
    .map((id) => findDirectoryObject(store, id))
    .filter((r): r is DirectoryObjectRef => r !== undefined);
}

/** Members of a group and of every nested group, each once (group-list-transitivemembers.md). */
export function transitiveMemberIds(store: TenantStore, groupId: string): string[] {
  const seen = new Set<string>();
  const queue = [groupId];
  const visited = new Set<string>([groupId]);
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const id of store.model.graph.groupMembers[current] ?? []) {
      if (!seen.has(id)) seen.add(id);
      if (store.model.graph.groupMembers[id] && !visited.has(id)) {
        visited.add(id);
        queue.push(id);
      }
    }
  }
  return [...seen];
}

/** `$expand=members` / `owners` on a group: ≤ 20, no nextLink. */
export function expandRelationship(map: 'groupMembers' | 'groupOwners') {
  return (store: TenantStore, object: GraphObject, item: ExpandItem) =>
    resolveMembers(store, (store.model.graph[map][object.id] ?? []).slice(0, EXPAND_LIMIT)).map((ref) =>
      projectDirectoryObject(ref, item.select),
    );
}

/** `$expand=principal` on role assignments and schedules. */
export function expandPrincipal(store: TenantStore, object: GraphObject, item: ExpandItem) {
  const ref =
    typeof object.principalId === 'string' ? findDirectoryObject(store, object.principalId) : undefined;
  return ref ? projectDirectoryObject(ref, item.select) : null;
}

/** `$expand=roleDefinition`: built-in definitions are keyed by their template id. */
export function expandRoleDefinition(store: TenantStore, object: GraphObject, item: ExpandItem) {
  const id = object.roleDefinitionId;
  const definition = store
    .collection('roleManagement/directory/roleDefinitions')
    .find((d) => d.id === id || d.templateId === id);
  return definition ? project(definition, { directory: false }, item.select) : null;
}

/** `$expand=rules` on a role management policy (rules are stored inline by the generator). */
export function expandRules(_store: TenantStore, object: GraphObject, item: ExpandItem) {
  const rules = Array.isArray(object.rules) ? (object.rules as GraphObject[]) : [];
  return item.select ? rules.map((r) => project(r, { directory: false }, item.select)) : rules;
}

/** `$expand=policy($expand=rules)` on a policy assignment. */
export function expandPolicy(store: TenantStore, object: GraphObject, item: ExpandItem) {
  const policy = store.find('policies/roleManagementPolicies', String(object.policyId));
  if (!policy) return null;
  const body = project(policy, { navigation: ['rules', 'effectiveRules'], directory: false }, item.select);
  if (item.expand?.some((e) => e.name.toLowerCase() === 'rules'))
    body.rules = expandRules(store, policy, {
      name: 'rules',
    });
  return body;
}
