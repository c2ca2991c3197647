/** Accounts: inactive and never-used users and guests, MFA registration, legacy sign-ins, hybrid sync. */
import type { CheckImpl } from '../define-check.ts';
import type { CheckContext } from '../posture-types.ts';
import type { Raw } from '../snapshot-view.ts';
import {
  DAY_MS,
  daysBefore,
  lastSignIn,
  named,
  noneMayFail,
  notApplicable,
  timeOf,
  type User,
  userEvidence,
  usersById,
} from './common.ts';
import { ELIGIBLE, privilegedHolders } from './roles.ts';

const USERS_PORTAL = 'Entra admin center > Identity > Users > All users';
const disableUser =
  'PATCH /users/{id} {"accountEnabled":false} (Update-MgUser -AccountEnabled:$false) or DELETE /users/{id}';
const MFA_PORTAL = 'Entra admin center > Protection > Authentication methods > User registration details';
const PHISHING_RESISTANT = new Set([
  'fido2',
  'passKeyDeviceBound',
  'passKeyDeviceBoundAuthenticator',
  'passKeyDeviceBoundWindowsHello',
  'windowsHelloForBusiness',
  'x509CertificateMultiFactor',
]);

interface Registration extends Raw {
  id: string;
  isMfaRegistered?: boolean;
  isMfaCapable?: boolean;
  methodsRegistered?: string[];
}

const registrations = (ctx: CheckContext) =>
  ctx.view.memo(
    'registrationsById',
    (v) => new Map(v.items<Registration>('userRegistrationDetails').map((r) => [r.id.toLowerCase(), r])),
  );

/** Enabled accounts of one userType whose last sign-in (or creation, if never) is older than `days`. */
function inactive(ctx: CheckContext, userType: 'Member' | 'Guest', days: number) {
  const limit = daysBefore(ctx.view.now, days);
  const last = lastSignIn(ctx.view);
  return ctx.view
    .items<User>('users')
    .filter((u) => u.userType === userType && u.accountEnabled === true)
    .filter((u) => !ctx.breakGlass.ids.has(u.id.toLowerCase()))
    .filter((u) => (last.get(u.id.toLowerCase()) ?? timeOf(u.createdDateTime) ?? 0) < limit)
    .map((u) => {
      const t = last.get(u.id.toLowerCase());
      return userEvidence(u, {
        lastSignIn: t ? new Date(t).toISOString() : null,
        createdDateTime: u.createdDateTime,
      });
    });
}

