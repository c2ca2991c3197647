/**
 * Reading Conditional Access policies (Graph v1.0 conditionalAccessPolicy). Choices, following
 * ScubaGear's "common CAP test" (scuba-policies.md §2.1) and Prowler:
 * - only `enabled` policies count; report-only enforces nothing;
 * - "all users" means includeUsers ∋ All with no exclusion but declared break-glass accounts (and
 *   the Directory Synchronization Accounts role, which Microsoft asks to exclude in hybrid tenants);
 * - a policy narrowed by risk, platform, location, device filter or client app type does not count
 *   as covering everyone (ScubaGear issue #1742: narrowed policies gave false passes).
 */

import type { BreakGlass, CheckContext, Evidence } from '../posture-types.ts';
import { ROLE } from '../settings.ts';
import { DatasetUnavailable, type SnapshotView } from '../snapshot-view.ts';

export interface CaPolicy {
  id: string;
  displayName?: string;
  state?: string;
  createdDateTime?: string;
  modifiedDateTime?: string | null;
  conditions?: {
    users?: {
      includeUsers?: string[];
      excludeUsers?: string[];
      includeGroups?: string[];
      excludeGroups?: string[];
      includeRoles?: string[];
      excludeRoles?: string[];
      includeGuestsOrExternalUsers?: { guestOrExternalUserTypes?: string } | null;
      excludeGuestsOrExternalUsers?: { guestOrExternalUserTypes?: string } | null;
    } | null;
    applications?: {
      includeApplications?: string[];
      excludeApplications?: string[];
      includeUserActions?: string[];
      includeAuthenticationContextClassReferences?: string[];
    } | null;
    clientAppTypes?: string[];
    userRiskLevels?: string[];
    signInRiskLevels?: string[];
    insiderRiskLevels?: string | null;
    servicePrincipalRiskLevels?: string[];
    platforms?: { includePlatforms?: string[]; excludePlatforms?: string[] } | null;
    locations?: { includeLocations?: string[]; excludeLocations?: string[] } | null;
    devices?: { deviceFilter?: { mode?: string; rule?: string } | null } | null;
    authenticationFlows?: { transferMethods?: string } | null;
  };
  grantControls?: {
    operator?: string;
    builtInControls?: string[];
    authenticationStrength?: { id?: string; allowedCombinations?: string[] } | null;
  } | null;
  sessionControls?: {
    signInFrequency?: {
      isEnabled?: boolean;
      value?: number | null;
      type?: string | null;
      frequencyInterval?: string;
    } | null;
    persistentBrowser?: { isEnabled?: boolean; mode?: string } | null;
    applicationEnforcedRestrictions?: { isEnabled?: boolean } | null;
  } | null;
}

export const CA_DATASET = 'conditionalAccessPolicies';
export const APP = {
  azureManagement: '797f4846-ba00-4fd7-ba43-dac1f8f63013',
  azureDevOps: '499b84ac-1321-427f-aa17-267ca6975798',
  azureRms: '00000012-0000-0000-c000-000000000000',
  intuneEnrollment: 'd4ebce55-015a-49b5-a083-c84d1797ae8c',
} as const;
/** Built-in authentication strength "Phishing-resistant MFA" (Microsoft Learn, authentication strengths). */
export const PHISHING_RESISTANT_STRENGTH = '00000000-0000-0000-0000-000000000004';
const PHISHING_RESISTANT_COMBINATIONS = new Set([
  'windowsHelloForBusiness',
  'fido2',
  'x509CertificateMultiFactor',
]);
export const CA_PORTAL = 'Entra admin center > Protection > Conditional Access > Policies';
export const CA_AUTOMATION =
  'POST /identity/conditionalAccess/policies (New-MgIdentityConditionalAccessPolicy)';

export const policies = (view: SnapshotView): CaPolicy[] => view.items<CaPolicy>(CA_DATASET);
export const enabledPolicies = (view: SnapshotView): CaPolicy[] =>
  policies(view).filter((p) => p.state === 'enabled');

const list = (v: string[] | undefined | null): string[] => v ?? [];
const lower = (v: string[] | undefined | null) => list(v).map((s) => s.toLowerCase());

export const controls = (p: CaPolicy): string[] => list(p.grantControls?.builtInControls);
export const blocks = (p: CaPolicy): boolean => controls(p).includes('block');
export const includesApp = (p: CaPolicy, app: string): boolean =>
  list(p.conditions?.applications?.includeApplications).includes(app);
export const allApps = (p: CaPolicy): boolean =>
  includesApp(p, 'All') && list(p.conditions?.applications?.excludeApplications).length === 0;
export const userActions = (p: CaPolicy): string[] => list(p.conditions?.applications?.includeUserActions);

/** Every way the policy can be satisfied requires MFA (mfa control or an authentication strength). */
export function requiresMfa(p: CaPolicy): boolean {
  const g = p.grantControls;
  if (!g) return false;
  const alternatives = [...list(g.builtInControls), ...(g.authenticationStrength ? ['strength'] : [])];
  const mfaLike = (c: string) => c === 'mfa' || c === 'strength';
  if (g.operator === 'AND' || alternatives.length === 1) return alternatives.some(mfaLike);
  return alternatives.length > 0 && alternatives.every(mfaLike);
}

export function requiresPhishingResistant(p: CaPolicy): boolean {
  const s = p.grantControls?.authenticationStrength;
  if (!s) return false;
  if (s.id === PHISHING_RESISTANT_STRENGTH) return true;
  const combos = list(s.allowedCombinations);
  return combos.length > 0 && combos.every((c) => PHISHING_RESISTANT_COMBINATIONS.has(c));
}

