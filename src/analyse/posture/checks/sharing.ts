/**
 * SharePoint and OneDrive tenant sharing settings (Graph v1.0 sharepointSettings; enum values per
 * the resource doc: disabled, externalUserSharingOnly, externalUserAndGuestSharing,
 * existingExternalUserSharingOnly). Per-site sharing links are in the manual checks: reading
 * `/sites/{id}/permissions` needs Sites.FullControl.All, which is not read-only.
 */
import type { CheckImpl } from '../define-check.ts';
import type { Raw } from '../snapshot-view.ts';
import { propertyCheck } from './property-check.ts';

const DATASET = 'sharepointSettings';
const PORTAL = 'SharePoint admin center > Policies > Sharing';
const AUTOMATION = (prop: string) =>
  `Set-SPOTenant (SharePoint Online PowerShell), or PATCH /admin/sharepoint/settings {"${prop}":…} with SharePointTenantSettings.ReadWrite.All`;
const DOC = 'https://learn.microsoft.com/graph/api/resources/sharepointsettings';
const sharingOff = (s: Raw) =>
  s.sharingCapability === 'disabled' ? 'External sharing is disabled.' : undefined;

function spo(
  id: string,
  property: string,
  expected: string,
  ok: (
    v: unknown,
    s: Raw,
    t: { idleSignOutMaxSeconds: number; deletedOneDriveRetentionMinDays: number },
  ) => boolean,
  rationale: string,
  options: { skip?: (s: Raw) => string | undefined; notes?: string } = {},
): CheckImpl {
  return propertyCheck({
    id,
    dataset: DATASET,
    property,
    expected,
    ok: (v, s, ctx) => ok(v, s, ctx.settings.thresholds),
    rationale,
    remediation: { portal: PORTAL, automation: AUTOMATION(property.split('.')[0]!) },
    references: [DOC],
    objectType: 'sharepointSettings',
    ...(options.skip ? { skip: options.skip } : {}),
    ...(options.notes ? { notes: options.notes } : {}),
  });
}

export const sharingChecks: CheckImpl[] = [
  spo(
    'spo-external-sharing-restricted',
    'sharingCapability',
    'disabled, existingExternalUserSharingOnly or externalUserSharingOnly (never "Anyone")',
    (v) => v === 'disabled' || v === 'existingExternalUserSharingOnly' || v === 'externalUserSharingOnly',
    'Anyone links are unauthenticated: whoever has the link has the file, and Copilot-era oversharing starts there (MS.SHAREPOINT.1.1v1).',
    {
      notes:
        'SCuBA accepts only disabled or existing guests; CIS also accepts new and existing guests. We follow CIS: "Anyone" always fails.',
    },
  ),
  spo(
    'spo-sharing-domain-restriction',
    'sharingDomainRestrictionMode',
    'allowList or blockList with a non-empty list',
    (v, s) =>
      (v === 'allowList' &&
        Array.isArray(s.sharingAllowedDomainList) &&
        s.sharingAllowedDomainList.length > 0) ||
      (v === 'blockList' &&
        Array.isArray(s.sharingBlockedDomainList) &&
        s.sharingBlockedDomainList.length > 0),
    'Limiting external sharing to partner domains stops files reaching arbitrary mailboxes (MS.SHAREPOINT.1.3v1).',
    { skip: sharingOff },
  ),
  spo(
    'spo-guest-resharing-disabled',
    'isResharingByExternalUsersEnabled',
    'false',
    (v) => v === false,
    'Guests re-sharing your files pass access on to people you never invited.',
    { skip: sharingOff },
  ),
  spo(
    'spo-legacy-auth-disabled',
    'isLegacyAuthProtocolsEnabled',
    'false',
    (v) => v === false,
    'Legacy SharePoint authentication cannot enforce MFA or Conditional Access.',
  ),
  spo(
    'spo-unmanaged-sync-restricted',
    'isUnmanagedSyncAppForTenantRestricted',
    'true with allowed domain GUIDs',
    (v, s) =>
      v === true &&
      Array.isArray(s.allowedDomainGuidsForSyncApp) &&
      s.allowedDomainGuidsForSyncApp.length > 0,
    'The OneDrive sync app should only sync to domain-joined (managed) computers.',
  ),
  spo(
    'spo-idle-session-signout',
    'idleSessionSignOut',
    'enabled, signing out within the limit',
    (v, _s, t) => {
      const x = v as Raw | undefined;
      return (
        x?.isEnabled === true &&
        typeof x.signOutAfterInSeconds === 'number' &&
        x.signOutAfterInSeconds <= t.idleSignOutMaxSeconds
      );
    },
    'Idle sessions on unmanaged devices should end on their own.',
    { notes: 'Limit: thresholds.idleSignOutMaxSeconds (default 3 hours, CIS).' },
  ),
  spo(
    'spo-accepting-user-must-match',
    'isRequireAcceptingUserToMatchInvitedUserEnabled',
    'true',
    (v) => v === true,
    'An invitation forwarded to someone else must not let them in.',
  ),
  spo(
    'spo-site-creation-review',
    'isSiteCreationEnabled',
    'false (sites created through a governed process)',
    (v) => v === false,
    'Self-service site creation multiplies sites without owners or sensitivity labels.',
  ),
  spo(
    'spo-deleted-onedrive-retention',
    'deletedUserPersonalSiteRetentionPeriodInDays',
    'at least the retention limit',
    (v, _s, t) => typeof v === 'number' && v >= t.deletedOneDriveRetentionMinDays,
    "Leavers' OneDrive files must survive long enough for a manager or an investigation to review them.",
    { notes: "Limit: thresholds.deletedOneDriveRetentionMinDays (default 90; Microsoft's default is 30)." },
  ),
];
