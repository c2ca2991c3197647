/**
 * Reports: MFA registration (`userRegistrationDetails`), Identity Protection `riskyUsers`, and
 * the rows of the M365 usage report `getOffice365ActiveUserDetail` (columns as in
 * graph/examples/office365ActiveUserDetail.D7.csv). Rows hold real names: the Graph route
 * conceals them when `admin/reportSettings.displayConcealedNames` is true.
 */
import type { GraphObject } from '../contract.ts';
import { SKUS, type SkuPartNumber } from './catalog/skus.ts';
import type { GenContext, UserMeta } from './context.ts';
import type { Rng } from './prng.ts';
import { countOf } from './profile.ts';
import { DAY_MS } from './time.ts';

/** Decides who registered MFA: exact count per profile among enabled members, rules for the rest. */
export function decideMfa(ctx: GenContext): void {
  const rng = ctx.rng.stream('mfa');
  const { profile, knobs } = ctx;
  const people = ctx.users.filter((u) => u.kind === 'member' && u.enabled);
  const missing = countOf(people.length, 1 - knobs.mfaRegistered, knobs.minProblem);
  const shuffled = rng.shuffle([...people]);
  shuffled.forEach((u, i) => {
    u.mfaRegistered = i >= missing;
  });
  for (const u of ctx.users) {
    if (u.kind === 'member' && !u.enabled) u.mfaRegistered = rng.chance(0.5);
    if (u.kind === 'guest') u.mfaRegistered = rng.chance(knobs.mfaRegistered * 0.5);
    if (u.kind === 'breakGlass') u.mfaRegistered = profile === 'hardened';
    if (u.kind === 'admin') u.mfaRegistered = profile !== 'neglected';
    if (u.kind === 'service' || u.kind === 'shared') u.mfaRegistered = false;
    // A hardened tenant lets no admin go without MFA.
    if (profile === 'hardened' && u.isAdmin && u.enabled) u.mfaRegistered = true;
  }
}

export function buildRegistrationDetails(ctx: GenContext): GraphObject[] {
  const rng = ctx.rng.stream('registration');
  const without: string[] = [];
  const rows = ctx.users.map((u) => {
    if (!u.mfaRegistered) without.push(u.id);
    const methods = methodsOf(ctx, rng, u);
    const passwordless = methods.includes('fido2') || methods.includes('microsoftAuthenticatorPasswordless');
    const ssprEnabled = u.kind !== 'guest' && ctx.profile !== 'neglected';
    return {
      id: u.id,
      userPrincipalName: u.upn,
      userDisplayName: u.displayName,
      userType: u.kind === 'guest' ? 'guest' : 'member',
      isAdmin: u.isAdmin,
      isSsprRegistered: methods.length > 0,
      isSsprEnabled: ssprEnabled,
      isSsprCapable: ssprEnabled && methods.length > 0 && u.enabled,
      isMfaRegistered: u.mfaRegistered,
      isMfaCapable: u.mfaRegistered && u.enabled,
      isPasswordlessCapable: passwordless,
      methodsRegistered: methods,
      isSystemPreferredAuthenticationMethodEnabled: true,
      systemPreferredAuthenticationMethods: u.mfaRegistered
        ? [passwordless ? 'Fido2' : methods.includes('mobilePhone') ? 'Sms' : 'Push']
        : [],
      userPreferredMethodForSecondaryAuthentication: u.mfaRegistered
        ? methods.includes('mobilePhone')
          ? 'sms'
          : 'push'
        : 'none',
      lastUpdatedDateTime: ctx.clock.daysAgo(rng.float(0.05, 1)),
    };
  });
  ctx.planted.usersWithoutMfa = without;
  return rows;
}

function methodsOf(ctx: GenContext, rng: Rng, u: UserMeta): string[] {
  if (!u.mfaRegistered) return u.kind === 'member' && rng.chance(0.3) ? ['email'] : [];
  if (u.kind === 'breakGlass') return ['fido2'];
  const r = rng.next();
  if (ctx.profile === 'hardened' && r < 0.3)
    return ['fido2', 'microsoftAuthenticatorPasswordless', 'microsoftAuthenticatorPush'];
  if (ctx.profile === 'neglected' && r < 0.4) return ['mobilePhone'];
  return ['microsoftAuthenticatorPush', 'softwareOneTimePasscode'];
}