/** Compliant or hybrid-joined device required on every path (SCuBA 3.7: the two OR-ed is fine). */
export function requiresManagedDevice(p: CaPolicy): boolean {
  const c = controls(p);
  const managed = (x: string) => x === 'compliantDevice' || x === 'domainJoinedDevice';
  if (!c.some(managed)) return false;
  return p.grantControls?.operator === 'AND' || c.every(managed);
}

/** Conditions that narrow a policy to part of the sign-ins. */
export function narrowing(p: CaPolicy): string[] {
  const c = p.conditions ?? {};
  const out: string[] = [];
  if (list(c.userRiskLevels).length) out.push('userRiskLevels');
  if (list(c.signInRiskLevels).length) out.push('signInRiskLevels');
  if (c.platforms) out.push('platforms');
  if (c.locations) out.push('locations');
  if (c.devices?.deviceFilter) out.push('devices');
  const apps = list(c.clientAppTypes);
  if (apps.length && !apps.includes('all')) out.push('clientAppTypes');
  return out;
}

/**
 * Exclusions from a policy that are not declared break-glass accounts. Throws when declared
 * break-glass UPNs could not be resolved (users unreadable): we cannot tell who they are.
 */
export function undeclaredExclusions(p: CaPolicy, bg: BreakGlass): string[] {
  const u = p.conditions?.users ?? {};
  const extra = [
    ...lower(u.excludeUsers).filter((id) => !bg.ids.has(id)),
    ...lower(u.excludeGroups).filter((id) => !bg.ids.has(id)),
    ...lower(u.excludeRoles)
      .filter((id) => id !== ROLE.directorySyncAccounts)
      .map((id) => `role:${id}`),
    ...(u.excludeGuestsOrExternalUsers ? ['guestsOrExternalUsers'] : []),
  ];
  if (extra.length > 0 && bg.unresolved.length > 0)
    throw new DatasetUnavailable('users', 'error', 'declared break-glass UPNs could not be resolved');
  return extra;
}

export const includesAllUsers = (p: CaPolicy): boolean =>
  list(p.conditions?.users?.includeUsers).includes('All');

/** All users, nobody excluded but declared break-glass accounts. */
export function coversAllUsers(p: CaPolicy, bg: BreakGlass): boolean {
  return includesAllUsers(p) && undeclaredExclusions(p, bg).length === 0;
}

export function coversRoles(p: CaPolicy, roles: readonly string[]): boolean {
  const inc = new Set(lower(p.conditions?.users?.includeRoles));
  return roles.every((r) => inc.has(r.toLowerCase()));
}

export function includesGuests(p: CaPolicy): boolean {
  const u = p.conditions?.users ?? {};
  return (
    list(u.includeUsers).some((x) => x === 'All' || x === 'GuestsOrExternalUsers') ||
    Boolean(u.includeGuestsOrExternalUsers)
  );
}
export function excludesGuests(p: CaPolicy): boolean {
  const u = p.conditions?.users ?? {};
  return list(u.excludeUsers).includes('GuestsOrExternalUsers') || Boolean(u.excludeGuestsOrExternalUsers);
}

export const policyEvidence = (p: CaPolicy, properties?: Record<string, unknown>): Evidence => ({
  type: 'conditionalAccessPolicy',
  id: p.id,
  name: p.displayName ?? p.id,
  properties: { state: p.state, ...(properties ?? {}) },
});

/**
 * The usual shape of a coverage check: pass naming the policies that satisfy `qualifies`; fail
 * listing the policies that come closest (`near`) so the admin sees what is missing.
 */
export function coverage(
  ctx: CheckContext,
  qualifies: (p: CaPolicy) => boolean,
  near: (p: CaPolicy) => boolean,
  what: string,
) {
  const all = policies(ctx.view);
  const good = all.filter((p) => p.state === 'enabled' && qualifies(p));
  if (good.length > 0)
    return {
      state: 'pass' as const,
      summary: `${good.length} enabled policies ${what}: ${good.map((p) => p.displayName).join(', ')}.`,
      evidence: good.map((p) => policyEvidence(p)),
    };
  const close = all.filter(near);
  return {
    state: 'fail' as const,
    summary: `No enabled Conditional Access policy ${what}.${close.length ? ` Closest: ${close.map((p) => `${p.displayName} (${describeGap(p, ctx.breakGlass)})`).join('; ')}.` : ''}`,
    evidence: close.length
      ? close.map((p) => policyEvidence(p, { gap: describeGap(p, ctx.breakGlass) }))
      : [
          {
            type: 'tenant',
            id: ctx.view.tenantId,
            name: 'Conditional Access',
            properties: { matchingPolicies: 0 },
          },
        ],
  };
}

/** Why a policy that looks right does not count, in a few words. */
export function describeGap(p: CaPolicy, bg: BreakGlass): string {
  const gaps: string[] = [];
  if (p.state !== 'enabled') gaps.push(`state ${p.state}`);
  if (!includesAllUsers(p)) gaps.push('not all users');
  else {
    let extra: string[] = [];
    try {
      extra = undeclaredExclusions(p, bg);
    } catch {
      extra = ['unresolved break-glass'];
    }
    if (extra.length) gaps.push(`excludes ${extra.length} non-break-glass principals`);
  }
  if (!allApps(p)) gaps.push('not all apps');
  const n = narrowing(p);
  if (n.length) gaps.push(`narrowed by ${n.join(', ')}`);
  return gaps.join(', ') || 'grant controls differ';
}
