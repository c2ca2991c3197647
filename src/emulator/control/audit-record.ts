import { randomUUID } from 'node:crypto';
import type { Actor, GraphObject } from '../contract.ts';

/**
 * A directoryAudit record shaped as Entra writes it (examples/directoryAudits.list.json): activity
 * names, categories and services per object type; `modifiedProperties` old/new values are JSON
 * strings. Conditional Access logs the whole policy as one property, `ConditionalAccessPolicy`,
 * while Core Directory logs one entry per changed property with values in JSON arrays (`[true]`).
 */
export type Operation = 'Add' | 'Update' | 'Delete';

interface Kind {
  category: string;
  service: string;
  noun: string;
  targetType: string;
  /** the single property name when the whole object is logged */
  whole?: string;
}

const KINDS: Record<string, Kind> = {
  'identity/conditionalAccess/policies': {
    category: 'Policy',
    service: 'Conditional Access',
    noun: 'conditional access policy',
    targetType: 'Policy',
    whole: 'ConditionalAccessPolicy',
  },
  'identity/conditionalAccess/namedLocations': {
    category: 'Policy',
    service: 'Conditional Access',
    noun: 'named location',
    targetType: 'Policy',
    whole: 'NamedLocation',
  },
  users: { category: 'UserManagement', service: 'Core Directory', noun: 'user', targetType: 'User' },
  groups: { category: 'GroupManagement', service: 'Core Directory', noun: 'group', targetType: 'Group' },
  applications: {
    category: 'ApplicationManagement',
    service: 'Core Directory',
    noun: 'application',
    targetType: 'Application',
  },
  servicePrincipals: {
    category: 'ApplicationManagement',
    service: 'Core Directory',
    noun: 'service principal',
    targetType: 'ServicePrincipal',
  },
  oauth2PermissionGrants: {
    category: 'ApplicationManagement',
    service: 'Core Directory',
    noun: 'delegated permission grant',
    targetType: 'ServicePrincipal',
  },
  'roleManagement/directory/roleAssignments': {
    category: 'RoleManagement',
    service: 'Core Directory',
    noun: 'role assignment',
    targetType: 'Role',
  },
  domains: {
    category: 'DirectoryManagement',
    service: 'Core Directory',
    noun: 'domain',
    targetType: 'Other',
  },
  'policies/authorizationPolicy': {
    category: 'Policy',
    service: 'Core Directory',
    noun: 'authorization policy',
    targetType: 'Policy',
  },
  'policies/authenticationMethodsPolicy': {
    category: 'Policy',
    service: 'Authentication Methods',
    noun: 'authentication methods policy',
    targetType: 'Policy',
  },
  'policies/identitySecurityDefaultsEnforcementPolicy': {
    category: 'Policy',
    service: 'Core Directory',
    noun: 'security defaults policy',
    targetType: 'Policy',
  },
};

function kindOf(collection: string): Kind {
  const last = collection.split('/').pop() ?? collection;
  return (
    KINDS[collection] ?? { category: 'Other', service: 'Core Directory', noun: last, targetType: 'Other' }
  );
}

/** Entra's own names for role membership changes. */
function activity(op: Operation, k: Kind): string {
  if (k.noun === 'role assignment' && op !== 'Update')
    return op === 'Add' ? 'Add member to role' : 'Remove member from role';
  const verb = op === 'Delete' && k.noun === 'delegated permission grant' ? 'Remove' : op;
  return `${verb} ${k.noun}`;
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const asJson = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

function modifiedProperties(k: Kind, before: GraphObject | undefined, after: GraphObject | undefined) {
  if (k.whole) return [{ displayName: k.whole, oldValue: asJson(before), newValue: asJson(after) }];
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  keys.delete('id');
  return [...keys]
    .filter((key) => JSON.stringify(before?.[key]) !== JSON.stringify(after?.[key]))
    .map((key) => ({
      displayName: pascal(key),
      oldValue: before && key in before ? JSON.stringify([before[key]]) : null,
      newValue: after && key in after ? JSON.stringify([after[key]]) : null,
    }));
}

function initiatedBy(actor: Actor) {
  if ('user' in actor) {
    const u = actor.user;
    return {
      app: null,
      user: {
        id: u.id,
        displayName: u.displayName ?? null,
        userPrincipalName: u.userPrincipalName,
        ipAddress: u.ipAddress ?? null,
      },
    };
  }
  const a = actor.app;
  return {
    user: null,
    app: {
      appId: a.appId,
      displayName: a.displayName,
      servicePrincipalId: a.servicePrincipalId ?? null,
      servicePrincipalName: null,
    },
  };
}

export interface AuditInput {
  actor: Actor;
  collection: string;
  op: Operation;
  before?: GraphObject;
  after?: GraphObject;
  at: Date;
}

export function directoryAudit(i: AuditInput): GraphObject {
  const k = kindOf(i.collection);
  const target = i.after ?? i.before;
  return {
    id: `Directory_${randomUUID()}`,
    category: k.category,
    correlationId: randomUUID(),
    result: 'success',
    resultReason: '',
    activityDisplayName: activity(i.op, k),
    activityDateTime: i.at.toISOString(),
    loggedByService: k.service,
    operationType: i.op === 'Delete' ? 'Delete' : i.op === 'Add' ? 'Add' : 'Update',
    initiatedBy: initiatedBy(i.actor),
    targetResources: [
      {
        id: target?.id ?? null,
        displayName: (target?.displayName as string | undefined) ?? null,
        type: k.targetType,
        userPrincipalName: (target?.userPrincipalName as string | undefined) ?? null,
        groupType: null,
        modifiedProperties: modifiedProperties(k, i.before, i.after),
      },
    ],
    additionalDetails: [],
  };
}
