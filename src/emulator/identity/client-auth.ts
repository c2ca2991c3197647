import { decodeProtectedHeader, errors, importX509, jwtVerify } from 'jose';
import type { EmulatedClient, TenantStore } from '../contract.ts';
import { AADSTS, type AadError } from './aadsts.ts';

/**
 * Client authentication at the token endpoint (graph-protocol.md §1.1): a secret in the body or
 * HTTP Basic (RFC 6749 §2.3.1), or a certificate assertion — PS256 + `x5t#S256` (current docs) or
 * RS256 + `x5t` (msal-node's older path); `aud` = the token URL, `iss` = `sub` = client_id.
 */
export type ClientAuth = { ok: true; client: EmulatedClient } | { ok: false; error: AadError };

/**
 * Entra tolerates clock skew on assertion times (5 minutes, the usual identity-platform skew
 * [unverified]); msal-node rounds `nbf` to the nearest second, so up to 0.5 s in the future.
 */
const CLOCK_SKEW_S = 300;

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ClientAuthInput {
  form: URLSearchParams;
  authorization: string | undefined;
  tenant: TenantStore;
  /** token URLs an assertion's `aud` may name */
  tokenUrls: string[];
  now: number;
}

function basic(authorization: string | undefined): { id: string; secret: string } | undefined {
  const m = authorization ? /^Basic\s+(\S+)$/i.exec(authorization) : null;
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

/** Finds the client only; consent is checked by each grant (client credentials vs delegated). */
export async function authenticateClient(i: ClientAuthInput): Promise<ClientAuth> {
  const viaBasic = basic(i.authorization);
  const clientId = i.form.get('client_id') ?? viaBasic?.id;
  if (!clientId) return { ok: false, error: AADSTS.missingParameter('client_id') };
  const client = i.tenant.model.clients.find((c) => c.clientId.toLowerCase() === clientId.toLowerCase());
  if (!client) return { ok: false, error: AADSTS.unknownClient(clientId, i.tenant.model.displayName) };
  const secret = i.form.get('client_secret') ?? viaBasic?.secret;
  if (secret !== undefined) return checkSecret(client, secret, i.now);
  const assertion = i.form.get('client_assertion');
  if (assertion && i.form.get('client_assertion_type') === JWT_BEARER) {
    return checkAssertion(client, assertion, i.tokenUrls, i.now);
  }
  return { ok: false, error: AADSTS.noCredential() };
}

function checkSecret(client: EmulatedClient, value: string, now: number): ClientAuth {
  const match = client.secrets.find((s) => s.value === value);
  if (!match) return { ok: false, error: AADSTS.badSecret(client.clientId) };
  if (Date.parse(match.expiresAt) <= now) return { ok: false, error: AADSTS.expiredSecret(client.clientId) };
  return { ok: true, client };
}

async function checkAssertion(
  client: EmulatedClient,
  jwt: string,
  tokenUrls: string[],
  now: number,
): Promise<ClientAuth> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    return { ok: false, error: AADSTS.assertionMalformed('The assertion is not a JWT.') };
  }
  const alg = header.alg;
  if (alg !== 'PS256' && alg !== 'RS256') {
    return { ok: false, error: AADSTS.assertionMalformed(`Unsupported algorithm '${String(alg)}'.`) };
  }
  const s256 = header['x5t#S256'] as string | undefined;
  const cert = client.certificates.find((c) => (s256 ? c.x5tS256 === s256 : c.x5t === header.x5t));
  if (!cert) {
    const thumb = s256 ?? header.x5t ?? 'none';
    return {
      ok: false,
      error: AADSTS.badAssertion(`The key was not found., Thumbprint of key used by client: '${thumb}'`),
    };
  }
  if (Date.parse(cert.expiresAt) <= now)
    return { ok: false, error: AADSTS.badAssertion('The key used is expired.') };
  try {
    const key = await importX509(cert.certificatePem, alg);
    const { payload } = await jwtVerify(jwt, key, {
      algorithms: [alg],
      currentDate: new Date(now),
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_SKEW_S,
    });
    if (payload.iss !== client.clientId || payload.sub !== client.clientId) {
      return { ok: false, error: AADSTS.assertionIssuer() };
    }
    const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!auds.some((a) => typeof a === 'string' && tokenUrls.includes(a))) {
      return { ok: false, error: AADSTS.assertionMalformed('Invalid audience.') };
    }
    return { ok: true, client };
  } catch (e) {
    if (e instanceof errors.JWTExpired) return { ok: false, error: AADSTS.assertionTime() };
    if (e instanceof errors.JWTClaimValidationFailed) return { ok: false, error: AADSTS.assertionTime() };
    return {
      ok: false,
      error: AADSTS.badAssertion('The provided signature value did not match the expected signature value.'),
    };
  }
}
