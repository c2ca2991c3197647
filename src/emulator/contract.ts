/**
 * The contract between the emulator's parts: the generator builds a `TenantModel`, the store
 * keeps it mutable with a change log (for delta queries and directory audits), and the protocol
 * modules (identity, graph, arm, control) register routes on the server core.
 *
 * Everything a route serves comes from here, so a change made through the control API is seen
 * by every protocol at once, the way one Entra directory backs every Microsoft endpoint.
 */

/** A Graph object exactly as Graph returns it (all properties; `$select` projects later). */
export type GraphObject = { id: string; [property: string]: unknown };

/** An ARM object exactly as ARM returns it. */
export type ArmObject = { id: string; [property: string]: unknown };

export type TenantProfile = 'hardened' | 'typical' | 'neglected';

/** A client application that may ask this tenant for tokens (Tenantscope's own app, by default). */
export interface EmulatedClient {
  clientId: string;
  displayName: string;
  /** Client secrets; `expiresAt` in the past makes the token endpoint answer AADSTS7000222. */
  secrets: { keyId: string; value: string; expiresAt: string }[];
  /** Certificates (public part); assertions are verified against these. */
  certificates: {
    keyId: string;
    /** PEM of the X.509 certificate */
    certificatePem: string;
    /** base64url SHA-1 of the DER (the `x5t` header) */
    x5t: string;
    /** base64url SHA-256 of the DER (the `x5t#S256` header) */
    x5tS256: string;
    expiresAt: string;
  }[];
  redirectUris: string[];
  /** Application permissions (app role values) admin-consented in this tenant, e.g. `User.Read.All`. */
  consentedAppRoles: string[];
  /** Delegated scopes consented (for the delegated ARM flow), e.g. `https://management.azure.com/user_impersonation`. */
  consentedScopes: string[];
  /** false after the control API revokes consent: token requests answer AADSTS65001/7000112-like errors. */
  consented: boolean;
}

/** A user who can sign in interactively to the emulator's authorize page (delegated ARM). */
export interface EmulatedSignInUser {
  userId: string;
  userPrincipalName: string;
  password: string;
}

/**
 * One generated tenant. Graph collections hold full objects as Graph v1.0 returns them
 * (property names and types per `../shared/reference/graph/graph-v1.0-subset.schema.json`).
 */
export interface TenantModel {
  tenantId: string;
  displayName: string;
  /** e.g. `contoso.onmicrosoft.com` */
  initialDomain: string;
  profile: TenantProfile;
  seed: string;
  /** The instant the tenant was generated "as of"; every date in it is relative to this. */
  asOf: string;
  /** Which Entra ID plans the tenant holds, derived from its SKUs. Gates P1/P2-only endpoints. */
  entraPlan: 'free' | 'P1' | 'P2';
  clients: EmulatedClient[];
  signInUsers: EmulatedSignInUser[];

  graph: {
    /** Top-level collections keyed by their Graph path segment(s). */
    collections: GraphCollections;
    /** Relationship collections: `groupMembers[groupId]` = member ids (users, groups, SPs). */
    groupMembers: Record<string, string[]>;
    groupOwners: Record<string, string[]>;
    directoryRoleMembers: Record<string, string[]>;
    /** `/servicePrincipals/{id}/appRoleAssignedTo` keyed by resource service principal id */
    appRoleAssignedTo: Record<string, GraphObject[]>;
    /** `/sites/{id}/permissions` and drive-root sharing permissions keyed by site id */
    sitePermissions: Record<string, GraphObject[]>;
    /** Singletons keyed by path, e.g. `policies/authorizationPolicy`. */
    singletons: GraphSingletons;
    /** Rows for M365 usage reports (CSV), keyed by report function name, e.g. `getOffice365ActiveUserDetail`. */
    usageReports: Record<string, Record<string, string>[]>;
  };

