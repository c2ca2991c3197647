import { timingSafeEqual } from 'node:crypto';
import type {
  AccessTokenClaims,
  EmulatorRequest,
  EmulatorResponse,
  Route,
  TenantStore,
} from '../contract.ts';
import { armError, graphError, json } from './http.ts';
import type { TenantDirectory } from './tenants.ts';

/**
 * The gates in front of a protected route, in Microsoft's order: token (401), then permission
 * (403 Authorization_RequestDenied), then licence (403/400). Bodies: graph-protocol.md §7 and
 * examples/error.401.invalid-token.json, error.403.*.json, error.400.pim-license.json.
 */
export type VerifyResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: 'expired' | 'invalid' };

export interface AccessTokenVerifier {
  verify(token: string): Promise<VerifyResult>;
}

export const GRAPH_AUDIENCES = ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];
/** ARM accepts both resource ids with and without the trailing slash. */
export const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.core.windows.net'];

export function audienceMatches(aud: string, kind: 'graph' | 'arm'): boolean {
  const a = aud.replace(/\/$/, '').toLowerCase();
  return (kind === 'graph' ? GRAPH_AUDIENCES : ARM_AUDIENCES).includes(a);
}

export interface AuthContext {
  tenants: TenantDirectory;
  verifier: AccessTokenVerifier;
  controlToken: string;
  origin(): string;
}

type Gate =
  | { ok: true; token?: AccessTokenClaims; tenant?: TenantStore }
  | { ok: false; response: EmulatorResponse };

function bearer(req: EmulatorRequest): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1];
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function unauthorized(req: EmulatorRequest, kind: 'graph' | 'arm', why: string, ctx: AuthContext): Gate {
  if (kind === 'graph') {
    const www = `Bearer realm="", authorization_uri="${ctx.origin()}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`;
    return {
      ok: false,
      response: graphError(req, 401, 'InvalidAuthenticationToken', why, { 'www-authenticate': www }),
    };
  }
  const [code, message] = armUnauthorized(why);
  const www = `Bearer authorization_uri="${ctx.origin()}/", error="invalid_token", error_description="${message}"`;
  return { ok: false, response: armError(req, 401, code, message, { 'www-authenticate': www }) };
}

/** ARM's 401 codes for the same failures (observed ARM responses; [unverified] wording). */
function armUnauthorized(why: string): [string, string] {
  if (why === MSG.empty)
    return ['AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."];
  if (why === MSG.expired)
    return [
      'ExpiredAuthenticationToken',
      'The access token expiry UTC time is earlier than current UTC time.',
    ];
  if (why === MSG.audience) {
    return [
      'InvalidAuthenticationTokenAudience',
      "The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.",
    ];
  }
  if (why === MSG.tenant)
    return ['InvalidAuthenticationTokenTenant', 'The access token is from the wrong issuer.'];
  return ['InvalidAuthenticationToken', 'The access token is invalid.'];
}

const MSG = {
  empty: 'Access token is empty.',
  expired: 'Access token has expired or is not yet valid.',
  invalid: 'Access token validation failure.',
  audience: 'Access token validation failure. Invalid audience.',
  tenant: 'Access token validation failure. Invalid tenant.',
};

/** Control routes: the per-start control token and a loopback peer. */
export function controlGate(req: EmulatorRequest, peer: string | undefined, ctx: AuthContext): Gate {
  if (!isLoopback(peer)) {
    return {
      ok: false,
      response: json(403, {
        error: { code: 'Forbidden', message: 'The control API answers loopback peers only.' },
      }),
    };
  }
  const token = bearer(req);
  if (!token || !sameSecret(token, ctx.controlToken)) {
    return {
      ok: false,
      response: json(401, { error: { code: 'Unauthorized', message: 'A valid control token is required.' } }),
    };
  }
  return { ok: true };
}

/** Graph/ARM routes: a valid token for the route's audience from a known, consented client. */
export async function tokenGate(
  req: EmulatorRequest,
  kind: 'graph' | 'arm',
  ctx: AuthContext,
): Promise<Gate> {
  const raw = bearer(req);
  if (!raw) return unauthorized(req, kind, MSG.empty, ctx);
  const result = await ctx.verifier.verify(raw);
  if (!result.ok)
    return unauthorized(req, kind, result.reason === 'expired' ? MSG.expired : MSG.invalid, ctx);
  const claims = result.claims;
  if (!audienceMatches(claims.aud, kind)) return unauthorized(req, kind, MSG.audience, ctx);
  const tenant = ctx.tenants.byId(claims.tid);
  if (!tenant) return unauthorized(req, kind, MSG.tenant, ctx);
  // Consent revoked after issue: the emulator rejects the client's outstanding tokens at once.
  const client = tenant.model.clients.find((c) => c.clientId === claims.appid);
  if (!client?.consented) return unauthorized(req, kind, MSG.invalid, ctx);
  return { ok: true, token: claims, tenant };
}

/** App roles for app tokens, scopes for delegated ones (client-creds doc: no role → 403). */
export function permissionGate(req: EmulatorRequest, route: Route): Gate {
  if (!route.anyOfRoles?.length || !req.token) return { ok: true };
  const held = new Set([...(req.token.roles ?? []), ...(req.token.scp?.split(' ') ?? [])]);
  if (route.anyOfRoles.some((r) => held.has(r))) return { ok: true };
  if (route.auth === 'arm') {
    const oid = req.token.oid ?? req.token.appid;
    const message = `The client '${oid}' with object id '${oid}' does not have authorization to perform action over scope '${req.url.pathname}' or the scope is invalid.`;
    return { ok: false, response: armError(req, 403, 'AuthorizationFailed', message) };
  }
  return {
    ok: false,
    response: graphError(
      req,
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    ),
  };
}

const PLAN_RANK = { free: 0, P1: 1, P2: 2 } as const;

/**
 * Licence gates (§7): PIM schedule APIs answer 400 AadPremiumLicenseRequired; other premium
 * endpoints (signIns, signInActivity, riskyUsers) answer 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant.
 */
export function licenceGate(req: EmulatorRequest, route: Route): Gate {
  if (!route.licence || !req.tenant) return { ok: true };
  if (PLAN_RANK[req.tenant.model.entraPlan] >= PLAN_RANK[route.licence]) return { ok: true };
  if (/roleManagement\/directory\/role\w*Schedule/i.test(req.url.pathname)) {
    const message =
      'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.';
    return { ok: false, response: graphError(req, 400, 'AadPremiumLicenseRequired', message) };
  }
  const message = "Neither tenant is B2C or tenant doesn't have premium license";
  return {
    ok: false,
    response: graphError(req, 403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', message),
  };
}
