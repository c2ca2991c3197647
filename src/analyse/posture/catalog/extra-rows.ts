/**
 * Checks Tenantscope adds to the merged catalogue: Copilot readiness / oversharing (issue 5).
 * Same shape as the catalogue rows; ids start with `cop-` so they never clash with catalogue ids.
 */
import type { CatalogueRow } from './catalogue-row.ts';

const row = (
  r: Pick<
    CatalogueRow,
    'id' | 'domain' | 'statement' | 'severity' | 'api' | 'endpoints' | 'logic' | 'permissions' | 'notes'
  >,
): CatalogueRow => ({
  minLicence: 'Free',
  licenceNote: 'Free',
  cis: [],
  scuba: [],
  scubaNote: '',
  maester: [],
  prowler: [],
  zta: [],
  ...r,
});

export const EXTRA_ROWS: CatalogueRow[] = [
  row({
    id: 'cop-public-groups-with-guests',
    domain: 'm365-groups',
    statement: 'No public Microsoft 365 group has guest members (Copilot oversharing)',
    severity: 'high',
    api: 'v1.0',
    endpoints: ['GET /groups', 'GET /groups/{id}/members'],
    logic: 'groupTypes contains Unified AND visibility == Public AND any member userType == Guest',
    permissions: ['GroupMember.Read.All'],
    notes:
      'No anchor: Tenantscope oversharing check. A public group is readable by every member; with guests inside, Copilot surfaces its files to people outside the organisation.',
  }),
  row({
    id: 'cop-guests-in-sensitive-groups',
    domain: 'm365-groups',
    statement: 'No guest is a member of a role-assignable or sensitive group (Copilot oversharing)',
    severity: 'high',
    api: 'v1.0',
    endpoints: ['GET /groups', 'GET /groups/{id}/members'],
    logic:
      'isAssignableToRole OR name matches thresholds.sensitiveGroupKeywords => no member with userType Guest',
    permissions: ['GroupMember.Read.All'],
    notes: 'No anchor: Tenantscope oversharing check.',
  }),
  row({
    id: 'cop-site-sharing-links',
    domain: 'sharepoint-onedrive',
    statement: 'No site or file is shared through Anyone or organisation-wide links (Copilot oversharing)',
    severity: 'high',
    api: 'v1.0 (Sites.FullControl.All)',
    endpoints: ['GET /sites/{id}/permissions', 'GET /drives/{id}/items/{id}/permissions'],
    logic: 'permission.link.scope in (anonymous, organization) => review',
    permissions: ['Sites.FullControl.All'],
    notes: 'No anchor: Tenantscope oversharing check.',
  }),
  row({
    id: 'cop-everyone-grants',
    domain: 'sharepoint-onedrive',
    statement: 'No site is shared with "Everyone" or "Everyone except external users" (Copilot oversharing)',
    severity: 'high',
    api: 'v1.0 (Sites.FullControl.All)',
    endpoints: ['GET /sites/{id}/permissions'],
    logic: 'grantedToV2.siteUser.loginName is the Everyone / spo-grid-all-users claim => review',
    permissions: ['Sites.FullControl.All'],
    notes: 'No anchor: Tenantscope oversharing check.',
  }),
];
