/**
 * The state builders share while one tenant is generated. Builders run in a fixed order
 * (see generate.ts); each reads what earlier ones decided and adds its own part.
 */
import type { GraphObject, PlantedFacts, TenantModel, TenantProfile } from '../contract.ts';
import type { SkuPartNumber } from './catalog/skus.ts';
import type { Rng } from './prng.ts';
import type { EntraPlan, ProfileKnobs, SkuMix } from './profile.ts';
import type { Clock } from './time.ts';

export type UserKind = 'admin' | 'breakGlass' | 'member' | 'guest' | 'service' | 'shared';
export type Activity = 'active' | 'idle30' | 'idle60' | 'idle90' | 'never';

export interface UserMeta {
  id: string;
  upn: string;
  mail: string | null;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  kind: UserKind;
  enabled: boolean;
  activity: Activity;
  /** epoch ms, null when never */
  lastInteractiveMs: number | null;
  lastNonInteractiveMs: number | null;
  createdMs: number;
  department: string | null;
  jobTitle: string | null;
  officeIndex: number;
  onPremSynced: boolean;
  skus: SkuPartNumber[];
  /** licence group id per SKU assigned through a group */
  viaGroup: Map<SkuPartNumber, string>;
  mfaRegistered: boolean;
  isAdmin: boolean;
}

export interface GenContext {
  rng: Rng;
  clock: Clock;
  profile: TenantProfile;
  knobs: ProfileKnobs;
  plan: EntraPlan;
  mix: SkuMix;
  tenantId: string;
  displayName: string;
  slug: string;
  initialDomain: string;
  defaultDomain: string;
  users: UserMeta[];
  /** the admin that signs in to the emulator (also a Global Administrator) */
  admin: UserMeta;
  breakGlass: UserMeta[];
  /** SKUs the tenant purchased (subscribedSkus), in catalogue order */
  purchased: SkuPartNumber[];
  /** licence group id per SKU */
  licenceGroups: Map<SkuPartNumber, string>;
  /** group ids useful to policies */
  groups: { allUsers: string; caExclusions: string | null; admins: string; sensitive: string[] };
  /** service principal id of Microsoft Graph and other first-party SPs by appId */
  firstPartySp: Map<string, string>;
  model: TenantModel;
  planted: PlantedFacts;
}

/** Puts `object` at the end of a Graph collection of the model. */
export function push(list: GraphObject[], object: GraphObject): GraphObject {
  list.push(object);
  return object;
}
