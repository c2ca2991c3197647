import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import { MicrosoftError } from '../connectors/microsoft-error.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import { expectedIssuer, sameSecret } from './microsoft-sign-in-fns.ts';

/**
 * Verifying the id_token of a Microsoft sign-in ourselves, with jose: msal-node redeems the code
 * but does not check the token's signature, and nothing in it is trusted before that. Checked,
 * as the identity platform's "Validate tokens" guidance lists: RS256 signature by a key the
 * authority publishes (its metadata's `jwks_uri`), `aud` = our client id, `iss` = the metadata's
 * issuer with `{tenantid}` = the token's own `tid`, `exp`/`nbf`/`iat` with 5 minutes of clock
 * skew, the `nonce` this sign-in was started with, and GUID `tid` and `oid` (the link's key).
 */
export interface MicrosoftIdentity {
  /** `tid`: the Entra tenant the person signed in to (lower case) */
  tenantId: string;
  /** `oid`: the person's object id in that tenant (lower case), immutable */
  objectId: string;
  /** `preferred_username`, for display only: mutable, never used to find anyone */
  upn: string | null;
}

export interface IdTokenExpectations {
  clientId: string;
  nonce: string;
  /** the server's clock, for `exp`/`nbf` */
  now: Date;
}

export type FetchJson = (url: string) => Promise<unknown>;

export interface IdTokenVerifier {
  verify(idToken: string, expect: IdTokenExpectations, fetchJson: FetchJson): Promise<MicrosoftIdentity>;
}

/** Microsoft's documented skew allowance for token times. */
const CLOCK_TOLERANCE_S = 300;
/** The keys are read again after an hour, or sooner when a token names an unknown key (a rollover)… */
const KEYS_FRESH_MS = 60 * 60_000;
/** …but not more than once a minute, so forged `kid`s cannot make us hammer the authority. */
const KEYS_REFETCH_MIN_MS = 60_000;

interface AuthorityKeys {
  issuer: string;
  keys: ReturnType<typeof createLocalJWKSet>;
  fetchedAt: number;
}

/** One verifier per authority (`{host}/{tenant}`): its metadata and keys are cached here. */
export function createIdTokenVerifier(authority: string): IdTokenVerifier {
  const metadataUrl = `${authority}/v2.0/.well-known/openid-configuration`;
  let cached: AuthorityKeys | undefined;

  async function load(fetchJson: FetchJson): Promise<AuthorityKeys> {
    const meta = (await fetchJson(metadataUrl)) as { issuer?: unknown; jwks_uri?: unknown };
    if (
      typeof meta.issuer !== 'string' ||
      typeof meta.jwks_uri !== 'string' ||
      !/^https:\/\//.test(meta.jwks_uri)
    )
      throw new MicrosoftError(
        'rejected',
        `the OpenID metadata at ${metadataUrl} names no issuer or https jwks_uri`,
      );
    const jwks = (await fetchJson(meta.jwks_uri)) as JSONWebKeySet;
    if (!Array.isArray(jwks?.keys))
      throw new MicrosoftError('rejected', `the key set at ${meta.jwks_uri} holds no keys`);
    cached = { issuer: meta.issuer, keys: createLocalJWKSet(jwks), fetchedAt: Date.now() };
    return cached;
  }

  return {
    async verify(idToken, expect, fetchJson) {
      const fresh = cached && Date.now() - cached.fetchedAt < KEYS_FRESH_MS ? cached : await load(fetchJson);
      try {
        return await check(idToken, fresh, expect);
      } catch (error) {
        const rolled = error instanceof errors.JWKSNoMatchingKey;
        if (!rolled || Date.now() - fresh.fetchedAt < KEYS_REFETCH_MIN_MS) throw invalid(error);
        try {
          return await check(idToken, await load(fetchJson), expect);
        } catch (again) {
          throw invalid(again);
        }
      }
    },
  };
}

async function check(
  idToken: string,
  authority: AuthorityKeys,
  expect: IdTokenExpectations,
): Promise<MicrosoftIdentity> {
  const { payload } = await jwtVerify(idToken, authority.keys, {
    algorithms: ['RS256'],
    audience: expect.clientId,
    currentDate: expect.now,
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ['iss', 'aud', 'exp', 'iat', 'nonce', 'tid', 'oid'],
  });
  const tid = lowerGuid(payload.tid, 'tid');
  const oid = lowerGuid(payload.oid, 'oid');
  const issuer = expectedIssuer(authority.issuer, String(payload.tid));
  if (!issuer || payload.iss !== issuer)
    throw refuse(`its issuer is not the authority's issuer for tenant ${tid}`);
  if (!sameSecret(String(payload.nonce), expect.nonce)) throw refuse('its nonce is not this sign-in’s');
  return { tenantId: tid, objectId: oid, upn: displayName(payload) };
}

function lowerGuid(value: unknown, claim: string): string {
  if (!isUuid(value)) throw refuse(`its ${claim} claim is not a GUID`);
  return value.toLowerCase();
}

function displayName(payload: JWTPayload): string | null {
  const upn = payload.preferred_username ?? payload.upn ?? payload.email;
  return typeof upn === 'string' && upn.length > 0 ? upn.slice(0, 320) : null;
}

const refuse = (why: string) =>
  new TenantscopeError('TS_ERR_MICROSOFT_TOKEN_INVALID', `Microsoft's id_token was refused: ${why}`);

/** jose's reasons in words; the token itself is never quoted. */
function invalid(error: unknown): TenantscopeError {
  if (error instanceof TenantscopeError) return error;
  if (error instanceof errors.JWTExpired) return refuse('it has expired');
  if (error instanceof errors.JWTClaimValidationFailed)
    return refuse(`its ${error.claim} claim fails (${error.reason})`);
  if (error instanceof errors.JWKSNoMatchingKey) return refuse('no key of the authority matches it');
  if (error instanceof errors.JWSSignatureVerificationFailed) return refuse('its signature does not verify');
  if (error instanceof errors.JOSEAlgNotAllowed) return refuse('it is not signed with RS256');
  return refuse(error instanceof errors.JOSEError ? error.code : 'it cannot be read');
}