/** Identity Protection risky users; `id` is the user's object id. */
export function buildRiskyUsers(ctx: GenContext): GraphObject[] {
  const rng = ctx.rng.stream('riskyUsers');
  const people = ctx.users.filter((u) => u.kind === 'member' && u.enabled);
  const plan = { hardened: [0.001, 1], typical: [0.005, 1], neglected: [0.02, 2] }[ctx.profile] as [
    number,
    number,
  ];
  const chosen = rng.shuffle([...people]).slice(0, countOf(people.length, plan[0], plan[1]));
  const atRisk: string[] = [];
  const rows = chosen.map((u) => {
    const state =
      ctx.profile === 'hardened'
        ? 'remediated'
        : rng.chance(ctx.profile === 'neglected' ? 0.8 : 0.5)
          ? 'atRisk'
          : 'dismissed';
    if (state === 'atRisk') atRisk.push(u.id);
    return {
      id: u.id,
      isDeleted: false,
      isProcessing: false,
      riskLastUpdatedDateTime: ctx.clock.daysAgo(rng.float(0.5, 60)),
      riskLevel:
        state === 'atRisk' ? (ctx.profile === 'neglected' && rng.chance(0.5) ? 'high' : 'medium') : 'none',
      riskState: state,
      riskDetail:
        state === 'remediated'
          ? 'userPerformedSecuredPasswordReset'
          : state === 'dismissed'
            ? 'adminDismissedAllRiskForUser'
            : 'none',
      userDisplayName: u.displayName,
      userPrincipalName: u.upn,
    };
  });
  ctx.planted.notes.riskyUsersAtRisk = atRisk;
  return rows;
}

const SUITES: ReadonlySet<SkuPartNumber> = new Set([
  'ENTERPRISEPACK',
  'ENTERPRISEPREMIUM',
  'SPE_E3',
  'SPE_E5',
  'O365_BUSINESS_PREMIUM',
  'SPB',
]);
const WORKLOADS = ['Exchange', 'OneDrive', 'SharePoint', 'Skype For Business', 'Yammer', 'Teams'] as const;

/** One row per licensed user of `getOffice365ActiveUserDetail`; last-activity dates follow sign-ins. */
export function buildUsageRows(ctx: GenContext): Record<string, string>[] {
  const rng = ctx.rng.stream('usage');
  const refresh = 2; // usage reports lag about two days behind
  const rows: Record<string, string>[] = [];
  for (const u of ctx.users) {
    if (u.skus.length === 0) continue;
    const suite = u.skus.some((s) => SUITES.has(s));
    const teams = suite || u.skus.includes('TEAMS_EXPLORATORY');
    const has = {
      Exchange: suite,
      OneDrive: suite,
      SharePoint: suite,
      'Skype For Business': suite,
      Yammer: suite,
      Teams: teams,
    };
    const last = lastActivityDaysAgo(ctx, u);
    const assign = ctx.clock.date(Math.floor((ctx.clock.asOfMs - u.createdMs) / DAY_MS));
    const row: Record<string, string> = {
      'Report Refresh Date': ctx.clock.date(refresh),
      'User Principal Name': u.upn,
      'Display Name': u.displayName,
      'Is Deleted': 'False',
      'Deleted Date': '',
    };
    for (const w of WORKLOADS) row[`Has ${w} License`] = has[w] ? 'True' : 'False';
    for (const w of WORKLOADS) {
      const uses =
        has[w] &&
        last !== null &&
        (w === 'Exchange' ||
          w === 'Teams' ||
          rng.chance(w === 'Yammer' || w === 'Skype For Business' ? 0.05 : 0.6));
      row[`${w} Last Activity Date`] = uses ? ctx.clock.date(Math.max(refresh, last + rng.int(0, 3))) : '';
    }
    for (const w of WORKLOADS) row[`${w} License Assign Date`] = has[w] ? assign : '';
    row['Assigned Products'] = u.skus.map((s) => SKUS[s].productName).join('+');
    rows.push(row);
  }
  return rows;
}

function lastActivityDaysAgo(ctx: GenContext, u: UserMeta): number | null {
  const i = u.lastInteractiveMs;
  const n = u.lastNonInteractiveMs;
  const last = i === null ? n : n === null ? i : Math.max(i, n);
  return last === null ? null : Math.floor((ctx.clock.asOfMs - last) / DAY_MS);
}