  arm: {
    subscriptions: ArmObject[];
    /** Resource Graph rows (`Resources` table) — id, name, type, location, resourceGroup, subscriptionId, sku, properties, tags */
    resources: ArmObject[];
    /** Daily actual cost rows: one per resource per day for 12 months. */
    dailyCost: DailyCostRow[];
    advisorRecommendations: ArmObject[];
    reservationRecommendations: ArmObject[];
    /** Monitor metric series keyed by resource id then metric name, one point per hour. */
    metrics: Record<string, Record<string, MetricPoint[]>>;
  };

  /** What the generator planted on purpose, so tests can assert exact counts and money. */
  planted: PlantedFacts;
}

export interface GraphCollections {
  users: GraphObject[];
  groups: GraphObject[];
  subscribedSkus: GraphObject[];
  organization: GraphObject[];
  domains: GraphObject[];
  directoryRoles: GraphObject[];
  'roleManagement/directory/roleDefinitions': GraphObject[];
  'roleManagement/directory/roleAssignments': GraphObject[];
  'roleManagement/directory/roleEligibilitySchedules': GraphObject[];
  'roleManagement/directory/roleAssignmentSchedules': GraphObject[];
  'policies/roleManagementPolicies': GraphObject[];
  'policies/roleManagementPolicyAssignments': GraphObject[];
  applications: GraphObject[];
  servicePrincipals: GraphObject[];
  oauth2PermissionGrants: GraphObject[];
  'identity/conditionalAccess/policies': GraphObject[];
  'identity/conditionalAccess/namedLocations': GraphObject[];
  'policies/appManagementPolicies': GraphObject[];
  groupSettings: GraphObject[];
  'reports/authenticationMethods/userRegistrationDetails': GraphObject[];
  'auditLogs/directoryAudits': GraphObject[];
  'auditLogs/signIns': GraphObject[];
  'identityProtection/riskyUsers': GraphObject[];
  sites: GraphObject[];
}

export interface GraphSingletons {
  'policies/authorizationPolicy': GraphObject;
  'policies/authenticationMethodsPolicy': GraphObject;
  'policies/identitySecurityDefaultsEnforcementPolicy': GraphObject;
  'policies/defaultAppManagementPolicy': GraphObject;
  'admin/sharepoint/settings': GraphObject;
  'admin/reportSettings': GraphObject;
}

export interface DailyCostRow {
  /** YYYY-MM-DD */
  date: string;
  subscriptionId: string;
  resourceGroup: string;
  resourceId: string;
  resourceType: string;
  location: string;
  meterCategory: string;
  serviceName: string;
  /** Cost in the billing currency */
  cost: number;
  currency: string;
  tags: Record<string, string>;
}

export interface MetricPoint {
  timeStamp: string;
  average: number;
  maximum: number;
}

/** Counts and money the generator planted. Analysis tests compare against these, never against literals. */
export interface PlantedFacts {
  users: number;
  guests: number;
  disabledUsersWithLicences: string[];
  /** users with licences who never signed in */
  neverSignedInWithLicences: string[];
  /** licensed users whose last sign-in (interactive and non-interactive) is older than N days */
  idleWithLicences: { days30: string[]; days60: string[]; days90: string[] };
  /** users holding two SKUs where one includes the other (e.g. E3 + E5) */
  overlappingLicences: { userId: string; skuIds: string[] }[];
  guestsWithLicences: string[];
  globalAdmins: string[];
  permanentPrivilegedAssignments: string[];
  riskyConsentGrants: string[];
  expiringAppCredentials: { appId: string; keyId: string; endDateTime: string }[];
  usersWithoutMfa: string[];
  anyoneLinks: number;
  orgWideLinks: number;
  idleAzureResources: string[];
  /** free-form facts a generator adds for later analyses (posture gaps and the like) */
  notes: Record<string, unknown>;
}

/** A change recorded by the store; delta tokens point into this log. */
export interface ChangeRecord {
  seq: number;
  collection: keyof GraphCollections | string;
  id: string;
  kind: 'upsert' | 'softDelete' | 'hardDelete';
  /** names of the top-level properties that changed (upserts) */
  changed: string[];
  at: string;
}

