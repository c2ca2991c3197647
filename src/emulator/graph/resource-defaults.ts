import type { ResourceSpec } from './resource-spec.ts';

/**
 * The collections the emulator serves and how each behaves. Page sizes: directory objects
 * 100 default / 999 max, rejected above (paging.md; "Invalid page size specified"); signIns
 * 1,000 (signin-list.md); other numbers marked [assumed] are not published.
 */
export const DIRECTORY_PAGE = { default: 100, max: 999, overMax: 'reject' } as const;
/** [assumed] reports and policies: one large page, `$top` clamped */
export const LARGE_PAGE = { default: 1000, max: 1000, overMax: 'clamp' } as const;

export type Spec = Omit<ResourceSpec, 'directory' | 'filterable' | 'page'> &
  Partial<Pick<ResourceSpec, 'directory' | 'filterable' | 'page'>>;

export function spec(s: Spec): ResourceSpec {
  return { directory: false, filterable: 'any', page: LARGE_PAGE, ...s };
}

export function directory(s: Spec): ResourceSpec {
  return spec({ directory: true, page: DIRECTORY_PAGE, orderable: ['displayName'], ...s });
}
