/**
 * Posture settings: thresholds where the anchors disagree or an organisation's policy decides,
 * and the per-tenant exceptions (break-glass accounts, accepted findings). Parsed with zod; every
 * field has a documented default, so `{}` is a valid settings file.
 */
import { z } from 'zod';
import type { AcceptedFinding } from './posture-types.ts';

/** Built-in role template ids (Microsoft Learn, "Microsoft Entra built-in roles"). */
export const ROLE = {
  globalAdmin: '62e90394-69f5-4237-9190-012177145e10',
  privilegedRoleAdmin: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  securityAdmin: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  exchangeAdmin: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  sharePointAdmin: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
  userAdmin: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  applicationAdmin: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  cloudAppAdmin: '158c047a-c907-4556-b7ef-446551a6b5f7',
  hybridIdentityAdmin: '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2',
  conditionalAccessAdmin: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  privilegedAuthAdmin: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  authAdmin: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  helpdeskAdmin: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  directorySyncAccounts: 'd29b2b05-8046-44ba-8758-1e26182fcf32',
} as const;

/** ScubaGear's eight "highly privileged roles" (ScubaConfigDefaults.json, scuba-policies.md §2.1). */
export const SCUBA_PRIVILEGED_ROLES = [
  ROLE.globalAdmin,
  ROLE.privilegedRoleAdmin,
  ROLE.userAdmin,
  ROLE.sharePointAdmin,
  ROLE.exchangeAdmin,
  ROLE.hybridIdentityAdmin,
  ROLE.applicationAdmin,
  ROLE.cloudAppAdmin,
];

/** SCuBA's eight plus the roles Microsoft labels PRIVILEGED that can take over identities or policy. */
const DEFAULT_PRIVILEGED = [
  ...SCUBA_PRIVILEGED_ROLES,
  ROLE.securityAdmin,
  ROLE.conditionalAccessAdmin,
  ROLE.privilegedAuthAdmin,
  ROLE.authAdmin,
  ROLE.helpdeskAdmin,
];

const thresholdsSchema = z.object({
  /** rol-global-admin-count: CIS says 2–4, SCuBA 2–8, Secure Score >1. We take CIS's 2–4. */
  globalAdminMin: z.number().int().min(0).default(2),
  globalAdminMax: z.number().int().min(1).default(4),
  /** days without a successful sign-in before an enabled account counts as inactive (CIS, ZTA: 90) */
  inactiveDays: z.number().int().positive().default(90),
  guestInactiveDays: z.number().int().positive().default(90),
  /** accounts younger than this are not "never signed in" yet */
  neverSignedInGraceDays: z.number().int().positive().default(30),
  pendingInvitationDays: z.number().int().positive().default(30),
  credentialExpiryWarningDays: z.number().int().positive().default(30),
  /** app-cert-max-validity: ZTA says 180 days, SCuBA MS.AAD.5.7 caps certificates at 365. We take 365. */
  certificateMaxValidityDays: z.number().int().positive().default(365),
  /** MS.AAD.5.6v1: app passwords at most 180 days */
  secretMaxLifetimeDays: z.number().int().positive().default(180),
  /** nl-trusted-ranges-not-broad: a trusted IPv4 range wider than /16 (or IPv6 wider than /48) fails */
  trustedIpv4MinPrefix: z.number().int().min(0).max(32).default(16),
  trustedIpv6MinPrefix: z.number().int().min(0).max(128).default(48),
  /** ca-signin-frequency-admins: Prowler's default of 4 hours */
  adminSignInFrequencyMaxHours: z.number().positive().default(4),
  /** spo-idle-session-signout and ten-idle-session-timeout: CIS asks for 3 hours or less */
  idleSignOutMaxSeconds: z.number().int().positive().default(10_800),
  /** spo-deleted-onedrive-retention: Microsoft's default is 30; we ask for 90 so leavers' files survive review */
  deletedOneDriveRetentionMinDays: z.number().int().positive().default(90),
  /** lic-unassigned-paid-seats: spare seats above max(count, share × purchased) fail */
  unassignedSeatsMaxShare: z.number().min(0).max(1).default(0.1),
  unassignedSeatsMinCount: z.number().int().min(0).default(5),
  /** ca-report-only-stale: report-only/disabled policies untouched this long */
  staleReportOnlyDays: z.number().int().positive().default(30),
  /** failing objects kept per result (the summary still counts them all) */
  maxEvidence: z.number().int().positive().default(100),
  /** app-user-consent-restricted: CIS says no user consent at all; EIDSCA accepts Microsoft's
   * "low impact, verified publishers" policy. Default false (CIS). */
  allowLowImpactUserConsent: z.boolean().default(false),
  /** cop-guests-in-sensitive-groups: words in a group's name that mark it sensitive */
  sensitiveGroupKeywords: z
    .array(z.string())
    .default(['finance', 'legal', 'hr', 'human resources', 'payroll', 'executive', 'board', 'admin']),
  /** roles considered privileged by the role checks */
  privilegedRoleIds: z.array(z.string()).default(DEFAULT_PRIVILEGED),
  /** grp-public-groups-approved: public groups allowed by id or display name */
  approvedPublicGroups: z.array(z.string()).default([]),
});

const acceptedFindingSchema = z.object({
  checkId: z.string().min(1),
  reason: z.string().min(1),
  acceptedBy: z.string().min(1),
  expiresAt: z.string().refine((v) => !Number.isNaN(Date.parse(v)), { message: 'must be an ISO 8601 date' }),
});

const exceptionsSchema = z.object({
  /** declared break-glass accounts (UPN or object id; a group id is accepted too) */
  breakGlass: z.array(z.string().min(1)).default([]),
  acceptedFindings: z.array(acceptedFindingSchema).default([]),
});

/** The settings file: thresholds, tenant-wide exceptions, and exceptions per tenant id. */
export const settingsFileSchema = z
  .object({
    thresholds: thresholdsSchema.partial().default({}),
    breakGlass: z.array(z.string().min(1)).default([]),
    acceptedFindings: z.array(acceptedFindingSchema).default([]),
    tenants: z.record(z.string(), exceptionsSchema.partial()).default({}),
  })
  .strict();

export type Thresholds = z.infer<typeof thresholdsSchema>;
export type SettingsFile = z.infer<typeof settingsFileSchema>;

/** What one evaluation uses: thresholds plus this tenant's exceptions. */
export interface PostureSettings {
  thresholds: Thresholds;
  breakGlass: string[];
  acceptedFindings: AcceptedFinding[];
}

export const DEFAULT_THRESHOLDS: Thresholds = thresholdsSchema.parse({});

/** Merges a settings file for one tenant: the tenant's own exceptions add to the shared ones. */
export function settingsForTenant(
  file: Partial<SettingsFile> | undefined,
  tenantId: string,
): PostureSettings {
  const parsed = settingsFileSchema.parse(file ?? {});
  const own = parsed.tenants[tenantId] ?? {};
  return {
    thresholds: thresholdsSchema.parse(parsed.thresholds),
    breakGlass: [...parsed.breakGlass, ...(own.breakGlass ?? [])],
    acceptedFindings: [...parsed.acceptedFindings, ...(own.acceptedFindings ?? [])],
  };
}

/** Settings with every default, for tests and the catalogue. */
export function defaultSettings(overrides: Partial<PostureSettings> = {}): PostureSettings {
  return {
    thresholds: { ...DEFAULT_THRESHOLDS, ...(overrides.thresholds ?? {}) },
    breakGlass: overrides.breakGlass ?? [],
    acceptedFindings: overrides.acceptedFindings ?? [],
  };
}
