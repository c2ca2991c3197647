/** Re-exports for tests (kept out of index.ts so the public API stays small). */
export { entraPlanOf, SKU_BY_ID as SKU_BY_ID_FOR_TESTS } from './catalog/skus.ts';
export { type GenerateSpec, generateTenant } from './generate.ts';
