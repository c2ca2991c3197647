/**
 * Conditional Access policies and named locations (shape: graph/examples/
 * conditionalAccessPolicies.list.json). CA needs Entra ID P1 and risk conditions need P2, so a
 * free tenant has none (security defaults instead) and a P1 tenant has no risk-based policy.
 * Every gap planted is named in `planted.notes.caGaps`.
 */
import type { GraphObject } from '../contract.ts';
import { ALL_ROLES, ROLES } from './catalog/roles.ts';
import type { GenContext } from './context.ts';
import type { Rng } from './prng.ts';

const AZURE_MANAGEMENT = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
const ADMIN_ROLES = ALL_ROLES.map((r) => r.id);

interface PolicySpec {
  name: string;
  state: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
  users?: Partial<
    Record<
      'includeUsers' | 'excludeUsers' | 'includeGroups' | 'excludeGroups' | 'includeRoles' | 'excludeRoles',
      string[]
    >
  >;
  apps?: string[];
  clientAppTypes?: string[];
  signInRisk?: string[];
  userRisk?: string[];
  locations?: { includeLocations: string[]; excludeLocations: string[] };
  grant: { operator: 'AND' | 'OR'; controls: string[] } | null;
  session?: Record<string, unknown>;
}

export function buildConditionalAccess(ctx: GenContext): void {
  const rng = ctx.rng.stream('conditionalAccess');
  const c = ctx.model.graph.collections;
  if (ctx.plan === 'free') {
    c['identity/conditionalAccess/policies'] = [];
    c['identity/conditionalAccess/namedLocations'] = [];
    ctx.planted.notes.caGaps = ['noConditionalAccess'];
    return;
  }
  const office = namedIp(ctx, rng, ctx.profile !== 'neglected');
  const countries = namedCountries(ctx, rng);
  c['identity/conditionalAccess/namedLocations'] =
    ctx.profile === 'neglected' ? [office] : [office, countries];
  const { specs, gaps } =
    ctx.profile === 'hardened'
      ? hardened(ctx, countries.id)
      : ctx.profile === 'typical'
        ? typical(ctx)
        : neglected(ctx);
  c['identity/conditionalAccess/policies'] = specs.map((s) => policy(ctx, rng, s));
  ctx.planted.notes.caGaps = gaps;
}

function hardened(ctx: GenContext, blockedCountries: string): { specs: PolicySpec[]; gaps: string[] } {
  const bg = ctx.breakGlass.map((u) => u.id);
  const mfa = { operator: 'OR' as const, controls: ['mfa'] };
  const specs: PolicySpec[] = [
    {
      name: 'CA001 - Require MFA for administrators',
      state: 'enabled',
      users: { includeRoles: ADMIN_ROLES, excludeUsers: bg },
      grant: mfa,
    },
    {
      name: 'CA002 - Require MFA for all users',
      state: 'enabled',
      users: { includeUsers: ['All'], excludeUsers: bg },
      grant: mfa,
    },
    {
      name: 'CA003 - Block legacy authentication',
      state: 'enabled',
      users: { includeUsers: ['All'], excludeUsers: bg },
      clientAppTypes: ['exchangeActiveSync', 'other'],
      grant: { operator: 'OR', controls: ['block'] },
    },
    {
      name: 'CA004 - Require MFA for Azure management',
      state: 'enabled',
      users: { includeUsers: ['All'], excludeUsers: bg },
      apps: [AZURE_MANAGEMENT],
      grant: mfa,
    },
    {
      name: 'CA005 - Block access from blocked countries',
      state: 'enabled',
      users: { includeUsers: ['All'], excludeUsers: bg },
      locations: { includeLocations: [blockedCountries], excludeLocations: [] },
      grant: { operator: 'OR', controls: ['block'] },
    },
    {
      name: 'CA006 - Require compliant device for administrators',
      state: 'enabledForReportingButNotEnforced',
      users: { includeRoles: ADMIN_ROLES, excludeUsers: bg },
      grant: { operator: 'OR', controls: ['compliantDevice'] },
    },
    {
      name: 'CA007 - Guests sign-in frequency',
      state: 'enabled',
      users: { includeUsers: ['GuestsOrExternalUsers'] },
      grant: mfa,
      session: {
        signInFrequency: {
          value: 12,
          type: 'hours',
          isEnabled: true,
          authenticationType: 'primaryAndSecondaryAuthentication',
          frequencyInterval: 'timeBased',
        },
      },
    },
  ];
  if (ctx.plan === 'P2') {
    specs.push(
      {
        name: 'CA008 - Require MFA for risky sign-ins',
        state: 'enabled',
        users: { includeUsers: ['All'], excludeUsers: bg },
        signInRisk: ['high', 'medium'],
        grant: mfa,
      },
      {
        name: 'CA009 - Require password change for high-risk users',
        state: 'enabled',
        users: { includeUsers: ['All'], excludeUsers: bg },
        userRisk: ['high'],
        grant: { operator: 'AND', controls: ['mfa', 'passwordChange'] },
      },
    );
  }
  return { specs, gaps: ctx.plan === 'P2' ? [] : ['noRiskPolicies'] };
}

