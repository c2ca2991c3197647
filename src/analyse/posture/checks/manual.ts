/**
 * Guidance for checks Graph cannot read read-only, where the generic "look at these endpoints"
 * text is not enough. Everything else without an implementation gets the generic guidance.
 */
import type { ManualImpl } from '../define-check.ts';

const SITE_PERMISSIONS =
  'Per-site and per-file sharing links are in GET /sites/{id}/permissions and drive item permissions, which Microsoft gates behind Sites.FullControl.All for applications; that permission can write, so Tenantscope (read-only) does not request it.';

export const manualGuidance: ManualImpl[] = [
  {
    id: 'cop-site-sharing-links',
    guidance: `${SITE_PERMISSIONS} Review instead in SharePoint admin center > Reports > Data access governance > Sharing links ("Anyone" and "People in your organization" links), or run a SharePoint Advanced Management oversharing assessment.`,
    rationale:
      'Copilot answers from every file a user can open; "Anyone" and organisation-wide links make files reachable by everyone at once.',
    remediation: {
      portal: 'SharePoint admin center > Reports > Data access governance > Sharing links',
      automation:
        'Get-SPOSite | Get-SPOSiteSharingLinks (PnP: Get-PnPFileSharingLink); remove links or restrict site sharing',
    },
  },
  {
    id: 'cop-everyone-grants',
    guidance: `${SITE_PERMISSIONS} Review instead in SharePoint admin center > Reports > Data access governance > "Sites shared with Everyone except external users", and restrict or remove those grants.`,
    rationale:
      'A site granted to "Everyone except external users" is readable by every employee, so Copilot will summarise it for all of them.',
    remediation: {
      portal: 'SharePoint admin center > Reports > Data access governance > Content shared with EEEU',
      automation:
        'PnP PowerShell: Get-PnPSiteGroup / Remove-PnPSiteGroupMember for the c:0-.f|rolemanager|spo-grid-all-users claim',
    },
  },
  {
    id: 'spo-anyone-links-inventory',
    guidance: `${SITE_PERMISSIONS} The tenant-wide setting is checked by spo-external-sharing-restricted; for the links that exist, use the Data access governance sharing-links report.`,
  },
  {
    id: 'ten-idle-session-timeout',
    guidance:
      'Tenantscope does not collect /policies/activityBasedTimeoutPolicies yet. Look at Microsoft 365 admin center > Settings > Org settings > Security & privacy > Idle session timeout: it should sign users out after 3 hours or less.',
  },
];
