/** The deterministic tenant generator (issue 3). See README.md for its invariants. */

export {
  GRAPH_APP_ROLES,
  RISKY_APP_ROLES,
  RISKY_DELEGATED_SCOPES,
  TENANTSCOPE_APP_ROLES,
} from './catalog/graph-permissions.ts';
export { PRIVILEGED_ROLE_IDS, ROLES } from './catalog/roles.ts';
export { entraPlanOf, overlappingSkuIds, SKU_INCLUDES, SKUS } from './catalog/skus.ts';
export { DEFAULT_AS_OF, type GenerateSpec, generateTenant } from './generate.ts';
export type { EntraPlan } from './profile.ts';
export { NEVER_NON_INTERACTIVE } from './users.ts';
