import type { Clock } from '../server/clock.ts';
import type { TenantDirectory } from '../server/tenants.ts';
import type { GrantStore } from './grants.ts';
import type { TokenIssuer } from './keys.ts';

/** What the identity routes need from the running emulator. */
export interface IdentityContext {
  tenants: TenantDirectory;
  clock: Clock;
  /** `https://127.0.0.1:PORT`, known once the server listens */
  origin(): string;
  issuer: TokenIssuer;
  grants: GrantStore;
}

/** `common` and `organizations` are accepted where a user's sign-in decides the tenant. */
export const MULTI_TENANT = new Set(['common', 'organizations']);
