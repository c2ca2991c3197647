/**
 * SharePoint sites with their sharing permissions (Graph `permission` resources: sharing links
 * with `link.scope` anonymous / organization / users, and grants to the "Everyone" and
 * "Everyone except external users" claims), plus the `admin/sharepoint/settings` and
 * `admin/reportSettings` singletons (graph/examples/sharepointSettings.get.json).
 */
import type { GraphObject } from '../contract.ts';
import { SITE_TOPICS } from './catalog/names.ts';
import type { GenContext } from './context.ts';
import type { Rng } from './prng.ts';
import { slugOf } from './roster.ts';

/** SharePoint's claims for the built-in "Everyone" groups (login names as SharePoint shows them). */
const EVERYONE = (tenantId: string) => [
  {
    displayName: 'Everyone except external users',
    loginName: `c:0-.f|rolemanager|spo-grid-all-users/${tenantId}`,
  },
  { displayName: 'Everyone', loginName: 'c:0(.s|true' },
];

export function buildSites(ctx: GenContext): GraphObject[] {
  const rng = ctx.rng.stream('sites');
  const count = Math.min(500, 5 + Math.round(ctx.users.length / 100));
  const host = `${ctx.slug}.sharepoint.com`;
  const tally = { anyone: 0, org: 0, everyone: 0, everyoneExceptExternal: 0 };
  const sites: GraphObject[] = [];
  for (let i = 0; i < count; i++) {
    const topic = SITE_TOPICS[i % SITE_TOPICS.length]!;
    const name = `${slugOf(topic)}${i >= SITE_TOPICS.length ? i : ''}`;
    const id = `${host},${rng.guid()},${rng.guid()}`;
    const created = ctx.clock.daysAgo(rng.float(30, 2000));
    sites.push({
      id,
      name,
      displayName: `${topic}${i >= SITE_TOPICS.length ? ` ${i}` : ''}`,
      description: `${topic} site`,
      webUrl: `https://${host}/sites/${name}`,
      createdDateTime: created,
      lastModifiedDateTime: ctx.clock.daysAgo(rng.float(0.1, 29)),
      siteCollection: { hostname: host },
    });
    ctx.model.graph.sitePermissions[id] = sitePermissions(ctx, rng, `https://${host}/sites/${name}`, tally);
  }
  ctx.planted.anyoneLinks = tally.anyone;
  ctx.planted.orgWideLinks = tally.org;
  ctx.planted.notes.everyoneGrants = tally.everyone;
  ctx.planted.notes.everyoneExceptExternalUsersGrants = tally.everyoneExceptExternal;
  return sites;
}

function sitePermissions(
  ctx: GenContext,
  rng: Rng,
  url: string,
  tally: Record<string, number>,
): GraphObject[] {
  const { knobs } = ctx;
  const perms: GraphObject[] = [];
  const people = ctx.users.filter((u) => u.kind === 'member');
  const owner = rng.pick(people);
  perms.push({
    id: rng.guid(),
    roles: ['owner'],
    grantedToV2: { user: { id: owner.id, displayName: owner.displayName, email: owner.mail } },
    grantedToIdentitiesV2: [],
    inheritedFrom: null,
    shareId: null,
    hasPassword: false,
  });
  const link = (scope: 'anonymous' | 'organization' | 'users', type: 'view' | 'edit') => {
    perms.push({
      id: rng.base64url(32),
      roles: [type === 'edit' ? 'write' : 'read'],
      shareId: `u!${rng.base64url(40)}`,
      hasPassword: false,
      expirationDateTime: scope === 'anonymous' && ctx.profile === 'typical' ? ctx.clock.daysAgo(-30) : null,
      grantedToIdentitiesV2: [],
      inheritedFrom: null,
      link: { scope, type, webUrl: `${url}/:f:/s/${rng.base62(22)}`, preventsDownload: false },
    });
  };
  if (rng.chance(knobs.anyoneLinkRate)) {
    const n = rng.int(1, ctx.profile === 'neglected' ? 4 : 1);
    for (let i = 0; i < n; i++) link('anonymous', rng.chance(0.3) ? 'edit' : 'view');
    tally.anyone! += n;
  }
  if (rng.chance(knobs.orgLinkRate)) {
    link('organization', rng.chance(0.2) ? 'edit' : 'view');
    tally.org! += 1;
  }
  if (rng.chance(0.5)) link('users', 'view');
  if (rng.chance(knobs.everyoneGrantRate)) {
    const everyone = rng.chance(0.7) ? 0 : 1;
    const who = EVERYONE(ctx.tenantId)[everyone]!;
    perms.push({
      id: rng.guid(),
      roles: ['read'],
      grantedToV2: {
        siteUser: { id: rng.int(5, 40).toString(), displayName: who.displayName, loginName: who.loginName },
      },
      grantedToIdentitiesV2: [],
      inheritedFrom: null,
      shareId: null,
      hasPassword: false,
    });
    if (everyone === 0) tally.everyoneExceptExternal! += 1;
    else tally.everyone! += 1;
  }
  return perms;
}

export function sharePointSettings(ctx: GenContext): GraphObject {
  const p = ctx.profile;
  return {
    id: 'sharepointSettings',
    allowedDomainGuidsForSyncApp: [],
    availableManagedPathsForSiteCreation: ['/sites/', '/teams/'],
    deletedUserPersonalSiteRetentionPeriodInDays: p === 'hardened' ? 365 : 30,
    excludedFileExtensionsForSyncApp: [],
    idleSessionSignOut:
      p === 'hardened'
        ? { isEnabled: true, warnAfterInSeconds: 2700, signOutAfterInSeconds: 3600 }
        : { isEnabled: false, warnAfterInSeconds: 0, signOutAfterInSeconds: 0 },
    imageTaggingOption: 'basic',
    isCommentingOnSitePagesEnabled: true,
    isFileActivityNotificationEnabled: true,
    isLegacyAuthProtocolsEnabled: p === 'neglected',
    isLoopEnabled: true,
    isMacSyncAppEnabled: true,
    isRequireAcceptingUserToMatchInvitedUserEnabled: p !== 'neglected',
    isResharingByExternalUsersEnabled: p === 'neglected',
    isSharePointMobileNotificationEnabled: true,
    isSharePointNewsfeedEnabled: true,
    isSiteCreationEnabled: p !== 'hardened',
    isSiteCreationUIEnabled: p !== 'hardened',
    isSitePagesCreationEnabled: true,
    isSitesStorageLimitAutomatic: true,
    isSyncButtonHiddenOnPersonalSite: false,
    isUnmanagedSyncAppForTenantRestricted: p === 'hardened',
    personalSiteDefaultStorageLimitInMB: 1048576,
    sharingAllowedDomainList: p === 'hardened' ? ['fabrikam.com'] : [],
    sharingBlockedDomainList: [],
    // Anyone links exist only when sharing allows "Anyone" (externalUserAndGuestSharing).
    sharingCapability: p === 'hardened' ? 'existingExternalUserSharingOnly' : 'externalUserAndGuestSharing',
    sharingDomainRestrictionMode: p === 'hardened' ? 'allowList' : 'none',
    siteCreationDefaultManagedPath: '/sites/',
    siteCreationDefaultStorageLimitInMB: 26214400,
    tenantDefaultTimezone: '(UTC-08:00) Pacific Time (US and Canada)',
  };
}

export function reportSettings(ctx: GenContext): GraphObject {
  // Concealed names are Microsoft's default; a neglected tenant turned them off long ago.
  return { id: 'reportSettings', displayConcealedNames: ctx.profile !== 'neglected' };
}