/** Who made a change through the control API; becomes `initiatedBy` of the directory audit. */
export type Actor =
  | { user: { id: string; userPrincipalName: string; displayName?: string; ipAddress?: string } }
  | { app: { appId: string; displayName: string; servicePrincipalId?: string } };

/**
 * The mutable state of one tenant. Reads return the live objects (do not mutate them);
 * writes go through `upsert` / `remove`, which append to the change log.
 */
export interface TenantStore {
  readonly model: TenantModel;
  /** Monotonic sequence of the last change; delta tokens capture this. */
  readonly seq: number;
  collection(name: keyof GraphCollections): GraphObject[];
  find(name: keyof GraphCollections, id: string): GraphObject | undefined;
  /** Inserts or replaces (matched by id), records which properties changed. */
  upsert(name: keyof GraphCollections, object: GraphObject): ChangeRecord;
  remove(
    name: keyof GraphCollections,
    id: string,
    kind?: 'softDelete' | 'hardDelete',
  ): ChangeRecord | undefined;
  replaceSingleton(name: keyof GraphSingletons, object: GraphObject): ChangeRecord;
  /** Changes after `seq` for one collection (latest per id), for delta responses. */
  changesSince(name: keyof GraphCollections, seq: number): ChangeRecord[];
  /** The earliest seq still answerable; older delta tokens get `syncStateNotFound`/410. */
  readonly oldestSeq: number;
}

/** The request a route handler sees, already authenticated when the route requires a token. */
export interface EmulatorRequest {
  method: string;
  url: URL;
  /** lower-case header names */
  headers: Record<string, string | undefined>;
  /** raw body text (form or JSON; handlers parse what they expect) */
  rawBody: string;
  /** path parameters from the route pattern, e.g. `{ id }` for `/v1.0/users/:id` */
  params: Record<string, string>;
  /** the verified access token's claims, for routes with `auth` set */
  token?: AccessTokenClaims;
  /** the tenant this request addresses (from the token, or the path for identity routes) */
  tenant?: TenantStore;
  /** echo of `client-request-id` or a new GUID */
  requestId: string;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** objects are sent as JSON; strings and buffers as they are */
  body?: unknown;
}

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  oid?: string;
  roles?: string[];
  scp?: string;
  exp: number;
  iat: number;
  nbf: number;
}

/** Which throttling bucket a request draws from (see graph-protocol.md §3). */
export type ThrottleClass =
  | { kind: 'directory'; resourceUnits: number }
  | { kind: 'identityReports' } // signIns, directoryAudits, userRegistrationDetails: 5 / 10 s per app per tenant
  | { kind: 'signInActivity' } // 10 / minute
  | { kind: 'conditionalAccess' } // 1 / s per tenant, 429 without Retry-After
  | { kind: 'usageReports'; report: string } // 14 / 10 min per app per tenant per report
  /** `qpu`: months of data the query spans, one QPU each (azure-cost.md §1.5); absent = 1 */
  | { kind: 'costManagement'; qpu?: number } // QPU model, see azure-cost.md
  | { kind: 'arm' }
  | { kind: 'none' };

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** path pattern with `:name` parameters, e.g. `/v1.0/users/:id`; `*` matches the rest */
  path: string;
  /** `graph` and `arm` routes require a bearer token for that audience; `none` for identity pages */
  auth: 'graph' | 'arm' | 'control' | 'none';
  /** application permissions any one of which allows the call (403 Authorization_RequestDenied otherwise) */
  anyOfRoles?: string[];
  /** Entra plan the tenant needs; the route answers Microsoft's licence error without it */
  licence?: 'P1' | 'P2';
  /** computed per request, because $select/$top/$expand change the resource-unit cost */
  throttle?: (req: EmulatorRequest) => ThrottleClass;
  handler: (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;
}
