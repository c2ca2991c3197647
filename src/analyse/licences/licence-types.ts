/**
 * The shapes the licence analysis returns. Everything here is plain data (JSON-serialisable), so
 * the API, the CLI and reports render the same result. Money is held in integer minor units
 * (cents) while adding up and shown as decimal numbers rounded to cents, so totals are exact.
 */

export type BillingTerm = 'monthly' | 'annual';

/** Why a licence unit is counted as waste. The order is the priority: a unit gets the first that fits. */
export const WASTE_REASONS = [
  'unassigned',
  'disabled',
  'neverSignedIn',
  'idle',
  'overlapping',
  'possibleSharedOrService',
  'guest',
] as const;
export type WasteReason = (typeof WASTE_REASONS)[number];

/** `possible` reasons rest on a heuristic and are kept out of the waste total (docs/licences.md). */
export const POSSIBLE_REASONS: ReadonlySet<WasteReason> = new Set(['possibleSharedOrService', 'guest']);

export interface Money {
  /** units counted (priced or not) */
  units: number;
  /** sum over priced units, per month, in the price book's currency */
  monthly: number;
  /** units with no price: the gap, never counted as zero */
  unpricedUnits: number;
}

export interface SkuInventoryRow {
  skuId: string;
  skuPartNumber: string;
  /** the product name from the catalogue, or the skuPartNumber when the SKU is unknown */
  name: string;
  knownSku: boolean;
  free: boolean;
  appliesTo: string | null;
  capabilityStatus: string;
  /** prepaidUnits.enabled: units bought and active */
  purchased: number;
  warning: number;
  suspended: number;
  lockedOut: number;
  consumed: number;
  /** purchased − consumed, never below 0 */
  available: number;
  /** consumed beyond purchased + warning units */
  overAssigned: number;
  servicePlans: {
    id: string;
    name: string;
    friendlyName: string | null;
    provisioningStatus: string | null;
  }[];
  subscriptionIds: string[];
  /** from the optional `directorySubscriptions` dataset; null when it was not read */
  subscriptions: SubscriptionInfo[] | null;
  /** true when Microsoft no longer bills it (Suspended, Deleted, LockedOut) */
  notBilled: boolean;
}

export interface SubscriptionInfo {
  id: string;
  status: string | null;
  totalLicenses: number | null;
  createdDateTime: string | null;
  nextLifecycleDateTime: string | null;
  isTrial: boolean | null;
}

export type AssignmentPath = 'direct' | 'group' | 'both' | 'unknown';

export interface UserLicence {
  skuId: string;
  skuPartNumber: string;
  name: string;
  path: AssignmentPath;
  /** licence groups that give it (ids, with display names when the groups were read) */
  groups: { id: string; displayName: string | null }[];
  /** licenseAssignmentStates error other than `None` (e.g. CountViolation) */
  error: string | null;
}

/** What sign-in data says about one user; `unknown` when the tenant cannot tell (no Entra ID P1). */
export type SignInState =
  | { state: 'unknown' }
  | { state: 'never' }
  | {
      state: 'seen';
      /** later of the interactive and non-interactive sign-ins */
      last: string;
      lastInteractive: string | null;
      lastNonInteractive: string | null;
      daysSince: number;
    };

export interface UserUsage {
  lastActivity: string | null;
  workloads: Record<string, string | null>;
}

export interface UserLicenceRow {
  userId: string;
  userPrincipalName: string | null;
  displayName: string | null;
  department: string | null;
  userType: string | null;
  accountEnabled: boolean | null;
  createdDateTime: string | null;
  licences: UserLicence[];
  signIn: SignInState;
  /** SKU ids this user holds that take part in an inclusion pair, sorted */
  overlappingSkuIds: string[];
  /** SKU ids this user pays for twice (included by another SKU the user holds), sorted */
  redundantSkuIds: string[];
  possibleSharedMailbox: boolean;
  possibleServiceAccount: boolean;
  /** null when the usage report is unavailable or names are concealed */
  usage: UserUsage | null;
}

export type IdleView =
  | {
      status: 'known';
      /** licensed users whose last sign-in is more than N days before `now`, per threshold */
      days30: string[];
      days60: string[];
      days90: string[];
    }
  | { status: 'cannotTell'; reason: string };

export interface LicenceFindings {
  /** false when the users dataset was not read: every list below is then unknown, not empty */
  holdersKnown: boolean;
  licensedUsers: number;
  directAssignments: number;
  groupAssignments: number;
  disabledWithLicences: string[];
  /** null: cannot tell without sign-in data */
  neverSignedInWithLicences: string[] | null;
  idle: IdleView;
  overlapping: { userId: string; skuIds: string[] }[];
  guestsWithLicences: string[];
  possibleSharedMailboxes: string[];
  possibleServiceAccounts: string[];
  assignmentErrors: { userId: string; skuId: string; error: string }[];
}

export interface UsageView {
  status: 'ok' | 'unavailable';
  /** why the report could not be used, or why names cannot be joined */
  note: string | null;
  concealed: boolean;
  refreshDate: string | null;
  rows: number;
  /** rows joined to a directory user by UPN (0 when concealed) */
  joined: number;
  workloads: { workload: string; licensed: number; active: number }[];
}

export interface WasteLine {
  reason: WasteReason;
  possible: boolean;
  skuId: string;
  skuPartNumber: string;
  units: number;
  userId: string | null;
  userPrincipalName: string | null;
  department: string | null;
  /** licence groups to remove the user from (group-based licences cannot be removed per user) */
  viaGroups: string[];
  pricePerMonth: number | null;
  term: BillingTerm | null;
  /** null when the SKU has no price */
  monthly: number | null;
}

export interface WasteSummary {
  currency: string;
  /** the idle threshold used for money */
  idleDays: number;
  /** false without sign-in data: idle and never-signed-in money is unknown, not zero */
  idleKnown: boolean;
  lines: WasteLine[];
  byReason: Record<WasteReason, Money | null>;
  byDepartment: Record<string, Money>;
  /** certain waste (reasons that are not `possible`) */
  total: Money;
  possible: Money;
  /** what the tenant pays per month for all purchased units */
  spend: Money;
  savings: {
    /** monthly-term SKUs: can be cut at the next monthly bill */
    immediateMonthly: number;
    /** annual-term SKUs: can be cut at renewal */
    atRenewalMonthly: number;
    annual: number;
  };
  unpricedSkus: string[];
}

export interface LicenceAnalysis {
  tenant: { tenantId: string; displayName: string | null };
  collectedAt: string;
  now: string;
  /** datasets the analysis needed that were not `ok`, with their status */
  unavailable: { dataset: string; status: string }[];
  inventory: SkuInventoryRow[];
  users: UserLicenceRow[];
  findings: LicenceFindings;
  usage: UsageView;
  waste: WasteSummary;
}
