/** The authentication methods policy (Graph v1.0 authenticationMethodsPolicy and its configurations). */
import type { CheckImpl } from '../define-check.ts';
import type { Raw } from '../snapshot-view.ts';
import { asArray, named, noneMayFail, notApplicable } from './common.ts';
import { type PropertySpec, propertyCheck } from './property-check.ts';

const DATASET = 'authenticationMethodsPolicy';
const PORTAL = 'Entra admin center > Protection > Authentication methods > Policies';
const automation = (method: string) =>
  `PATCH /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/${method} (Update-MgPolicyAuthenticationMethodPolicyAuthenticationMethodConfiguration)`;
const DOC = 'https://learn.microsoft.com/graph/api/resources/authenticationmethodspolicy';

export const methodConfig = (policy: Raw, id: string): Raw | undefined =>
  asArray<Raw>(policy.authenticationMethodConfigurations).find(
    (c) => String(c.id).toLowerCase() === id.toLowerCase(),
  );
const methodOff = (id: string) => (policy: Raw) =>
  methodConfig(policy, id)?.state === 'enabled' ? undefined : `${id} is not enabled.`;

function method(
  id: string,
  methodId: string,
  property: string,
  expected: string,
  ok: PropertySpec['ok'],
  rationale: string,
  skipWhenOff = false,
): CheckImpl {
  return propertyCheck({
    id,
    dataset: DATASET,
    select: (p) => methodConfig(p, methodId),
    property,
    expected,
    ok,
    rationale,
    remediation: { portal: `${PORTAL} > ${methodId}`, automation: automation(methodId) },
    references: [DOC],
    objectType: 'authenticationMethodConfiguration',
    ...(skipWhenOff ? { skip: methodOff(methodId) } : {}),
  });
}

const feature = (name: string) => `featureSettings.${name}.state`;
const allUsersTarget = (config: Raw, name: string) =>
  (config.featureSettings as Raw | undefined)?.[name] &&
  ((config.featureSettings as Record<string, Raw>)[name]!.includeTarget as Raw | undefined)?.id ===
    'all_users';

