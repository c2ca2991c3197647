/** `/organization` (a collection of one) and `/domains` (graph/examples/organization.list.json, domains.list.json). */
import type { GraphObject } from '../contract.ts';
import { SKUS } from './catalog/skus.ts';
import type { GenContext } from './context.ts';

export function buildOrganization(ctx: GenContext): GraphObject[] {
  const created = ctx.clock.daysAgo(2400);
  const seenPlans = new Set<string>();
  const assignedPlans: unknown[] = [];
  for (const part of ctx.purchased) {
    const status =
      part === ctx.mix.suspended ? 'Suspended' : part === ctx.mix.warning ? 'Warning' : 'Enabled';
    for (const p of SKUS[part].plans) {
      if (seenPlans.has(p.id)) continue;
      seenPlans.add(p.id);
      assignedPlans.push({
        assignedDateTime: created,
        capabilityStatus: status,
        service: p.service,
        servicePlanId: p.id,
      });
    }
  }
  const hybrid = ctx.users.some((u) => u.onPremSynced);
  return [
    {
      id: ctx.tenantId,
      deletedDateTime: null,
      displayName: ctx.displayName,
      createdDateTime: created,
      countryLetterCode: 'US',
      tenantType: 'AAD',
      onPremisesSyncEnabled: hybrid ? true : null,
      onPremisesLastSyncDateTime: hybrid ? ctx.clock.daysAgo(0.02) : null,
      technicalNotificationMails: [ctx.admin.upn],
      businessPhones: ['425-555-0100'],
      city: 'Seattle',
      country: null,
      postalCode: '98052',
      state: 'WA',
      street: '1 Main Street',
      preferredLanguage: 'en',
      defaultUsageLocation: null,
      marketingNotificationEmails: [],
      securityComplianceNotificationMails: [],
      securityComplianceNotificationPhones: [],
      privacyProfile: null,
      assignedPlans,
      provisionedPlans: [],
      verifiedDomains: [
        {
          capabilities: 'Email, OfficeCommunicationsOnline',
          isDefault: false,
          isInitial: true,
          name: ctx.initialDomain,
          type: 'Managed',
        },
        {
          capabilities: 'Email, OfficeCommunicationsOnline',
          isDefault: true,
          isInitial: false,
          name: ctx.defaultDomain,
          type: 'Managed',
        },
      ],
    },
  ];
}

export function buildDomains(ctx: GenContext): GraphObject[] {
  const domain = (name: string, isDefault: boolean, isInitial: boolean): GraphObject => ({
    id: name,
    authenticationType: 'Managed',
    availabilityStatus: null,
    isAdminManaged: true,
    isDefault,
    isInitial,
    isRoot: true,
    isVerified: true,
    // 2147483647 = passwords never expire, Microsoft's recommended setting since 2021.
    passwordNotificationWindowInDays: 14,
    passwordValidityPeriodInDays: ctx.profile === 'neglected' ? 90 : 2147483647,
    supportedServices: ['Email', 'OfficeCommunicationsOnline'],
    state: null,
  });
  return [domain(ctx.defaultDomain, true, false), domain(ctx.initialDomain, false, true)];
}
