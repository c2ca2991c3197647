/**
 * `/users` objects as Graph v1.0 returns them with every property the product reads
 * (shape: graph/examples/users.list.json; types: microsoft.graph.user in the official schema).
 */
import type { GraphObject } from '../contract.ts';
import { OFFICES } from './catalog/names.ts';
import { SKUS, type SkuPartNumber } from './catalog/skus.ts';
import type { GenContext, UserMeta } from './context.ts';
import type { Rng } from './prng.ts';
import { DAY_MS } from './time.ts';

/** Graph's value for "never" in lastNonInteractiveSignInDateTime (graph-protocol.md §4 notes). */
export const NEVER_NON_INTERACTIVE = '0001-01-01T00:00:00Z';

export function buildUsers(ctx: GenContext): GraphObject[] {
  const rng = ctx.rng.stream('users');
  const plans = new AssignedPlansCache(ctx);
  return ctx.users.map((u) => userObject(ctx, rng, plans, u));
}

function userObject(ctx: GenContext, rng: Rng, plans: AssignedPlansCache, u: UserMeta): GraphObject {
  const office = OFFICES[u.officeIndex]!;
  const isPerson = u.kind === 'member' || u.kind === 'admin';
  const guest = u.kind === 'guest';
  const created = ctx.clock.iso(u.createdMs);
  const licenceDay = Math.floor(u.createdMs / DAY_MS / 30) * 30; // assigned in the month of creation
  return {
    id: u.id,
    deletedDateTime: null,
    accountEnabled: u.enabled,
    ageGroup: null,
    businessPhones: isPerson ? [`+1 425 555 ${String(rng.int(100, 9999)).padStart(4, '0')}`] : [],
    city: isPerson ? office.city : null,
    companyName: guest ? null : ctx.displayName,
    country: isPerson ? office.country : null,
    createdDateTime: created,
    creationType: guest ? 'Invitation' : null,
    department: u.department,
    displayName: u.displayName,
    employeeId: isPerson ? String(100000 + rng.int(0, 899999)) : null,
    externalUserState: guest ? (u.activity === 'never' ? 'PendingAcceptance' : 'Accepted') : null,
    givenName: u.givenName,
    jobTitle: u.jobTitle,
    mail: u.mail,
    mailNickname: u.upn.split('@')[0]!.replace('#EXT#', ''),
    mobilePhone: null,
    officeLocation: isPerson ? office.office : null,
    onPremisesSyncEnabled: u.onPremSynced ? true : null,
    onPremisesLastSyncDateTime: u.onPremSynced ? ctx.clock.daysAgo(rng.float(0.01, 0.5)) : null,
    onPremisesImmutableId: u.onPremSynced
      ? Buffer.from(u.id.replaceAll('-', ''), 'hex').toString('base64')
      : null,
    passwordPolicies: u.kind === 'service' ? 'DisablePasswordExpiration' : null,
    preferredLanguage: guest ? null : 'en-US',
    proxyAddresses: u.mail && !guest ? [`SMTP:${u.mail}`] : [],
    surname: u.surname,
    usageLocation: guest ? null : office.usageLocation,
    userPrincipalName: u.upn,
    userType: guest ? 'Guest' : 'Member',
    assignedLicenses: u.skus.map((s) => ({ disabledPlans: [], skuId: SKUS[s].skuId })),
    assignedPlans: plans.get(u.skus, licenceDay),
    licenseAssignmentStates: u.skus.map((s) => ({
      assignedByGroup: u.viaGroup.get(s) ?? null,
      disabledPlans: [],
      error: 'None',
      lastUpdatedDateTime: ctx.clock.iso(licenceDay * DAY_MS),
      skuId: SKUS[s].skuId,
      state: 'Active',
    })),
    signInActivity: signInActivity(ctx, rng, u),
  };
}

/** Never-signed-in users: null interactive values and Graph's 0001-01-01 non-interactive value. */
function signInActivity(ctx: GenContext, rng: Rng, u: UserMeta): GraphObject['signInActivity'] {
  const i = u.lastInteractiveMs;
  const n = u.lastNonInteractiveMs;
  const last = i === null ? n : n === null ? i : Math.max(i, n);
  return {
    lastSignInDateTime: i === null ? null : ctx.clock.iso(i),
    lastSignInRequestId: i === null ? null : rng.guid(),
    lastNonInteractiveSignInDateTime: n === null ? NEVER_NON_INTERACTIVE : ctx.clock.iso(n),
    lastNonInteractiveSignInRequestId: n === null ? '' : rng.guid(),
    lastSuccessfulSignInDateTime: last === null ? null : ctx.clock.iso(last),
    lastSuccessfulSignInRequestId: last === null ? null : rng.guid(),
  };
}

/**
 * assignedPlans arrays are identical for users with the same SKUs assigned in the same month,
 * so one frozen array is shared between them: this keeps 100,000 users small in memory.
 */
class AssignedPlansCache {
  private readonly cache = new Map<string, readonly unknown[]>();
  constructor(private readonly ctx: GenContext) {}

  get(skus: readonly SkuPartNumber[], day: number): readonly unknown[] {
    if (skus.length === 0) return EMPTY;
    const key = `${skus.join('+')}@${day}`;
    let plans = this.cache.get(key);
    if (!plans) {
      const at = this.ctx.clock.iso(day * DAY_MS);
      const seen = new Set<string>();
      const out: Readonly<Record<string, unknown>>[] = [];
      for (const s of skus) {
        for (const p of SKUS[s].plans) {
          if (seen.has(p.id)) continue;
          seen.add(p.id);
          out.push(
            Object.freeze({
              assignedDateTime: at,
              capabilityStatus: 'Enabled',
              service: p.service,
              servicePlanId: p.id,
            }),
          );
        }
      }
      plans = Object.freeze(out);
      this.cache.set(key, plans);
    }
    return plans;
  }
}

const EMPTY: readonly unknown[] = Object.freeze([]);
