/** Conditional Access coverage: MFA, legacy authentication, risk, devices, authentication flows. */
import type { CheckImpl } from '../define-check.ts';
import type { CheckContext, Licence } from '../posture-types.ts';
import { SCUBA_PRIVILEGED_ROLES } from '../settings.ts';
import {
  APP,
  allApps,
  blocks,
  CA_AUTOMATION,
  CA_DATASET,
  CA_PORTAL,
  type CaPolicy,
  controls,
  coverage,
  coversAllUsers,
  coversRoles,
  excludesGuests,
  includesAllUsers,
  includesApp,
  includesGuests,
  narrowing,
  requiresManagedDevice,
  requiresMfa,
  requiresPhishingResistant,
  userActions,
} from './ca-helpers.ts';

interface CaSpec {
  id: string;
  rationale: string;
  /** "require MFA for all users" — completes "No enabled Conditional Access policy …" */
  what: string;
  qualifies: (p: CaPolicy, ctx: CheckContext) => boolean;
  near?: (p: CaPolicy) => boolean;
  portalHint?: string;
  minLicence?: Licence;
  notes?: string;
}

export function caCheck(spec: CaSpec): CheckImpl {
  return {
    id: spec.id,
    rationale: spec.rationale,
    remediation: {
      portal: `${CA_PORTAL}${spec.portalHint ? ` — ${spec.portalHint}` : ''}`,
      automation: CA_AUTOMATION,
    },
    references: ['https://learn.microsoft.com/entra/identity/conditional-access/overview'],
    datasets: [CA_DATASET],
    ...(spec.minLicence ? { minLicence: spec.minLicence } : {}),
    ...(spec.notes ? { notes: spec.notes } : {}),
    evaluate: (ctx) =>
      coverage(
        ctx,
        (p) => spec.qualifies(p, ctx),
        spec.near ?? ((p) => spec.qualifies(p, ctx) || false),
        spec.what,
      ),
  };
}

/** All users, all apps, no narrowing condition, only break-glass excluded. */
const everyone = (p: CaPolicy, ctx: CheckContext) =>
  coversAllUsers(p, ctx.breakGlass) && allApps(p) && narrowing(p).length === 0;
const admins = (p: CaPolicy, ctx: CheckContext) =>
  (coversRoles(p, SCUBA_PRIVILEGED_ROLES) || coversAllUsers(p, ctx.breakGlass)) &&
  allApps(p) &&
  narrowing(p).length === 0;
const mfaNear = (p: CaPolicy) =>
  controls(p).includes('mfa') || Boolean(p.grantControls?.authenticationStrength);
const risk = (p: CaPolicy, key: 'userRiskLevels' | 'signInRiskLevels', levels: string[]) =>
  levels.every((l) => (p.conditions?.[key] ?? []).includes(l));
const transfer = (p: CaPolicy, method: string) =>
  (p.conditions?.authenticationFlows?.transferMethods ?? '').split(',').includes(method);
const BREAK_GLASS_NOTE =
  'Only declared break-glass accounts (--break-glass / settings) may be excluded; any other exclusion fails.';