function typical(ctx: GenContext): { specs: PolicySpec[]; gaps: string[] } {
  const bg = ctx.breakGlass.map((u) => u.id);
  const mfa = { operator: 'OR' as const, controls: ['mfa'] };
  return {
    specs: [
      {
        name: 'Require MFA for admins',
        state: 'enabled',
        users: { includeRoles: ADMIN_ROLES, excludeUsers: bg },
        grant: mfa,
      },
      {
        name: 'Require MFA for all users',
        state: 'enabled',
        users: { includeUsers: ['All'], excludeUsers: bg, excludeGroups: [ctx.groups.caExclusions!] },
        grant: mfa,
      },
      {
        name: 'Block legacy authentication',
        state: 'enabledForReportingButNotEnforced',
        users: { includeUsers: ['All'] },
        clientAppTypes: ['exchangeActiveSync', 'other'],
        grant: { operator: 'OR', controls: ['block'] },
      },
      {
        name: 'No persistent browser on unmanaged devices',
        state: 'enabled',
        users: { includeUsers: ['All'] },
        grant: null,
        session: { persistentBrowser: { isEnabled: true, mode: 'never' } },
      },
    ],
    gaps: ['mfaAllUsersExcludesGroup', 'legacyAuthReportOnly', 'noAzureManagementMfa', 'noRiskPolicies'],
  };
}

function neglected(ctx: GenContext): { specs: PolicySpec[]; gaps: string[] } {
  const mfa = { operator: 'OR' as const, controls: ['mfa'] };
  return {
    specs: [
      { name: 'MFA for admins', state: 'disabled', users: { includeRoles: ADMIN_ROLES }, grant: mfa },
      {
        name: 'MFA for Global Admins',
        state: 'enabled',
        users: { includeRoles: [ROLES.globalAdmin.id] },
        grant: mfa,
      },
      {
        name: 'MFA all users (pilot)',
        state: 'enabledForReportingButNotEnforced',
        users: {
          includeUsers: ['All'],
          excludeUsers: ['GuestsOrExternalUsers'],
          excludeGroups: [ctx.groups.caExclusions!],
        },
        grant: mfa,
      },
      {
        name: 'Trusted office bypass',
        state: 'enabled',
        users: { includeUsers: ['All'] },
        locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
        grant: mfa,
      },
    ],
    gaps: [
      'mfaAdminsDisabled',
      'mfaAdminsOnlyGlobalAdmin',
      'mfaAllUsersReportOnly',
      'guestsExcludedFromMfa',
      'noLegacyAuthBlock',
      'noAzureManagementMfa',
      'noRiskPolicies',
      'noBreakGlassAccounts',
    ],
  };
}

function policy(ctx: GenContext, rng: Rng, s: PolicySpec): GraphObject {
  const u = s.users ?? {};
  const created = ctx.clock.daysAgo(rng.float(60, 900));
  return {
    id: rng.guid(),
    templateId: null,
    displayName: s.name,
    createdDateTime: created,
    modifiedDateTime: rng.chance(0.5) ? ctx.clock.daysAgo(rng.float(1, 59)) : null,
    state: s.state,
    sessionControls: s.session
      ? {
          applicationEnforcedRestrictions: null,
          cloudAppSecurity: null,
          disableResilienceDefaults: null,
          persistentBrowser: null,
          signInFrequency: null,
          ...s.session,
        }
      : null,
    conditions: {
      userRiskLevels: s.userRisk ?? [],
      signInRiskLevels: s.signInRisk ?? [],
      clientAppTypes: s.clientAppTypes ?? ['all'],
      platforms: null,
      locations: s.locations ?? null,
      devices: null,
      clientApplications: null,
      servicePrincipalRiskLevels: [],
      applications: {
        includeApplications: s.apps ?? ['All'],
        excludeApplications: [],
        includeUserActions: [],
        includeAuthenticationContextClassReferences: [],
        applicationFilter: null,
      },
      users: {
        includeUsers: u.includeUsers ?? [],
        excludeUsers: u.excludeUsers ?? [],
        includeGroups: u.includeGroups ?? [],
        excludeGroups: u.excludeGroups ?? [],
        includeRoles: u.includeRoles ?? [],
        excludeRoles: u.excludeRoles ?? [],
        includeGuestsOrExternalUsers: null,
        excludeGuestsOrExternalUsers: null,
      },
    },
    grantControls: s.grant
      ? {
          operator: s.grant.operator,
          builtInControls: s.grant.controls,
          customAuthenticationFactors: [],
          termsOfUse: [],
        }
      : null,
  };
}

function namedIp(ctx: GenContext, rng: Rng, trusted: boolean): GraphObject {
  return {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    id: rng.guid(),
    displayName: 'Head office',
    createdDateTime: ctx.clock.daysAgo(rng.float(200, 900)),
    modifiedDateTime: ctx.clock.daysAgo(rng.float(1, 199)),
    isTrusted: trusted,
    // RFC 5737 documentation ranges: never a real network.
    ipRanges: [
      { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' },
      { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/25' },
    ],
  };
}

function namedCountries(ctx: GenContext, rng: Rng): GraphObject {
  return {
    '@odata.type': '#microsoft.graph.countryNamedLocation',
    id: rng.guid(),
    displayName: 'Blocked countries',
    createdDateTime: ctx.clock.daysAgo(rng.float(200, 900)),
    modifiedDateTime: ctx.clock.daysAgo(rng.float(1, 199)),
    countriesAndRegions: ['KP', 'IR', 'SY', 'CU'],
    includeUnknownCountriesAndRegions: false,
    countryLookupMethod: 'clientIpAddress',
  };
}