export const authMethodChecks: CheckImpl[] = [
  propertyCheck({
    id: 'amp-migration-complete',
    dataset: DATASET,
    property: 'policyMigrationState',
    expected: '"migrationComplete"',
    ok: (v) => v === 'migrationComplete' || v == null,
    rationale:
      'Until migration completes, the legacy MFA and SSPR policies still decide which methods work (MS.AAD.3.4v1).',
    remediation: {
      portal: `${PORTAL} > Manage migration`,
      automation: 'PATCH /policies/authenticationMethodsPolicy {"policyMigrationState":"migrationComplete"}',
    },
    references: [DOC],
    notes:
      'Like ScubaGear, null counts as complete (tenants created after the migration have no legacy policy).',
  }),
  {
    id: 'amp-sms-voice-disabled',
    rationale: 'SMS and voice codes are phishable and SIM-swappable (MS.AAD.3.5v2).',
    remediation: {
      portal: PORTAL,
      automation: `${automation('Sms')}; ${automation('Voice')} with {"state":"disabled"}`,
    },
    references: [DOC],
    datasets: [DATASET],
    evaluate: ({ view }) => {
      const policy = view.single<Raw>(DATASET);
      const on = ['Sms', 'Voice']
        .map((m) => methodConfig(policy, m))
        .filter((c): c is Raw => c?.state === 'enabled');
      return noneMayFail(
        on.map((c) => named('authenticationMethodConfiguration', { id: String(c.id) }, { state: 'enabled' })),
        'weak methods (SMS, voice) are enabled',
        'SMS and voice are disabled.',
      );
    },
  },
  method(
    'amp-sms-signin-disabled',
    'Sms',
    'includeTargets',
    'no target usable for sign-in',
    (v) => asArray<Raw>(v).every((t) => t.isUsableForSignIn !== true),
    'SMS as a first factor makes a phone number a password.',
    true,
  ),
  method(
    'amp-authenticator-enabled',
    'MicrosoftAuthenticator',
    'state',
    '"enabled"',
    (v) => v === 'enabled',
    'Microsoft Authenticator gives push with number matching and passwordless sign-in.',
  ),
  method(
    'amp-authenticator-number-matching',
    'MicrosoftAuthenticator',
    feature('numberMatchingRequiredState'),
    '"enabled" or not present (Microsoft enforces number matching for everyone since May 2023)',
    (v) => v === undefined || v === 'enabled' || v === 'default',
    'Number matching defeats MFA-fatigue attacks.',
    true,
  ),
  {
    ...method(
      'amp-authenticator-context',
      'MicrosoftAuthenticator',
      feature('displayAppInformationRequiredState'),
      'app name and location shown to all users',
      (_v, c) =>
        ['displayAppInformationRequiredState', 'displayLocationInformationRequiredState'].every(
          (f) =>
            (c.featureSettings as Record<string, Raw> | undefined)?.[f]?.state === 'enabled' &&
            allUsersTarget(c, f),
        ),
      'Showing the app and location in the prompt lets users spot a request they did not make (MS.AAD.3.3v2).',
      true,
    ),
  },
  method(
    'amp-authenticator-otp-disabled',
    'MicrosoftAuthenticator',
    'isSoftwareOathEnabled',
    'false',
    (v) => v !== true,
    'OTP codes in Authenticator are phishable; push with number matching is stronger.',
    true,
  ),
  method(
    'amp-authenticator-lite-disabled',
    'MicrosoftAuthenticator',
    feature('companionAppAllowedState'),
    '"disabled"',
    (v) => v === 'disabled',
    'Authenticator Lite in Outlook ties the second factor to the mail app an attacker may already control.',
    true,
  ),
  propertyCheck({
    id: 'amp-report-suspicious-activity',
    dataset: DATASET,
    property: 'reportSuspiciousActivitySettings.state',
    expected: '"enabled" for all users',
    ok: (v, p) =>
      v === 'enabled' &&
      ((p.reportSuspiciousActivitySettings as Raw | undefined)?.includeTarget as Raw | undefined)?.id ===
        'all_users',
    rationale:
      'Users who report an unexpected MFA prompt mark themselves high risk, so risk policies can act.',
    remediation: {
      portal: `${PORTAL} > Settings > Report suspicious activity`,
      automation:
        'PATCH /policies/authenticationMethodsPolicy {"reportSuspiciousActivitySettings":{"state":"enabled",…}}',
    },
    references: [DOC],
  }),
  method(
    'amp-fido2-enabled',
    'Fido2',
    'state',
    '"enabled"',
    (v) => v === 'enabled',
    'FIDO2 security keys and passkeys are phishing-resistant.',
  ),
  method(
    'amp-fido2-attestation',
    'Fido2',
    'isAttestationEnforced',
    'true',
    (v) => v === true,
    'Attestation proves a key is genuine hardware from a known vendor.',
    true,
  ),
  method(
    'amp-fido2-key-restrictions',
    'Fido2',
    'keyRestrictions',
    'enforced with a non-empty AAGUID list',
    (v) => (v as Raw | undefined)?.isEnforced === true && asArray((v as Raw | undefined)?.aaGuids).length > 0,
    'Restricting AAGUIDs limits keys to models you approved.',
    true,
  ),
  method(
    'amp-fido2-self-service',
    'Fido2',
    'isSelfServiceRegistrationAllowed',
    'true',
    (v) => v === true,
    'Users must be able to register their own keys for passwordless to spread.',
    true,
  ),
  method(
    'amp-tap-enabled',
    'TemporaryAccessPass',
    'state',
    '"enabled"',
    (v) => v === 'enabled',
    'A Temporary Access Pass onboards phishing-resistant methods without a password.',
  ),
  method(
    'amp-tap-one-time',
    'TemporaryAccessPass',
    'isUsableOnce',
    'true',
    (v) => v === true,
    'A reusable pass is a second password.',
    true,
  ),
  propertyCheck({
    id: 'gst-email-otp-disabled',
    dataset: DATASET,
    select: (p) => methodConfig(p, 'Email'),
    property: 'state',
    expected: '"disabled"',
    ok: (v) => v !== 'enabled',
    rationale: 'Email one-time passcodes are as strong as the mailbox behind them (MS.AAD.3.5v2).',
    remediation: { portal: `${PORTAL} > Email OTP`, automation: automation('Email') },
    references: [DOC],
    notes: 'Anchors disagree: disabling email OTP can lock out B2B guests who have no account of their own.',
    objectType: 'authenticationMethodConfiguration',
  }),
  propertyCheck({
    id: 'mfa-registration-required',
    dataset: DATASET,
    property: 'registrationEnforcement.authenticationMethodsRegistrationCampaign.state',
    expected: '"enabled"',
    ok: (v) => v === 'enabled',
    rationale: 'The registration campaign nudges users without Authenticator to set it up at sign-in.',
    remediation: {
      portal: `${PORTAL} > Registration campaign`,
      automation:
        'PATCH /policies/authenticationMethodsPolicy {"registrationEnforcement":{…"state":"enabled"}}',
    },
    references: [DOC],
  }),
  {
    id: 'amp-no-deleted-group-targets',
    rationale: 'A method targeted at a deleted group silently applies to nobody.',
    remediation: { portal: PORTAL, automation: "PATCH the configuration's includeTargets/excludeTargets" },
    datasets: [DATASET, 'groups'],
    evaluate: ({ view }) => {
      const groups = new Set(view.items<{ id: string }>('groups').map((g) => g.id.toLowerCase()));
      const configs = asArray<Raw>(view.single<Raw>(DATASET).authenticationMethodConfigurations);
      if (configs.length === 0) return notApplicable('No method configurations.');
      const bad = configs.flatMap((c) => {
        const ids = [...asArray<Raw>(c.includeTargets), ...asArray<Raw>(c.excludeTargets)]
          .filter((t) => t.targetType === 'group' && t.id !== 'all_users')
          .map((t) => String(t.id))
          .filter((id) => id !== '00000000-0000-0000-0000-000000000000' && !groups.has(id.toLowerCase()));
        return ids.length
          ? [named('authenticationMethodConfiguration', { id: String(c.id) }, { missingGroups: ids })]
          : [];
      });
      return noneMayFail(
        bad,
        'method configurations target groups that do not exist',
        'Every targeted group exists.',
      );
    },
  },
];