export const caCoverageChecks: CheckImpl[] = [
  caCheck({
    id: 'ca-mfa-all-users',
    rationale:
      'MFA blocks over 99% of password attacks; a policy that leaves out users or apps leaves that door open (MS.AAD.3.2v2).',
    what: 'requires MFA for all users and all apps',
    qualifies: (p, ctx) => everyone(p, ctx) && requiresMfa(p),
    near: (p) => includesAllUsers(p) && mfaNear(p),
    portalHint: 'Users: All users (exclude only break-glass); Target resources: All; Grant: Require MFA',
    notes: BREAK_GLASS_NOTE,
  }),
  caCheck({
    id: 'ca-mfa-admins',
    rationale: 'Administrators are the first target; their sign-ins must always require MFA.',
    what: "requires MFA for SCuBA's eight privileged roles (or all users) on all apps",
    qualifies: (p, ctx) => admins(p, ctx) && requiresMfa(p),
    near: (p) => (p.conditions?.users?.includeRoles ?? []).length > 0 && mfaNear(p),
    notes: 'A policy requiring MFA of all users covers administrators too.',
  }),
  caCheck({
    id: 'ca-mfa-guests',
    rationale: 'Guests sign in with credentials you do not manage; require MFA from them as from members.',
    what: 'requires MFA for guests and external users on all apps',
    qualifies: (p) =>
      includesGuests(p) && !excludesGuests(p) && allApps(p) && narrowing(p).length === 0 && requiresMfa(p),
    near: (p) => mfaNear(p) && (includesGuests(p) || excludesGuests(p)),
  }),
  caCheck({
    id: 'ca-phish-resistant-admins',
    rationale:
      'Phishing-resistant methods (FIDO2, Windows Hello, certificates) defeat adversary-in-the-middle kits that steal ordinary MFA (MS.AAD.3.6v1).',
    what: 'requires phishing-resistant MFA for the privileged roles',
    qualifies: (p, ctx) => admins(p, ctx) && requiresPhishingResistant(p),
    near: (p) => Boolean(p.grantControls?.authenticationStrength),
    portalHint: 'Grant: Require authentication strength "Phishing-resistant MFA"',
  }),
  caCheck({
    id: 'ca-phish-resistant-all',
    rationale: 'Phishing-resistant MFA for everyone is the SCuBA target state (MS.AAD.3.1v1).',
    what: 'requires phishing-resistant MFA for all users',
    qualifies: (p, ctx) => everyone(p, ctx) && requiresPhishingResistant(p),
    near: (p) => Boolean(p.grantControls?.authenticationStrength),
  }),
  caCheck({
    id: 'ca-block-legacy-auth',
    rationale:
      'Legacy protocols (IMAP, POP, SMTP AUTH, EAS basic) cannot do MFA; password spraying goes through them (MS.AAD.1.1v1).',
    what: 'blocks legacy authentication (Exchange ActiveSync and other clients) for all users',
    qualifies: (p, ctx) =>
      coversAllUsers(p, ctx.breakGlass) &&
      allApps(p) &&
      ['exchangeActiveSync', 'other'].every((c) => (p.conditions?.clientAppTypes ?? []).includes(c)) &&
      blocks(p),
    near: (p) =>
      (p.conditions?.clientAppTypes ?? []).some((c) => c === 'other' || c === 'exchangeActiveSync'),
    notes: BREAK_GLASS_NOTE,
  }),
  caCheck({
    id: 'ca-mfa-azure-management',
    rationale: 'Azure portal, CLI and PowerShell manage your subscriptions; they need MFA for everyone.',
    what: 'requires MFA for Windows Azure Service Management API (or all apps) for all users',
    qualifies: (p, ctx) =>
      coversAllUsers(p, ctx.breakGlass) &&
      (includesApp(p, APP.azureManagement) || includesApp(p, 'All')) &&
      narrowing(p).length === 0 &&
      requiresMfa(p),
    near: (p) => includesApp(p, APP.azureManagement),
  }),
  caCheck({
    id: 'ca-admin-portals-restricted',
    rationale:
      'Users without an admin role have no business in admin portals; blocking them limits reconnaissance.',
    what: 'blocks Microsoft Admin Portals for everyone but administrator roles',
    qualifies: (p) =>
      includesAllUsers(p) &&
      includesApp(p, 'MicrosoftAdminPortals') &&
      (p.conditions?.users?.excludeRoles ?? []).length > 0 &&
      blocks(p),
    near: (p) => includesApp(p, 'MicrosoftAdminPortals'),
  }),
  caCheck({
    id: 'ca-user-risk-policy',
    rationale:
      'A high user risk means the account is probably compromised: block it or force a secure password change (MS.AAD.2.1v1).',
    what: 'blocks, or requires MFA and a password change for, high-risk users',
    qualifies: (p, ctx) =>
      coversAllUsers(p, ctx.breakGlass) &&
      allApps(p) &&
      risk(p, 'userRiskLevels', ['high']) &&
      (blocks(p) || (controls(p).includes('mfa') && controls(p).includes('passwordChange'))),
    near: (p) => (p.conditions?.userRiskLevels ?? []).length > 0,
  }),
  caCheck({
    id: 'ca-signin-risk-mfa',
    rationale: 'Medium and high sign-in risk should at least prompt for MFA.',
    what: 'requires MFA for medium and high sign-in risk',
    qualifies: (p, ctx) =>
      coversAllUsers(p, ctx.breakGlass) &&
      allApps(p) &&
      risk(p, 'signInRiskLevels', ['high', 'medium']) &&
      (requiresMfa(p) || blocks(p)),
    near: (p) => (p.conditions?.signInRiskLevels ?? []).length > 0,
  }),
  caCheck({
    id: 'ca-signin-risk-block',
    rationale: 'High-risk sign-ins are likely attacks; SCuBA requires blocking them (MS.AAD.2.3v1).',
    what: 'blocks high-risk sign-ins',
    qualifies: (p, ctx) =>
      coversAllUsers(p, ctx.breakGlass) && allApps(p) && risk(p, 'signInRiskLevels', ['high']) && blocks(p),
    near: (p) => (p.conditions?.signInRiskLevels ?? []).length > 0,
  }),
  caCheck({
    id: 'ca-compliant-device-all',
    rationale:
      'Requiring a managed device stops stolen credentials being used from an attacker machine (MS.AAD.3.7v1).',
    what: 'requires a compliant or hybrid-joined device for all users',
    qualifies: (p, ctx) => everyone(p, ctx) && requiresManagedDevice(p),
    near: (p) => controls(p).some((c) => c === 'compliantDevice' || c === 'domainJoinedDevice'),
  }),
  caCheck({
    id: 'ca-compliant-device-admins',
    rationale: 'Administrators should only work from managed devices.',
    what: 'requires a compliant or hybrid-joined device for the privileged roles',
    qualifies: (p, ctx) => admins(p, ctx) && requiresManagedDevice(p),
    near: (p) => controls(p).some((c) => c === 'compliantDevice' || c === 'domainJoinedDevice'),
  }),
  caCheck({
    id: 'ca-paw-for-admins',
    rationale: 'Privileged access workstations keep admin sessions off everyday devices.',
    what: 'blocks the privileged roles outside devices matched by a device filter (PAW)',
    qualifies: (p) =>
      coversRoles(p, SCUBA_PRIVILEGED_ROLES) && Boolean(p.conditions?.devices?.deviceFilter) && blocks(p),
    near: (p) => Boolean(p.conditions?.devices?.deviceFilter),
  }),
  caCheck({
    id: 'ca-mfa-registration-managed-device',
    rationale:
      'Whoever registers security info first owns the account; require a managed device for it (MS.AAD.3.8v1).',
    what: 'requires a managed device to register security information',
    qualifies: (p, ctx) =>
      coversAllUsers(p, ctx.breakGlass) &&
      userActions(p).includes('urn:user:registersecurityinfo') &&
      requiresManagedDevice(p),
    near: (p) => userActions(p).includes('urn:user:registersecurityinfo'),
  }),
  caCheck({
    id: 'ca-mfa-registration-trusted-location',
    rationale: 'Registering MFA from anywhere lets a phished password become a persistent MFA method.',
    what: 'restricts security-info registration by location',
    qualifies: (p) =>
      userActions(p).includes('urn:user:registersecurityinfo') &&
      Boolean(p.conditions?.locations) &&
      (blocks(p) || requiresMfa(p)),
    near: (p) => userActions(p).includes('urn:user:registersecurityinfo'),
  }),
  caCheck({
    id: 'ca-device-registration-mfa',
    rationale: 'Joining or registering a device should need MFA, or a stolen password adds a trusted device.',
    what: 'requires MFA to register or join devices',
    qualifies: (p) => userActions(p).includes('urn:user:registerdevice') && requiresMfa(p),
    near: (p) => userActions(p).includes('urn:user:registerdevice'),
    notes: 'The device-registration policy (beta) is not read; only the Conditional Access side is checked.',
  }),
  caCheck({
    id: 'ca-device-code-flow-blocked',
    rationale:
      'Device-code phishing hands an attacker a token for the victim; block the flow (MS.AAD.3.9v1).',
    what: 'blocks the device code flow for all users',
    qualifies: (p, ctx) =>
      coversAllUsers(p, ctx.breakGlass) && allApps(p) && transfer(p, 'deviceCodeFlow') && blocks(p),
    near: (p) => transfer(p, 'deviceCodeFlow'),
  }),
  caCheck({
    id: 'ca-auth-transfer-blocked',
    rationale: 'Authentication transfer moves a session from one device to another; block it unless needed.',
    what: 'blocks authentication transfer',
    qualifies: (p, ctx) =>
      coversAllUsers(p, ctx.breakGlass) && transfer(p, 'authenticationTransfer') && blocks(p),
    near: (p) => transfer(p, 'authenticationTransfer'),
  }),
  caCheck({
    id: 'ca-mobile-app-protection',
    rationale: 'On phones, app protection policies keep corporate data inside managed apps.',
    what: 'requires app protection policies on iOS and Android',
    qualifies: (p) =>
      ['iOS', 'android'].every((x) =>
        (p.conditions?.platforms?.includePlatforms ?? [])
          .map((y) => y.toLowerCase())
          .includes(x.toLowerCase()),
      ) && controls(p).includes('compliantApplication'),
    near: (p) => Boolean(p.conditions?.platforms),
  }),
  caCheck({
    id: 'ca-block-unknown-platforms',
    rationale: 'Unknown device platforms are usually scripts and attack tools.',
    what: 'blocks device platforms other than the supported ones',
    qualifies: (p) =>
      (p.conditions?.platforms?.includePlatforms ?? []).includes('all') &&
      (p.conditions?.platforms?.excludePlatforms ?? []).length > 0 &&
      blocks(p),
    near: (p) => Boolean(p.conditions?.platforms),
  }),
  caCheck({
    id: 'ca-all-apps-policy-exists',
    rationale: 'Policies scoped to a few apps leave every new app uncovered.',
    what: 'targets all cloud apps',
    qualifies: (p) => includesApp(p, 'All'),
  }),
  caCheck({
    id: 'ca-all-apps-all-users',
    rationale: 'At least one baseline policy should apply to every user and every app.',
    what: 'targets all users and all cloud apps',
    qualifies: (p) => includesAllUsers(p) && includesApp(p, 'All'),
  }),
  caCheck({
    id: 'ca-azure-devops-explicit',
    rationale:
      'Maester asks for Azure DevOps to be named explicitly in an MFA policy; "All" has not always been honoured by it.',
    what: 'names Azure DevOps explicitly and requires MFA',
    qualifies: (p) => includesApp(p, APP.azureDevOps) && requiresMfa(p),
    near: (p) => includesApp(p, APP.azureDevOps),
  }),
  caCheck({
    id: 'ca-intune-enrollment-every-time',
    rationale: 'Enrolling a device into Intune should re-authenticate every time.',
    what: 'requires sign-in every time for Microsoft Intune Enrollment',
    qualifies: (p) =>
      includesApp(p, APP.intuneEnrollment) &&
      p.sessionControls?.signInFrequency?.frequencyInterval === 'everyTime',
    near: (p) => includesApp(p, APP.intuneEnrollment),
  }),
  caCheck({
    id: 'ca-insider-risk-block',
    rationale: 'Purview insider risk levels can block a user whose behaviour is elevated.',
    what: 'blocks elevated insider risk',
    qualifies: (p) => (p.conditions?.insiderRiskLevels ?? '').split(',').includes('elevated') && blocks(p),
    near: (p) => Boolean(p.conditions?.insiderRiskLevels),
    notes: 'Also needs Microsoft Purview Insider Risk Management, which the scan cannot see.',
  }),
];
