/**
 * The configuration kinds drift tracks, as people read them: a label and an area. The list is
 * the analysis's own (src/analyse/drift/object-kinds.ts, pure code with no imports at run time),
 * so a kind added there appears here without a second copy; the areas are the web app's
 * grouping, and a table test checks every kind has one.
 */
import { OBJECT_KINDS } from '../../../analyse/drift/object-kinds.ts';

export interface KindInfo {
  kind: string;
  label: string;
  /** one: a tenant-wide singleton (e.g. security defaults); many: a collection */
  cardinality: 'one' | 'many';
  severity: 'high' | 'medium' | 'low';
  area: string;
}

export const AREAS = [
  {
    key: 'access',
    label: 'Sign-in and access',
    kinds: [
      'conditionalAccessPolicy',
      'namedLocation',
      'authenticationMethodsPolicy',
      'securityDefaults',
      'authorizationPolicy',
    ],
  },
  {
    key: 'roles',
    label: 'Admin roles and PIM',
    kinds: [
      'roleAssignment',
      'directoryRoleMembers',
      'roleEligibilitySchedule',
      'roleAssignmentSchedule',
      'roleManagementPolicy',
    ],
  },
  {
    key: 'apps',
    label: 'Applications and consent',
    kinds: [
      'application',
      'servicePrincipal',
      'oauth2PermissionGrant',
      'appRoleAssignment',
      'appManagementPolicy',
      'defaultAppManagementPolicy',
    ],
  },
  { key: 'sharing', label: 'Sharing and collaboration', kinds: ['sharepointSettings', 'groupSetting'] },
  { key: 'tenant', label: 'Domains and reports', kinds: ['domain', 'reportSettings'] },
] as const;

const OTHER = 'other';
const areaOfKind = new Map<string, string>(AREAS.flatMap((a) => a.kinds.map((k) => [k, a.key])));

export const KINDS: readonly KindInfo[] = OBJECT_KINDS.map((k) => ({
  kind: k.kind,
  label: k.label,
  cardinality: k.cardinality,
  severity: k.severity,
  area: areaOfKind.get(k.kind) ?? OTHER,
}));

const byKind = new Map(KINDS.map((k) => [k.kind, k]));

export const kindInfo = (kind: string): KindInfo | undefined => byKind.get(kind);

/** "Conditional Access policy"; a kind this build does not know reads as its id. */
export const kindLabel = (kind: string): string => byKind.get(kind)?.label ?? kind;

export const areaOf = (kind: string): string => byKind.get(kind)?.area ?? OTHER;

export const areaLabel = (area: string): string =>
  AREAS.find((a) => a.key === area)?.label ?? 'Other configuration';

/** Area keys in display order, `other` last. */
export const AREA_ORDER: readonly string[] = [...AREAS.map((a) => a.key), OTHER];
