import type { EmulatorRequest, GraphCollections, GraphObject, TenantStore } from '../contract.ts';
import type { GraphQueryError } from './errors.ts';
import type { ExpandItem, ODataQuery } from './odata-query.ts';

/**
 * How one Graph collection behaves: its type, default properties, page sizes, which query
 * options it accepts, and what reading it requires. One table (resources.ts) drives every list
 * route, so the rules of a resource live in one place.
 */
export interface ResourceSpec {
  /** path after the version, e.g. `users` or `identity/conditionalAccess/policies` */
  path: string;
  collection: keyof GraphCollections;
  /** short type name: `user` → `microsoft.graph.user` */
  type: string;
  /** Name used in filter errors, e.g. `User` ("... of resource 'User'.") */
  resourceName: string;
  /** Properties returned without `$select`; undefined = every stored property. */
  defaultSelect?: readonly string[];
  /** Navigation properties: stored inline by the generator but returned only with `$expand`. */
  navigation?: readonly string[];
  /** Property names for types outside the official subset schema. */
  extraProperties?: readonly string[];
  page: { default: number; max: number; overMax: 'reject' | 'clamp' };
  /** Directory object collection: advanced-query rules and `$count` apply. */
  directory: boolean;
  /** Property paths accepted in `$filter` (lambda bodies as `assignedLicenses/skuId`); 'any' = all. */
  filterable: readonly string[] | 'any';
  /** Filterable only in advanced query mode (e.g. groups' createdDateTime, aad-advanced-queries.md). */
  advancedFilterable?: readonly string[];
  /** Properties sortable without advanced query mode. */
  orderable?: readonly string[];
  /** Server order when no `$orderby` (audit logs are newest first). */
  defaultOrder?: { property: string; descending: boolean };
  /** directoryRoles and their members are not paged (paging.md). */
  noPaging?: boolean;
  skipSupported?: boolean;
  expand?: Record<string, Expander>;
  /** A check real Graph makes on this resource before listing (e.g. PIM policies' required filter). */
  validate?: (query: ODataQuery) => GraphQueryError | undefined;
}

/** Resolves one `$expand` item for one object; returns the value of the expanded property. */
export type Expander = (store: TenantStore, object: GraphObject, item: ExpandItem) => unknown;

export interface ListContext {
  req: EmulatorRequest;
  store: TenantStore;
  /** `@odata.context` fragment after `#`, e.g. `users` or `servicePrincipals('id')/appRoleAssignedTo` */
  contextPath: string;
}
