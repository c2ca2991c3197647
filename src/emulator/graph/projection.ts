import type { GraphObject, TenantStore } from '../contract.ts';
import { badRequest, unknownProperty } from './errors.ts';
import type { ExpandItem } from './odata-query.ts';
import type { ResourceSpec } from './resource-spec.ts';

/**
 * `$select` and `$expand` applied to one object. Without `$select`, a resource returns its default
 * property set: small for users (MGD user-list: "businessPhones, displayName, givenName, id,
 * jobTitle, mail, mobilePhone, officeLocation, preferredLanguage, surname, userPrincipalName"),
 * every stored property elsewhere. Navigation properties appear only when expanded.
 */
export const USER_DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

export function project(
  object: GraphObject,
  spec: Pick<ResourceSpec, 'defaultSelect' | 'navigation' | 'directory'>,
  select: readonly string[] | undefined,
): Record<string, unknown> {
  const navigation = new Set(spec.navigation ?? []);
  const keys = select ?? spec.defaultSelect ?? Object.keys(object).filter((k) => !navigation.has(k));
  const result: Record<string, unknown> = {};
  // Annotations such as `@odata.type` on derived types always travel with the object.
  for (const key of Object.keys(object)) if (key.startsWith('@')) result[key] = object[key];
  // Directory objects always carry their id, selected or not.
  if (spec.directory && select) result.id = object.id;
  for (const key of keys) {
    if (navigation.has(key)) continue;
    if (key in object) result[key] = object[key];
  }
  return result;
}

/** Applies `$expand` items with the resource's expanders; unknown names are Graph's 400. */
export function expandInto(
  target: Record<string, unknown>,
  object: GraphObject,
  spec: ResourceSpec,
  items: readonly ExpandItem[],
  store: TenantStore,
): void {
  for (const item of items) {
    const expander = Object.entries(spec.expand ?? {}).find(
      ([k]) => k.toLowerCase() === item.name.toLowerCase(),
    );
    if (!expander) {
      const isProperty = (spec.navigation ?? []).some((n) => n.toLowerCase() === item.name.toLowerCase());
      if (isProperty) throw badRequest(`Expanding '${item.name}' is not supported by the emulator.`);
      throw unknownProperty(item.name, spec.type);
    }
    target[expander[0]] = expander[1](store, object, item);
  }
}
