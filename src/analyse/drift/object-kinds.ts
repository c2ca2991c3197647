/**
 * The configuration objects drift tracks: for each kind, the dataset it comes from
 * (src/collect/graph-datasets.ts), its stable identity, a display name, its severity, and how to
 * normalise it (normalise.ts). Matching is by immutable id, never by display name, so a rename is
 * a property change (msp-anchors.md §8.3: Microsoft365DSC keys CA policies by DisplayName).
 */
import type { DriftSeverity } from './drift-types.ts';
import type { Lookups } from './lookups.ts';
import type { ShapeRules } from './normalise.ts';

type Item = Record<string, unknown>;

export interface TrackedObject {
  id: string;
  name: string;
  /** the object as prepared for normalisation */
  value: Item;
  /** ids an audit record may name as its target for a change of this object */
  auditIds: string[];
}

export interface ObjectKind {
  kind: string;
  dataset: string;
  label: string;
  severity: DriftSeverity;
  /** one: a tenant-wide singleton; many: a collection */
  cardinality: 'one' | 'many';
  rules: ShapeRules;
  /** how identity is derived, for docs/drift.md */
  identity: string;
  extract(items: unknown[], lookups: Lookups): TrackedObject[];
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const ids = (...v: unknown[]) => v.filter((x): x is string => typeof x === 'string' && x.length > 0);

interface ShapeInput {
  volatile?: string[];
  keyed?: Record<string, string>;
  ordered?: string[];
}
const shape = (s: ShapeInput): ShapeRules => ({
  // createdDateTime never changes for an id; deletedDateTime is null on every live object
  volatile: new Set(['createdDateTime', 'deletedDateTime', ...(s.volatile ?? [])]),
  keyed: s.keyed ?? {},
  ordered: new Set(s.ordered ?? []),
});

interface CollectionInput extends ShapeInput {
  kind: string;
  dataset: string;
  label: string;
  severity: DriftSeverity;
  identity?: string;
  include?: (item: Item) => boolean;
  prepare?: (item: Item) => Item;
  name?: (item: Item, l: Lookups) => string | undefined;
  auditIds?: (item: Item) => string[];
}

function collection(c: CollectionInput): ObjectKind {
  return {
    kind: c.kind,
    dataset: c.dataset,
    label: c.label,
    severity: c.severity,
    cardinality: 'many',
    rules: shape(c),
    identity: c.identity ?? '`id`',
    extract(items, lookups) {
      const out: TrackedObject[] = [];
      for (const raw of items as Item[]) {
        const id = str(raw?.id);
        if (!id || (c.include && !c.include(raw))) continue;
        const name = c.name?.(raw, lookups) ?? str(raw.displayName) ?? id;
        out.push({ id, name, value: c.prepare ? c.prepare(raw) : raw, auditIds: c.auditIds?.(raw) ?? [id] });
      }
      return out;
    },
  };
}

/** One object per tenant: the identity is the kind itself (ids of singletons are not promised). */
function singleton(c: Omit<CollectionInput, 'include' | 'name' | 'auditIds'>): ObjectKind {
  return {
    kind: c.kind,
    dataset: c.dataset,
    label: c.label,
    severity: c.severity,
    cardinality: 'one',
    rules: shape(c),
    identity: `\`${c.kind}\` (one per tenant)`,
    extract(items) {
      const raw = items[0] as Item | undefined;
      if (!raw) return [];
      return [{ id: c.kind, name: c.label, value: raw, auditIds: ids(raw.id, c.kind) }];
    },
  };
}

/** Relation datasets hold `{ parentId, items }`; these kinds track each child as an object. */
function relationItems(c: CollectionInput): ObjectKind {
  const inner = collection(c);
  return {
    ...inner,
    extract: (items, lookups) =>
      inner.extract(
        (items as { items?: unknown[] }[]).flatMap((p) => p.items ?? []),
        lookups,
      ),
  };
}

// `hint` is the first characters of a client secret: never shown, so never compared
const CREDENTIALS = {
  volatile: ['passwordCredentials.secretText', 'passwordCredentials.hint', 'keyCredentials.key'],
  keyed: { passwordCredentials: 'keyId', keyCredentials: 'keyId', requiredResourceAccess: 'resourceAppId' },
};

const roleAndPrincipal = (i: Item, l: Lookups) =>
  `${l.roleName(i.roleDefinitionId) ?? String(i.roleDefinitionId)}: ${String(i.principalId)}`;
const schedule = { volatile: ['modifiedDateTime'], identity: '`id`' };

export const OBJECT_KINDS: readonly ObjectKind[] = [
  collection({
    kind: 'conditionalAccessPolicy',
    dataset: 'conditionalAccessPolicies',
    label: 'Conditional Access policy',
    severity: 'high',
    volatile: ['modifiedDateTime'],
  }),
  collection({
    kind: 'namedLocation',
    dataset: 'namedLocations',
    label: 'Named location',
    severity: 'high',
    volatile: ['modifiedDateTime'],
  }),
  singleton({
    kind: 'authorizationPolicy',
    dataset: 'authorizationPolicy',
    label: 'Authorization policy (guest and user settings)',
    severity: 'high',
  }),
  singleton({
    kind: 'authenticationMethodsPolicy',
    dataset: 'authenticationMethodsPolicy',
    label: 'Authentication methods policy',
    severity: 'high',
    volatile: ['lastModifiedDateTime'],
  }),
  singleton({
    kind: 'securityDefaults',
    dataset: 'securityDefaults',
    label: 'Security defaults',
    severity: 'high',
  }),
  collection({
    kind: 'roleAssignment',
    dataset: 'roleAssignments',
    label: 'Directory role assignment',
    severity: 'high',
    name: roleAndPrincipal,
    auditIds: (i) => ids(i.id, i.principalId),
  }),
  {
    kind: 'directoryRoleMembers',
    dataset: 'directoryRoleMembers',
    label: 'Directory role members',
    severity: 'high',
    cardinality: 'many',
    rules: shape({}),
    identity: 'the directory role id (`parentId`); members as a set of ids',
    extract: (items, lookups) =>
      (items as { parentId?: string; items?: Item[] }[]).flatMap((p) =>
        p.parentId
          ? [
              {
                id: p.parentId,
                name: lookups.directoryRoleName(p.parentId) ?? p.parentId,
                value: { members: (p.items ?? []).map((m) => m.id) },
                auditIds: [p.parentId],
              },
            ]
          : [],
      ),
  },
  collection({
    kind: 'roleEligibilitySchedule',
    dataset: 'roleEligibilitySchedules',
    label: 'PIM eligible assignment',
    severity: 'high',
    ...schedule,
    name: roleAndPrincipal,
    auditIds: (i) => ids(i.id, i.principalId),
  }),
  collection({
    kind: 'roleAssignmentSchedule',
    dataset: 'roleAssignmentSchedules',
    label: 'PIM active assignment',
    severity: 'high',
    ...schedule,
    // A just-in-time activation is use of an eligibility, not a configuration change.
    include: (i) => i.assignmentType !== 'Activated',
    name: roleAndPrincipal,
    auditIds: (i) => ids(i.id, i.principalId),
  }),
  collection({
    kind: 'roleManagementPolicy',
    dataset: 'roleManagementPolicyAssignments',
    label: 'PIM role settings',
    severity: 'high',
    volatile: ['policy.lastModifiedDateTime', 'policy.lastModifiedBy'],
    // approval stages run in order; every other PIM list is a set or keyed by rule id
    ordered: ['policy.rules.setting.approvalStages'],
    name: (i, l) => `PIM settings: ${l.roleName(i.roleDefinitionId) ?? String(i.roleDefinitionId)}`,
    auditIds: (i) => ids(i.id, i.policyId, (i.policy as Item | undefined)?.id),
  }),
  collection({
    kind: 'application',
    dataset: 'applications',
    label: 'App registration',
    severity: 'medium',
    ...CREDENTIALS,
    auditIds: (i) => ids(i.id, i.appId),
  }),
  collection({
    kind: 'servicePrincipal',
    dataset: 'servicePrincipals',
    label: 'Enterprise app (service principal)',
    severity: 'medium',
    ...CREDENTIALS,
    auditIds: (i) => ids(i.id, i.appId),
  }),
  collection({
    kind: 'oauth2PermissionGrant',
    dataset: 'oauth2PermissionGrants',
    label: 'Delegated permission grant',
    severity: 'high',
    // `scope` is a space-separated set (oAuth2PermissionGrant resource type)
    prepare: (i) => ({
      ...i,
      scope: String(i.scope ?? '')
        .split(' ')
        .filter(Boolean),
    }),
    name: (i, l) =>
      `${l.spName(i.clientId) ?? String(i.clientId)} → ${l.spName(i.resourceId) ?? String(i.resourceId)} (${String(i.consentType)})`,
    auditIds: (i) => ids(i.id, i.clientId, i.resourceId),
  }),
  relationItems({
    kind: 'appRoleAssignment',
    dataset: 'appRoleAssignedTo',
    label: 'Application permission (app role assignment)',
    severity: 'high',
    // labels copied from the principal and resource: their renames show on those objects
    volatile: ['principalDisplayName', 'resourceDisplayName'],
    name: (i, l) =>
      `${String(i.principalDisplayName ?? i.principalId)}: ${l.appRoleName(i.resourceId, i.appRoleId) ?? String(i.appRoleId)} on ${String(i.resourceDisplayName ?? i.resourceId)}`,
    auditIds: (i) => ids(i.id, i.principalId, i.resourceId),
  }),
  collection({
    kind: 'appManagementPolicy',
    dataset: 'appManagementPolicies',
    label: 'App management policy',
    severity: 'medium',
  }),
  singleton({
    kind: 'defaultAppManagementPolicy',
    dataset: 'defaultAppManagementPolicy',
    label: 'Default app management policy',
    severity: 'medium',
  }),
  singleton({
    kind: 'sharepointSettings',
    dataset: 'sharepointSettings',
    label: 'SharePoint sharing settings',
    severity: 'medium',
  }),
  collection({
    kind: 'domain',
    dataset: 'domains',
    label: 'Domain',
    severity: 'medium',
    identity: '`id` (the domain name)',
  }),
  collection({
    kind: 'groupSetting',
    dataset: 'groupSettings',
    label: 'Directory setting (groupSettings)',
    severity: 'medium',
    keyed: { values: 'name' },
  }),
  singleton({
    kind: 'reportSettings',
    dataset: 'reportSettings',
    label: 'Usage report privacy',
    severity: 'low',
  }),
];

export const KIND_BY_NAME: ReadonlyMap<string, ObjectKind> = new Map(OBJECT_KINDS.map((k) => [k.kind, k]));
