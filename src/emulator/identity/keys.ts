import { createHash, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { decodeJwt, errors, exportJWK, jwtVerify, SignJWT } from 'jose';
import type { AccessTokenClaims } from '../contract.ts';
import type { AccessTokenVerifier, VerifyResult } from '../server/auth.ts';
import type { Clock } from '../server/clock.ts';

/**
 * The emulator's token-signing key and the JWTs it issues. Access tokens are RS256 JWTs with a
 * `kid`/`x5t` header, as Entra signs them; the public key is published at the JWKS endpoint.
 * Keys live in memory only and change at every start, so no token outlives the emulator.
 */
export interface TokenIssuer {
  readonly kid: string;
  issuerFor(tenantId: string): string;
  jwks(): Promise<{ keys: Record<string, unknown>[] }>;
  /** signs an access token valid for `ACCESS_TOKEN_LIFETIME_S` from the clock's now */
  issue(claims: IssueClaims): Promise<{ token: string; claims: AccessTokenClaims & Record<string, unknown> }>;
  /** signs any JWT (id tokens) with the same key */
  sign(payload: Record<string, unknown>): Promise<string>;
  verifier: AccessTokenVerifier;
}

export interface IssueClaims {
  aud: string;
  tid: string;
  appid: string;
  oid: string;
  roles?: string[];
  scp?: string;
  /** delegated tokens: the signed-in user */
  upn?: string;
  name?: string;
}

/** graph-protocol.md §1.2/§1.4: the docs' example answers `expires_in: 3599`. */
export const ACCESS_TOKEN_LIFETIME_S = 3599;

export function createTokenIssuer(clock: Clock, origin: () => string): TokenIssuer {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url');
  const issuerFor = (tid: string) => `${origin()}/${tid}/v2.0`;

  async function sign(payload: Record<string, unknown>): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid, x5t: kid })
      .sign(privateKey);
  }

  return {
    kid,
    issuerFor,
    async jwks() {
      const jwk = await exportJWK(publicKey);
      return { keys: [{ ...jwk, kty: 'RSA', use: 'sig', kid, x5t: kid, alg: 'RS256' }] };
    },
    async issue(c) {
      const iat = Math.floor(clock.now() / 1000);
      const claims = {
        aud: c.aud,
        iss: issuerFor(c.tid),
        iat,
        nbf: iat,
        exp: iat + ACCESS_TOKEN_LIFETIME_S,
        tid: c.tid,
        appid: c.appid,
        azp: c.appid,
        oid: c.oid,
        sub: c.oid,
        idtyp: c.scp ? 'user' : 'app',
        ver: '2.0',
        uti: randomUUID(),
        ...(c.roles?.length ? { roles: c.roles } : {}), // Entra omits `roles` when none is consented
        ...(c.scp ? { scp: c.scp } : {}),
        ...(c.upn ? { upn: c.upn, name: c.name ?? c.upn } : {}),
      };
      return { token: await sign(claims), claims };
    },
    sign,
    verifier: createVerifier(publicKey, clock, issuerFor),
  };
}

function createVerifier(
  key: KeyObject,
  clock: Clock,
  issuerFor: (tid: string) => string,
): AccessTokenVerifier {
  return {
    async verify(token): Promise<VerifyResult> {
      let tid: unknown;
      try {
        tid = decodeJwt(token).tid;
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      if (typeof tid !== 'string') return { ok: false, reason: 'invalid' };
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['RS256'],
          issuer: issuerFor(tid),
          currentDate: new Date(clock.now()),
        });
        return { ok: true, claims: payload as unknown as AccessTokenClaims };
      } catch (e) {
        const early = e instanceof errors.JWTClaimValidationFailed && e.claim === 'nbf';
        return { ok: false, reason: e instanceof errors.JWTExpired || early ? 'expired' : 'invalid' };
      }
    },
  };
}
