/**
 * What each profile gets wrong. Rates are shares of a population; counts are computed with
 * `countOf` (rounding, with a floor) rather than coin flips, so that for one tenant size the
 * `neglected` profile always has at least as many of every problem as `typical`, and `typical`
 * at least as many as `hardened`.
 */
import type { TenantProfile } from '../contract.ts';
import type { SkuPartNumber } from './catalog/skus.ts';

export type EntraPlan = 'free' | 'P1' | 'P2';

export interface ProfileKnobs {
  guestRate: number;
  disabledRate: number;
  /** share of disabled members that still hold their licences */
  disabledKeepsLicence: number;
  /** shares of enabled members per activity bucket; the rest are active */
  idle30: number;
  idle60: number;
  idle90: number;
  never: number;
  /** minimum count of each of the buckets above (0 for hardened) */
  minProblem: number;
  licensedGuestRate: number;
  sharedMailboxLicensed: number;
  serviceAccountLicensed: number;
  overlapRate: number;
  /** share of licensed members whose main SKU comes from a licence group */
  groupLicensing: number;
  mfaRegistered: number;
  permanentGlobalAdmins: number;
  breakGlass: number;
  credentialProblemRate: number;
  riskyGrants: number;
  anyoneLinkRate: number;
  orgLinkRate: number;
  everyoneGrantRate: number;
  idleResourceRate: number;
  rightSizeRate: number;
  spareLicenceRate: number;
  defaultPlan: EntraPlan;
}

export const PROFILES: Record<TenantProfile, ProfileKnobs> = {
  hardened: {
    guestRate: 0.05,
    disabledRate: 0.01,
    disabledKeepsLicence: 0,
    idle30: 0.01,
    idle60: 0.005,
    idle90: 0.005,
    never: 0.003,
    minProblem: 0,
    licensedGuestRate: 0,
    sharedMailboxLicensed: 0,
    serviceAccountLicensed: 0,
    overlapRate: 0,
    groupLicensing: 1,
    mfaRegistered: 0.995,
    permanentGlobalAdmins: 0,
    breakGlass: 2,
    credentialProblemRate: 0,
    riskyGrants: 0,
    anyoneLinkRate: 0,
    orgLinkRate: 0.05,
    everyoneGrantRate: 0,
    idleResourceRate: 0.01,
    rightSizeRate: 0.03,
    spareLicenceRate: 0.02,
    defaultPlan: 'P2',
  },
  typical: {
    guestRate: 0.1,
    disabledRate: 0.03,
    disabledKeepsLicence: 0.5,
    idle30: 0.04,
    idle60: 0.02,
    idle90: 0.03,
    never: 0.02,
    minProblem: 0,
    licensedGuestRate: 0.02,
    sharedMailboxLicensed: 0.5,
    serviceAccountLicensed: 0.5,
    overlapRate: 0.01,
    groupLicensing: 0.7,
    mfaRegistered: 0.85,
    permanentGlobalAdmins: 3,
    breakGlass: 1,
    credentialProblemRate: 0.15,
    riskyGrants: 1,
    anyoneLinkRate: 0.05,
    orgLinkRate: 0.25,
    everyoneGrantRate: 0.05,
    idleResourceRate: 0.08,
    rightSizeRate: 0.15,
    spareLicenceRate: 0.06,
    defaultPlan: 'P1',
  },
  neglected: {
    guestRate: 0.15,
    disabledRate: 0.08,
    disabledKeepsLicence: 0.9,
    idle30: 0.06,
    idle60: 0.05,
    idle90: 0.12,
    never: 0.05,
    minProblem: 1,
    licensedGuestRate: 0.12,
    sharedMailboxLicensed: 1,
    serviceAccountLicensed: 1,
    overlapRate: 0.05,
    groupLicensing: 0.2,
    mfaRegistered: 0.55,
    permanentGlobalAdmins: 7,
    breakGlass: 0,
    credentialProblemRate: 0.45,
    riskyGrants: 4,
    anyoneLinkRate: 0.3,
    orgLinkRate: 0.45,
    everyoneGrantRate: 0.25,
    idleResourceRate: 0.2,
    rightSizeRate: 0.3,
    spareLicenceRate: 0.18,
    defaultPlan: 'P1',
  },
};

/** `round(total × rate)`, at least `min` when the population allows it. */
export function countOf(total: number, rate: number, min = 0): number {
  return Math.min(total, Math.max(min, Math.round(total * rate)));
}

/** Which SKUs a tenant buys, by profile and Entra plan (`entraPlan` must agree with them). */
export interface SkuMix {
  /** the SKU most members get */
  main: SkuPartNumber;
  /** execs' SKU (about 5 % of members) */
  exec: SkuPartNumber;
  /** `[sku, share of licensed members]` add-ons */
  addOns: [SkuPartNumber, number][];
  /** the SKU given alongside `main` to users planted as overlapping */
  overlapWith: SkuPartNumber;
  /** SKUs shown in a bad capabilityStatus (neglected) */
  warning?: SkuPartNumber;
  suspended?: SkuPartNumber;
}

export function skuMix(profile: TenantProfile, plan: EntraPlan, users: number): SkuMix {
  const small = users <= 300;
  if (plan === 'free') {
    // Office 365 E3/E5 carry no Entra ID P1, so a free tenant can still over-buy.
    return {
      main: 'ENTERPRISEPACK',
      exec: 'ENTERPRISEPREMIUM',
      addOns: [
        ['POWER_BI_PRO', 0.08],
        ['FLOW_FREE', 0.15],
      ],
      overlapWith: 'ENTERPRISEPREMIUM',
      ...(profile === 'neglected' ? { warning: 'POWER_BI_PRO' as const } : {}),
    };
  }
  if (plan === 'P2') {
    return {
      main: 'SPE_E5',
      exec: 'SPE_E5',
      addOns: [
        ['FLOW_FREE', 0.1],
        ...(profile === 'hardened' ? [] : ([['POWER_BI_PRO', 0.05]] as [SkuPartNumber, number][])),
      ],
      overlapWith: profile === 'hardened' ? 'SPE_E5' : 'SPE_E3',
      ...(profile === 'neglected' ? { warning: 'POWER_BI_PRO' as const } : {}),
    };
  }
  if (profile === 'neglected') {
    // Office 365 E3/E5 plus standalone Entra ID P1 and EMS: the classic over-bought estate.
    return {
      main: 'ENTERPRISEPACK',
      exec: 'ENTERPRISEPREMIUM',
      addOns: [
        ['AAD_PREMIUM', 0.6],
        ['EMS', 0.1],
        ['POWER_BI_PRO', 0.15],
        ['FLOW_FREE', 0.25],
        ['TEAMS_EXPLORATORY', 0.03],
      ],
      overlapWith: 'ENTERPRISEPREMIUM',
      warning: 'POWER_BI_PRO',
      suspended: 'EMS',
    };
  }
  return {
    main: small ? 'SPB' : 'SPE_E3',
    exec: small ? 'SPB' : 'SPE_E3',
    addOns: [
      ['POWER_BI_PRO', 0.08],
      ['FLOW_FREE', 0.15],
    ],
    overlapWith: small ? 'O365_BUSINESS_PREMIUM' : 'ENTERPRISEPACK',
  };
}