export const identityChecks: CheckImpl[] = [
  {
    id: 'usr-inactive-members',
    rationale: 'Enabled accounts nobody uses are the quietest way in: nobody notices their sign-ins.',
    remediation: { portal: USERS_PORTAL, automation: disableUser },
    notes:
      'Inactive: no successful sign-in for thresholds.inactiveDays (default 90); never-signed-in accounts count from creation. Break-glass accounts are skipped.',
    datasets: ['users', 'userSignInActivity'],
    evaluate: (ctx) =>
      noneMayFail(
        inactive(ctx, 'Member', ctx.settings.thresholds.inactiveDays),
        `enabled members have not signed in for ${ctx.settings.thresholds.inactiveDays} days`,
        'Every enabled member signed in recently.',
      ),
  },
  {
    id: 'gst-inactive-guests',
    rationale: 'Guests who stopped collaborating keep their access until someone removes them.',
    remediation: { portal: `${USERS_PORTAL} (filter: Guest)`, automation: disableUser },
    datasets: ['users', 'userSignInActivity'],
    evaluate: (ctx) =>
      noneMayFail(
        inactive(ctx, 'Guest', ctx.settings.thresholds.guestInactiveDays),
        `enabled guests have not signed in for ${ctx.settings.thresholds.guestInactiveDays} days`,
        'Every enabled guest signed in recently.',
      ),
  },
  {
    id: 'usr-never-signed-in',
    rationale: 'Accounts created and never used are provisioning leftovers or pre-staged backdoors.',
    remediation: { portal: USERS_PORTAL, automation: disableUser },
    datasets: ['users', 'userSignInActivity'],
    evaluate: (ctx) => {
      const grace = daysBefore(ctx.view.now, ctx.settings.thresholds.neverSignedInGraceDays);
      const last = lastSignIn(ctx.view);
      return noneMayFail(
        ctx.view
          .items<User>('users')
          .filter((u) => u.accountEnabled === true && !ctx.breakGlass.ids.has(u.id.toLowerCase()))
          .filter((u) => last.has(u.id.toLowerCase()) && last.get(u.id.toLowerCase()) === undefined)
          .filter((u) => (timeOf(u.createdDateTime) ?? 0) < grace)
          .map((u) => userEvidence(u, { createdDateTime: u.createdDateTime, lastSignIn: null })),
        'enabled accounts were never used',
        'Every enabled account older than the grace period has signed in.',
      );
    },
  },
  {
    id: 'usr-weak-password-policy-flag',
    rationale: '"DisableStrongPassword" lets an account keep a password that ignores complexity rules.',
    remediation: {
      portal: 'PowerShell only',
      automation: 'Update-MgUser -PasswordPolicies None (PATCH /users/{id} {"passwordPolicies":"None"})',
    },
    datasets: ['users'],
    evaluate: ({ view }) =>
      noneMayFail(
        view
          .items<User>('users')
          .filter((u) => (u.passwordPolicies ?? '').includes('DisableStrongPassword'))
          .map((u) => userEvidence(u, { passwordPolicies: u.passwordPolicies })),
        'accounts allow weak passwords',
        'No account has DisableStrongPassword.',
      ),
  },
  {
    id: 'gst-pending-invitations',
    rationale: 'An invitation never accepted can still be redeemed by whoever gets the mail later.',
    remediation: {
      portal: `${USERS_PORTAL} (filter: Guest, invitation state)`,
      automation: 'DELETE /users/{id} (Remove-MgUser)',
    },
    datasets: ['users'],
    evaluate: ({ view, settings }) => {
      const limit = daysBefore(view.now, settings.thresholds.pendingInvitationDays);
      return noneMayFail(
        view
          .items<User>('users')
          .filter(
            (u) => u.externalUserState === 'PendingAcceptance' && (timeOf(u.createdDateTime) ?? 0) < limit,
          )
          .map((u) =>
            userEvidence(u, { externalUserState: u.externalUserState, createdDateTime: u.createdDateTime }),
          ),
        `guest invitations are pending for more than ${settings.thresholds.pendingInvitationDays} days`,
        'No stale pending invitation.',
      );
    },
  },
  {
    id: 'mfa-members-capable',
    minLicence: 'P1',
    rationale: 'A member who has not registered MFA can be claimed by whoever registers it first.',
    remediation: {
      portal: MFA_PORTAL,
      automation:
        'Enable the registration campaign; GET /reports/authenticationMethods/userRegistrationDetails?$filter=isMfaCapable eq false',
    },
    notes:
      'Only enabled members are counted (Prowler issues #10637/#10921: disabled accounts and guests gave false findings).',
    datasets: ['users', 'userRegistrationDetails'],
    evaluate: (ctx) => {
      const reg = registrations(ctx);
      return noneMayFail(
        ctx.view
          .items<User>('users')
          .filter((u) => u.userType === 'Member' && u.accountEnabled === true)
          .filter((u) => reg.get(u.id.toLowerCase())?.isMfaCapable === false)
          .map((u) => userEvidence(u, { isMfaCapable: false })),
        'enabled members are not MFA capable',
        'Every enabled member is MFA capable.',
      );
    },
  },
  {
    id: 'mfa-admins-registered',
    rationale: 'An admin without registered MFA is one password away from a takeover.',
    remediation: {
      portal: MFA_PORTAL,
      automation: 'Issue a Temporary Access Pass and have the admin register a method',
    },
    optionalDatasets: ELIGIBLE,
    datasets: ['roleAssignments', 'users', 'userRegistrationDetails'],
    evaluate: (ctx) => {
      const reg = registrations(ctx);
      const users = usersById(ctx.view);
      return noneMayFail(
        [...privilegedHolders(ctx)]
          .filter(([id]) => users.has(id) && reg.get(id)?.isMfaRegistered !== true)
          .map(([id, roles]) =>
            userEvidence(users.get(id)!, { roles, isMfaRegistered: reg.get(id)?.isMfaRegistered ?? null }),
          ),
        'privileged users have no MFA registered',
        'Every privileged user has MFA registered.',
      );
    },
  },
  {
    id: 'mfa-admins-phishing-resistant-registered',
    rationale: 'Admins need a phishing-resistant method registered before policies can require one.',
    remediation: {
      portal: MFA_PORTAL,
      automation: 'Register FIDO2 keys or passkeys (Temporary Access Pass for onboarding)',
    },
    optionalDatasets: ELIGIBLE,
    datasets: ['roleAssignments', 'users', 'userRegistrationDetails'],
    evaluate: (ctx) => {
      const reg = registrations(ctx);
      const users = usersById(ctx.view);
      return noneMayFail(
        [...privilegedHolders(ctx)]
          .filter(([id]) => users.has(id))
          .filter(([id]) => !(reg.get(id)?.methodsRegistered ?? []).some((m) => PHISHING_RESISTANT.has(m)))
          .map(([id, roles]) =>
            userEvidence(users.get(id)!, { roles, methodsRegistered: reg.get(id)?.methodsRegistered ?? [] }),
          ),
        'privileged users have no phishing-resistant method',
        'Every privileged user has a phishing-resistant method.',
      );
    },
  },
  {
    id: 'mfa-breakglass-fido2',
    minLicence: 'P1',
    rationale:
      'Break-glass accounts are excluded from policies; a FIDO2 key is what keeps them from being a password only.',
    remediation: {
      portal: `${USERS_PORTAL} > (account) > Authentication methods`,
      automation: 'Register a FIDO2 key for each break-glass account',
    },
    notes:
      'Read from userRegistrationDetails.methodsRegistered (P1) instead of per-user fido2Methods, which the collector does not read.',
    datasets: ['users', 'userRegistrationDetails'],
    evaluate: (ctx) => {
      if (ctx.breakGlass.ids.size === 0) return notApplicable('No break-glass accounts are declared.');
      const reg = registrations(ctx);
      const users = usersById(ctx.view);
      return noneMayFail(
        [...ctx.breakGlass.ids]
          .filter((id) => users.has(id))
          .filter(
            (id) =>
              !(reg.get(id)?.methodsRegistered ?? []).some((m) => m === 'fido2' || m.startsWith('passKey')),
          )
          .map((id) =>
            userEvidence(users.get(id)!, { methodsRegistered: reg.get(id)?.methodsRegistered ?? [] }),
          ),
        'break-glass accounts have no FIDO2 key',
        'Every break-glass account has a FIDO2 key.',
      );
    },
  },
  {
    id: 'mfa-no-legacy-auth-signins',
    rationale: 'Successful legacy-protocol sign-ins are passwords used without MFA, right now.',
    remediation: {
      portal: 'Entra admin center > Monitoring > Sign-in logs (filter: Client app = legacy)',
      automation: 'Block legacy authentication with Conditional Access; move clients to modern auth',
    },
    datasets: ['signIns'],
    evaluate: ({ view }) => {
      const legacy = new Set([
        'Exchange ActiveSync',
        'IMAP4',
        'POP3',
        'Authenticated SMTP',
        'Other clients',
        'Autodiscover',
        'Exchange Online PowerShell',
        'MAPI Over HTTP',
        'Offline Address Book',
        'Outlook Anywhere (RPC over HTTP)',
        'Reporting Web Services',
      ]);
      const byUser = new Map<string, { upn: string; clients: Set<string>; count: number }>();
      for (const s of view.items<Raw>('signIns')) {
        const status = s.status as Raw | undefined;
        if (!legacy.has(String(s.clientAppUsed)) || status?.errorCode !== 0) continue;
        const id = String(s.userId);
        const e = byUser.get(id) ?? {
          upn: String(s.userPrincipalName),
          clients: new Set<string>(),
          count: 0,
        };
        e.clients.add(String(s.clientAppUsed));
        e.count += 1;
        byUser.set(id, e);
      }
      return noneMayFail(
        [...byUser].map(([id, e]) => ({
          type: 'user',
          id,
          name: e.upn,
          properties: { legacyClients: [...e.clients], signIns: e.count },
        })),
        'users signed in with legacy protocols in the collected sign-ins',
        'No successful legacy-protocol sign-in in the collected sign-ins.',
      );
    },
  },
  {
    id: 'hyb-sync-recent',
    rationale: 'A stalled sync leaves leavers enabled in the cloud and password changes unapplied.',
    remediation: {
      portal: 'Entra admin center > Identity > Hybrid management > Microsoft Entra Connect',
      automation: 'Check the Connect server: Get-ADSyncScheduler, Start-ADSyncSyncCycle',
    },
    datasets: ['organization'],
    evaluate: ({ view }) => {
      const org = view.items<Raw & { id: string; displayName?: string }>('organization')[0];
      if (org?.onPremisesSyncEnabled !== true)
        return notApplicable('The tenant does not synchronise from on-premises.');
      const last = timeOf(org.onPremisesLastSyncDateTime);
      const ok = last !== undefined && last >= view.now.getTime() - DAY_MS;
      const ev = [
        named('organization', org, { onPremisesLastSyncDateTime: org.onPremisesLastSyncDateTime ?? null }),
      ];
      return ok
        ? { state: 'pass', summary: 'Directory sync ran in the last 24 hours.', evidence: ev }
        : { state: 'fail', summary: 'Directory sync has not run in the last 24 hours.', evidence: ev };
    },
  },
];
