/**
 * Every generated Graph collection and singleton the official schema covers validates against
 * `$defs["microsoft.graph.<type>"]` (graph-protocol.md §5: Ajv 2020 + ajv-formats, schema added
 * with `$id: 'graph'`). Unknown properties are rejected by the schema, so a typo fails here.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import type { GraphCollections, GraphSingletons } from '../contract.ts';
import { generateTenant } from './index.ts';

const schemaUrl = new URL(
  '../../../../shared/reference/graph/graph-v1.0-subset.schema.json',
  import.meta.url,
);
const schema = JSON.parse(readFileSync(schemaUrl, 'utf8')) as { $defs: Record<string, unknown> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: under NodeNext its default export arrives as `.default`.
type AddFormats = (ajv: Ajv2020) => unknown;
const addFormats = ((formats as unknown as { default?: AddFormats }).default ??
  formats) as unknown as AddFormats;
addFormats(ajv);
ajv.addSchema({ $id: 'graph', $defs: schema.$defs });
const validator = (type: string) => ajv.compile({ $ref: `graph#/$defs/microsoft.graph.${type}` });

const COLLECTION_TYPES: Partial<Record<keyof GraphCollections, string>> = {
  users: 'user',
  groups: 'group',
  subscribedSkus: 'subscribedSku',
  organization: 'organization',
  domains: 'domain',
  directoryRoles: 'directoryRole',
  'roleManagement/directory/roleDefinitions': 'unifiedRoleDefinition',
  'roleManagement/directory/roleAssignments': 'unifiedRoleAssignment',
  'roleManagement/directory/roleEligibilitySchedules': 'unifiedRoleEligibilitySchedule',
  applications: 'application',
  servicePrincipals: 'servicePrincipal',
  oauth2PermissionGrants: 'oAuth2PermissionGrant',
  'identity/conditionalAccess/policies': 'conditionalAccessPolicy',
  'reports/authenticationMethods/userRegistrationDetails': 'userRegistrationDetails',
  'auditLogs/directoryAudits': 'directoryAudit',
  'auditLogs/signIns': 'signIn',
  'identityProtection/riskyUsers': 'riskyUser',
};
const SINGLETON_TYPES: Partial<Record<keyof GraphSingletons, string>> = {
  'policies/authorizationPolicy': 'authorizationPolicy',
  'policies/authenticationMethodsPolicy': 'authenticationMethodsPolicy',
  'policies/identitySecurityDefaultsEnforcementPolicy': 'identitySecurityDefaultsEnforcementPolicy',
  'admin/sharepoint/settings': 'sharepointSettings',
  'admin/reportSettings': 'adminReportSettings',
};

/** First 40, last 10 and every 97th object: enough to meet every kind of user, group, policy. */
function sample<T>(items: T[]): T[] {
  return items.filter((_, i) => i < 40 || i >= items.length - 10 || i % 97 === 0);
}

const TENANTS = [
  generateTenant({ users: 400, profile: 'hardened', seed: 'schema' }),
  generateTenant({ users: 400, profile: 'typical', seed: 'schema' }),
  generateTenant({ users: 400, profile: 'neglected', seed: 'schema' }),
  generateTenant({ users: 60, profile: 'neglected', seed: 'schema', entraPlan: 'free' }),
];

describe.each(TENANTS.map((t) => [`${t.profile}/${t.entraPlan}`, t] as const))(
  '%s tenant',
  (_name, tenant) => {
    test.each(Object.entries(COLLECTION_TYPES))('%s validates as microsoft.graph.%s', (collection, type) => {
      const validate = validator(type);
      const items = tenant.graph.collections[collection as keyof GraphCollections];
      for (const item of sample(items)) {
        const ok = validate(item);
        expect(ok ? [] : validate.errors?.slice(0, 3), `${collection} ${item.id}`).toEqual([]);
      }
    });

    test.each(Object.entries(SINGLETON_TYPES))(
      'singleton %s validates as microsoft.graph.%s',
      (path, type) => {
        const validate = validator(type);
        const ok = validate(tenant.graph.singletons[path as keyof GraphSingletons]);
        expect(ok ? [] : validate.errors?.slice(0, 3)).toEqual([]);
      },
    );

    test('appRoleAssignedTo entries validate as microsoft.graph.appRoleAssignment', () => {
      const validate = validator('appRoleAssignment');
      const all = Object.values(tenant.graph.appRoleAssignedTo).flat();
      expect(all.length).toBeGreaterThan(0);
      for (const a of all) expect(validate(a) ? [] : validate.errors?.slice(0, 3)).toEqual([]);
    });
  },
);

test('the schema rejects a misspelt property, so these validations can fail', () => {
  const validate = validator('user');
  expect(validate({ id: 'x', lastSignInDate: '2026-01-01T00:00:00Z' })).toBe(false);
});
