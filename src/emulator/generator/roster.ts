/**
 * Who is in the tenant: the people and accounts (meta only; Graph objects come later in
 * users.ts). Counts per category are exact (see profile.ts `countOf`), then shuffled.
 */
import { DEPARTMENTS, GIVEN_NAMES, GUEST_DOMAINS, OFFICES, SITE_TOPICS, SURNAMES } from './catalog/names.ts';
import type { Activity, GenContext, UserKind, UserMeta } from './context.ts';
import type { Rng } from './prng.ts';
import { countOf } from './profile.ts';
import { DAY_MS } from './time.ts';

/** Idle windows in days ago, kept ≥ 1 day from the 30/60/90 thresholds so no analysis can disagree. */
const WINDOWS: Record<Exclude<Activity, 'never'>, [number, number]> = {
  active: [0.05, 20],
  idle30: [32, 58],
  idle60: [62, 88],
  idle90: [92, 420],
};

export function buildRoster(ctx: GenContext, total: number): void {
  const rng = ctx.rng.stream('roster');
  const { knobs } = ctx;
  const service = Math.max(1, Math.round(total * 0.01));
  const shared = Math.max(1, Math.round(total * 0.02));
  const guests = countOf(total, knobs.guestRate, 1);
  const breakGlass = knobs.breakGlass;
  const members = total - 1 - breakGlass - service - shared - guests;
  if (members < 1) throw new Error(`a tenant needs at least 10 users (got ${total})`);
  const names = new NameMaker(rng, ctx.defaultDomain);

  const admin = special(ctx, rng, 'admin', `admin@${ctx.initialDomain}`, 'Tenant Admin', 'active');
  ctx.admin = admin;
  ctx.users.push(admin);
  for (let i = 1; i <= breakGlass; i++) {
    const bg = special(
      ctx,
      rng,
      'breakGlass',
      `breakglass0${i}@${ctx.initialDomain}`,
      `Break Glass 0${i}`,
      'active',
    );
    // Emergency accounts are signed in to only when tested, about quarterly.
    bg.lastInteractiveMs = ctx.clock.asOfMs - rng.float(40, 50) * DAY_MS;
    bg.lastNonInteractiveMs = null;
    ctx.breakGlass.push(bg);
    ctx.users.push(bg);
  }
  addMembers(ctx, rng, names, members);
  addGuests(ctx, rng, guests);
  for (let i = 0; i < service; i++) {
    const u = special(
      ctx,
      rng,
      'service',
      `svc-${slugOf(rng.pick(SITE_TOPICS))}${i + 1}@${ctx.defaultDomain}`,
      `Service ${i + 1}`,
      'active',
    );
    // Service accounts never sign in interactively; their tokens refresh non-interactively.
    u.lastInteractiveMs = null;
    u.lastNonInteractiveMs = ctx.clock.asOfMs - rng.float(0.01, 2) * DAY_MS;
    u.department = 'IT';
    ctx.users.push(u);
  }
  for (let i = 0; i < shared; i++) {
    const topic = SITE_TOPICS[i % SITE_TOPICS.length]!;
    const upn = `shared-${slugOf(topic)}${i >= SITE_TOPICS.length ? i : ''}@${ctx.defaultDomain}`;
    // Shared mailboxes are created with sign-in blocked (Exchange Online does this).
    const u = special(ctx, rng, 'shared', upn, `${topic} (shared)`, 'never');
    u.enabled = false;
    ctx.users.push(u);
  }
}

function special(
  ctx: GenContext,
  rng: Rng,
  kind: UserKind,
  upn: string,
  displayName: string,
  activity: Activity,
): UserMeta {
  const u = blankUser(rng.guid(), kind, upn, displayName);
  u.activity = activity;
  setActivity(ctx, rng, u);
  u.mail = upn;
  return u;
}

function blankUser(id: string, kind: UserKind, upn: string, displayName: string): UserMeta {
  return {
    id,
    upn,
    mail: null,
    displayName,
    givenName: null,
    surname: null,
    kind,
    enabled: true,
    activity: 'active',
    lastInteractiveMs: null,
    lastNonInteractiveMs: null,
    createdMs: 0,
    department: null,
    jobTitle: null,
    officeIndex: 0,
    onPremSynced: false,
    skus: [],
    viaGroup: new Map(),
    mfaRegistered: false,
    isAdmin: false,
  };
}

