import { z } from 'zod';
import { WASTE_REASONS } from '../../analyse/licences/index.ts';

/** Response allowlists of the licence, price book and overview routes. */
const isoDate = z.string().describe('ISO 8601 date-time');
const money = z.object({
  units: z.number().int(),
  monthly: z.number().describe('priced units only, per month'),
  unpricedUnits: z.number().int().describe('units with no price: a gap, never counted as zero'),
});

export const licenceSummarySchema = z.object({
  tenantId: z.string(),
  tenantName: z.string(),
  snapshotId: z.string().nullable(),
  collectedAt: isoDate,
  currency: z.string(),
  totals: z.object({
    spendMonthly: z.number(),
    wasteMonthly: z.number().describe('certain waste per month'),
    possibleWasteMonthly: z.number().describe('waste resting on a heuristic, kept apart'),
    savingsAnnual: z.number(),
    savings: z.object({ immediateMonthly: z.number(), atRenewalMonthly: z.number(), annual: z.number() }),
    unpricedUnits: z.number().int(),
    unpricedSkus: z.array(z.string()),
    idleDays: z.number().int(),
    idleKnown: z.boolean().describe('false without sign-in data: idle money is unknown, not zero'),
    byReason: z.record(z.string(), money.nullable()),
    byDepartment: z.record(z.string(), money),
    topWasteSku: z
      .object({
        skuId: z.string(),
        skuPartNumber: z.string(),
        name: z.string(),
        monthly: z.number(),
        units: z.number().int(),
      })
      .nullable()
      .describe('the SKU with the most certain waste a month; null when none wastes money or not known'),
  }),
  counts: z.object({
    purchased: z.number().int(),
    consumed: z.number().int(),
    available: z.number().int(),
    licensedUsers: z.number().int(),
    disabledWithLicences: z.number().int(),
    neverSignedIn: z.number().int().nullable().describe('null: cannot tell (no sign-in data)'),
    idle: z.number().int().nullable().describe('null: cannot tell (no sign-in data)'),
    overlapping: z.number().int(),
    guestsWithLicences: z.number().int().nullable(),
    skus: z.number().int(),
    idleSeats: z
      .number()
      .int()
      .nullable()
      .describe('billed licence units held by idle accounts; null: cannot tell'),
    unavailable: z.array(z.object({ dataset: z.string(), status: z.string() })),
    usageConcealed: z.boolean(),
  }),
});

export const skuLineSchema = z.object({
  skuId: z.string(),
  skuPartNumber: z.string(),
  name: z.string().describe("the product name from Microsoft's licensing table, or the skuPartNumber"),
  free: z.boolean(),
  capabilityStatus: z.string(),
  notBilled: z.boolean().describe('Microsoft no longer bills it (Suspended, Deleted, LockedOut)'),
  purchased: z.number().int().describe('prepaidUnits.enabled'),
  warning: z.number().int().describe('past the end date, still usable'),
  suspended: z.number().int(),
  consumed: z.number().int().describe('assigned units (consumedUnits)'),
  available: z.number().int(),
  overAssigned: z.number().int(),
  pricePerMonth: z.number().nullable().describe('from the price book; null: no price (a gap)'),
  term: z.enum(['monthly', 'annual']).nullable(),
  spendMonthly: z.number().nullable().describe('purchased × price; null when billed but unpriced'),
  idleAssigned: z.number().int().nullable().describe('holders idle over idleDays; null: cannot tell'),
  waste: money.describe('certain waste counted against this SKU'),
  possibleWaste: money.describe('waste resting on a heuristic'),
});

export const currencyTotalsSchema = z.object({
  currency: z.string(),
  tenants: z.number().int(),
  spendMonthly: z.number(),
  wasteMonthly: z.number(),
  possibleWasteMonthly: z.number(),
  savingsAnnual: z.number(),
  unpricedUnits: z.number().int(),
  tenantsWithoutSignInData: z.number().int(),
});

const signInSchema = z.object({
  state: z.enum(['unknown', 'never', 'seen']),
  last: isoDate.optional(),
  lastInteractive: isoDate.nullable().optional(),
  lastNonInteractive: isoDate.nullable().optional(),
  daysSince: z.number().optional(),
});

export const userLineSchema = z.object({
  userId: z.string(),
  userPrincipalName: z.string().nullable(),
  displayName: z.string().nullable(),
  department: z.string().nullable(),
  userType: z.string().nullable(),
  accountEnabled: z.boolean().nullable(),
  createdDateTime: isoDate.nullable(),
  licences: z.array(
    z.object({
      skuId: z.string(),
      skuPartNumber: z.string(),
      name: z.string(),
      path: z.enum(['direct', 'group', 'both', 'unknown']),
      groups: z.array(z.object({ id: z.string(), displayName: z.string().nullable() })),
      error: z.string().nullable(),
    }),
  ),
  signIn: signInSchema,
  overlappingSkuIds: z.array(z.string()),
  redundantSkuIds: z.array(z.string()).describe('SKUs this user pays for twice'),
  possibleSharedMailbox: z.boolean(),
  possibleServiceAccount: z.boolean(),
  waste: z.array(
    z.object({
      reason: z.enum(WASTE_REASONS),
      possible: z.boolean(),
      skuId: z.string(),
      skuPartNumber: z.string(),
      units: z.number().int(),
      monthly: z.number().nullable().describe('null when the SKU has no price'),
    }),
  ),
});

const priceEntry = z.object({
  skuId: z.string().optional(),
  skuPartNumber: z.string().optional(),
  pricePerMonth: z.number(),
  term: z.enum(['monthly', 'annual']),
  note: z.string().optional(),
});

export const priceBookSchema = z.object({
  book: z
    .object({
      format: z.literal('tenantscope.prices/v1'),
      source: z.string().optional(),
      currency: z.string(),
      entries: z.array(priceEntry),
      tenants: z
        .record(z.string(), z.object({ currency: z.string().optional(), entries: z.array(priceEntry) }))
        .optional()
        .describe('overrides keyed by the Microsoft tenant id'),
    })
    .describe('a tenantscope.prices/v1 document (docs/licences.md)'),
  saved: z.boolean().describe('false: nothing saved yet, this is the starter list'),
  updatedBy: z.string().nullable(),
  updatedAt: isoDate.nullable(),
});

export const overviewTenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  microsoftTenantId: z.string(),
  status: z.enum(['new', 'connected', 'disconnected', 'paused']),
  lastSync: z.object({ at: isoDate, status: z.enum(['running', 'succeeded', 'failed']) }).nullable(),
  score: z.number().nullable().describe('the latest posture score, 0–100'),
  openFindings: z
    .object({
      critical: z.number().int(),
      high: z.number().int(),
      medium: z.number().int(),
      low: z.number().int(),
    })
    .describe('failing now, by severity (accepted findings are not counted)'),
  drift7d: z.number().int().describe('drift events collected in the last 7 days'),
  waste: z
    .object({
      amount: z.number().describe('certain licence waste per month'),
      currency: z.string(),
      perMonth: z.literal(true).describe('the amount is per month'),
    })
    .nullable(),
});

export const bookTrendSchema = z.object({
  weeks: z.number().int(),
  series: z.array(
    z.object({
      currency: z.string(),
      points: z.array(
        z.object({
          at: isoDate.describe('the end of the week: each tenant counts with its latest summary as of then'),
          tenants: z.number().int(),
          spendMonthly: z.number(),
          wasteMonthly: z.number(),
          possibleWasteMonthly: z.number(),
          unpricedUnits: z.number().int(),
        }),
      ),
    }),
  ),
});
