import { randomBytes } from 'node:crypto';
import type { Clock } from '../server/clock.ts';

/**
 * Authorization codes and refresh tokens, in memory only. Codes are single-use and live
 * 10 minutes (RFC 6749 §4.1.2 recommends at most 10); refresh tokens are rotated on every use,
 * as Entra returns a new one with each redemption.
 */
export interface DelegatedGrant {
  tenantId: string;
  clientId: string;
  userId: string;
  /** the request's `scope`, verbatim (resource scopes plus openid/offline_access) */
  scope: string;
  redirectUri?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
}

export interface GrantStore {
  newCode(grant: DelegatedGrant): string;
  /** returns and forgets the code's grant */
  redeemCode(code: string): DelegatedGrant | undefined;
  newRefreshToken(grant: DelegatedGrant): string;
  /** returns and forgets the refresh token's grant (rotation) */
  redeemRefreshToken(token: string): DelegatedGrant | undefined;
  /** drops every refresh token of one client in one tenant (consent revoked) */
  revokeClient(tenantId: string, clientId: string): void;
}

const CODE_LIFETIME_MS = 10 * 60 * 1000;
/** Entra's refresh tokens live 90 days (ED refresh-tokens.md). */
const REFRESH_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

export function createGrantStore(clock: Clock): GrantStore {
  const codes = new Map<string, { grant: DelegatedGrant; expires: number }>();
  const refresh = new Map<string, { grant: DelegatedGrant; expires: number }>();

  function take(map: typeof codes, key: string): DelegatedGrant | undefined {
    const entry = map.get(key);
    map.delete(key);
    return entry && entry.expires > clock.now() ? entry.grant : undefined;
  }

  return {
    newCode(grant) {
      const code = randomBytes(32).toString('base64url');
      codes.set(code, { grant, expires: clock.now() + CODE_LIFETIME_MS });
      return code;
    },
    redeemCode: (code) => take(codes, code),
    newRefreshToken(grant) {
      const token = `0.${randomBytes(48).toString('base64url')}`;
      refresh.set(token, { grant, expires: clock.now() + REFRESH_LIFETIME_MS });
      return token;
    },
    redeemRefreshToken: (token) => take(refresh, token),
    revokeClient(tenantId, clientId) {
      for (const [k, v] of refresh) {
        if (v.grant.tenantId === tenantId && v.grant.clientId === clientId) refresh.delete(k);
      }
    },
  };
}