function addMembers(ctx: GenContext, rng: Rng, names: NameMaker, count: number): void {
  const { knobs } = ctx;
  const disabled = countOf(count, knobs.disabledRate, knobs.minProblem);
  const enabled = count - disabled;
  const plan: Activity[] = [];
  const fill = (activity: Activity, n: number) => {
    for (let i = 0; i < n; i++) plan.push(activity);
  };
  const min = knobs.minProblem;
  fill('idle30', countOf(enabled, knobs.idle30, min));
  fill('idle60', countOf(enabled, knobs.idle60, min));
  fill('idle90', countOf(enabled, knobs.idle90, min));
  fill('never', countOf(enabled, knobs.never, min));
  fill('active', Math.max(0, enabled - plan.length));
  plan.length = enabled;
  rng.shuffle(plan);
  // People who left: most signed in long ago, some never did.
  const leavers: Activity[] = [];
  for (let i = 0; i < disabled; i++) leavers.push(i < Math.ceil(disabled * 0.75) ? 'idle90' : 'never');
  const synced = ctx.profile === 'hardened' ? 0.5 : 0.7;
  const weights = DEPARTMENTS.map((d) => [d, d.weight] as const);
  for (let i = 0; i < count; i++) {
    const isLeaver = i >= enabled;
    const dept = rng.weighted(weights);
    const u = names.member(rng.guid());
    u.enabled = !isLeaver;
    u.activity = isLeaver ? leavers[i - enabled]! : plan[i]!;
    u.department = dept.name;
    u.jobTitle = rng.pick(dept.titles);
    u.officeIndex = rng.int(0, OFFICES.length - 1);
    u.onPremSynced = rng.chance(synced);
    setActivity(ctx, rng, u);
    ctx.users.push(u);
  }
}

function addGuests(ctx: GenContext, rng: Rng, count: number): void {
  for (let i = 0; i < count; i++) {
    const given = rng.pick(GIVEN_NAMES);
    const surname = rng.pick(SURNAMES);
    const domain = rng.pick(GUEST_DOMAINS);
    const local = `${given}.${surname}${i}`.toLowerCase();
    const email = `${local}@${domain}`;
    const upn = `${local}_${domain}#EXT#@${ctx.initialDomain}`;
    const u = blankUser(rng.guid(), 'guest', upn, `${given} ${surname} (${domain})`);
    u.mail = email;
    u.givenName = given;
    u.surname = surname;
    u.activity = rng.weighted<Activity>([
      ['active', 45],
      ['idle30', 10],
      ['idle60', 5],
      ['idle90', 15],
      ['never', 25],
    ]);
    setActivity(ctx, rng, u);
    ctx.users.push(u);
  }
}

/** Sets sign-in times and a creation date consistent with the activity bucket. */
function setActivity(ctx: GenContext, rng: Rng, u: UserMeta): void {
  const now = ctx.clock.asOfMs;
  if (u.activity === 'never') {
    u.lastInteractiveMs = null;
    u.lastNonInteractiveMs = null;
    // Created long enough ago that "never signed in" is waste, not a new starter.
    u.createdMs = now - rng.float(35, 1500) * DAY_MS;
    return;
  }
  const [lo, hi] = WINDOWS[u.activity];
  const last = rng.float(lo, hi);
  const interactiveOlder = rng.float(0, Math.min(1, hi - last));
  u.lastNonInteractiveMs = rng.chance(0.85) ? now - last * DAY_MS : null;
  u.lastInteractiveMs = now - (u.lastNonInteractiveMs === null ? last : last + interactiveOlder) * DAY_MS;
  u.createdMs = now - (last + rng.float(1, 1800)) * DAY_MS;
}

/** Unique member names and UPNs (`given.surname`, then `given.surname2`, …). */
class NameMaker {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly rng: Rng,
    private readonly domain: string,
  ) {}

  member(id: string): UserMeta {
    const given = this.rng.pick(GIVEN_NAMES);
    const surname = this.rng.pick(SURNAMES);
    const base = `${given}.${surname}`.toLowerCase();
    const n = (this.seen.get(base) ?? 0) + 1;
    this.seen.set(base, n);
    const upn = `${base}${n > 1 ? n : ''}@${this.domain}`;
    const u = blankUser(id, 'member', upn, `${given} ${surname}`);
    u.givenName = given;
    u.surname = surname;
    u.mail = upn;
    return u;
  }
}

export function slugOf(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '');
}
