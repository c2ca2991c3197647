import { createHash } from 'node:crypto';
import type { EmulatedClient, EmulatorRequest, EmulatorResponse, TenantStore } from '../contract.ts';
import { json } from '../server/http.ts';
import { AADSTS, type AadError, aadError } from './aadsts.ts';
import { authenticateClient } from './client-auth.ts';
import { type IdentityContext, MULTI_TENANT } from './context.ts';
import type { DelegatedGrant } from './grants.ts';
import { ACCESS_TOKEN_LIFETIME_S } from './keys.ts';
import { type ParsedScopes, parseScopes } from './scopes.ts';

/**
 * `POST /{tenant}/oauth2/v2.0/token` (graph-protocol.md §1.1–1.2): client credentials, and the
 * authorization-code and refresh-token grants of the delegated ARM connection. Unknown
 * parameters (msal-node's telemetry fields) are ignored.
 */
export function tokenHandler(ctx: IdentityContext): (req: EmulatorRequest) => Promise<EmulatorResponse> {
  return async (req) => {
    const form = new URLSearchParams(req.rawBody);
    const fail = (e: AadError) => aadError(e, req.requestId, new Date(ctx.clock.now()));
    const pathTenant = req.params.tenant ?? '';
    const grantType = form.get('grant_type');
    if (grantType === 'client_credentials') {
      const tenant = ctx.tenants.resolve(pathTenant);
      if (!tenant) return fail(AADSTS.tenantNotFound(pathTenant));
      return clientCredentials(ctx, req, form, tenant, pathTenant, fail);
    }
    if (grantType === 'authorization_code' || grantType === 'refresh_token') {
      return delegated(ctx, req, form, pathTenant, grantType, fail);
    }
    if (!grantType) return fail(AADSTS.missingParameter('grant_type'));
    return fail(AADSTS.unsupportedGrant());
  };
}

function tokenUrls(ctx: IdentityContext, tenant: TenantStore, pathTenant: string): string[] {
  const names = [tenant.model.tenantId, tenant.model.initialDomain, pathTenant];
  return names.map((n) => `${ctx.origin()}/${n}/oauth2/v2.0/token`);
}

function servicePrincipalId(tenant: TenantStore, clientId: string): string {
  return tenant.collection('servicePrincipals').find((sp) => sp.appId === clientId)?.id ?? clientId;
}

type Fail = (e: AadError) => EmulatorResponse;

async function clientCredentials(
  ctx: IdentityContext,
  req: EmulatorRequest,
  form: URLSearchParams,
  tenant: TenantStore,
  pathTenant: string,
  fail: Fail,
): Promise<EmulatorResponse> {
  const now = ctx.clock.now();
  const auth = await authenticateClient({
    form,
    authorization: req.headers.authorization,
    tenant,
    tokenUrls: tokenUrls(ctx, tenant, pathTenant),
    now,
  });
  if (!auth.ok) return fail(auth.error);
  const client = auth.client;
  // Revoking consent deletes the app's service principal from the tenant, after which Entra no
  // longer finds the app there: AADSTS700016 (§1.2 table; 7000112 is for a *disabled* SP).
  if (!client.consented) return fail(AADSTS.unknownClient(client.clientId, tenant.model.displayName));
  const parsed = parseScopes(form.get('scope'));
  if (!parsed.ok) {
    return fail(parsed.reason === 'multiple' ? AADSTS.multipleResources() : AADSTS.badScope(parsed.scope));
  }
  const s = parsed.scopes;
  if (s.permissions.length !== 1 || s.permissions[0] !== '.default') {
    return fail(AADSTS.badScope(s.fullScopes.join(' '))); // client credentials need `{resource}/.default` (§1.1)
  }
  // Graph gets the consented app roles; ARM app tokens carry none (ARM authorises by RBAC).
  const roles = s.resource === 'graph' ? client.consentedAppRoles : [];
  const { token } = await ctx.issuer.issue({
    aud: s.audience,
    tid: tenant.model.tenantId,
    appid: client.clientId,
    oid: servicePrincipalId(tenant, client.clientId),
    roles,
  });
  return tokenResponse({
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_LIFETIME_S,
    ext_expires_in: ACCESS_TOKEN_LIFETIME_S,
    access_token: token,
  });
}

function tokenResponse(body: Record<string, unknown>): EmulatorResponse {
  return json(200, body, { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' });
}

async function delegated(
  ctx: IdentityContext,
  req: EmulatorRequest,
  form: URLSearchParams,
  pathTenant: string,
  grantType: 'authorization_code' | 'refresh_token',
  fail: Fail,
): Promise<EmulatorResponse> {
  const secretParam = grantType === 'authorization_code' ? 'code' : 'refresh_token';
  const presented = form.get(secretParam);
  if (!presented) return fail(AADSTS.missingParameter(secretParam));
  const grant =
    grantType === 'authorization_code'
      ? ctx.grants.redeemCode(presented)
      : ctx.grants.redeemRefreshToken(presented);
  const tenant = grant ? ctx.tenants.byId(grant.tenantId) : ctx.tenants.resolve(pathTenant);
  if (!tenant) return fail(AADSTS.tenantNotFound(pathTenant));
  if (!grant) return fail(AADSTS.badCode());
  if (!MULTI_TENANT.has(pathTenant.toLowerCase()) && ctx.tenants.resolve(pathTenant) !== tenant) {
    return fail(AADSTS.badCode());
  }
  const auth = await authenticateClient({
    form,
    authorization: req.headers.authorization,
    tenant,
    tokenUrls: tokenUrls(ctx, tenant, pathTenant),
    now: ctx.clock.now(),
  });
  if (!auth.ok) return fail(auth.error);
  if (auth.client.clientId !== grant.clientId) return fail(AADSTS.badCode());
  const check = grantType === 'authorization_code' ? checkCodeBinding(grant, form) : undefined;
  if (check) return fail(check);
  const scope = grantType === 'refresh_token' ? (form.get('scope') ?? grant.scope) : grant.scope;
  return issueDelegated(ctx, tenant, auth.client, { ...grant, scope }, fail);
}

/** The redirect URI must repeat the authorize request's; PKCE (RFC 7636) when a challenge was sent. */
function checkCodeBinding(grant: DelegatedGrant, form: URLSearchParams): AadError | undefined {
  const redirectUri = form.get('redirect_uri') ?? '';
  if (grant.redirectUri && redirectUri !== grant.redirectUri)
    return AADSTS.redirectMismatch(redirectUri, grant.clientId);
  if (!grant.codeChallenge) return undefined;
  const verifier = form.get('code_verifier') ?? '';
  const computed =
    grant.codeChallengeMethod === 'S256'
      ? createHash('sha256').update(verifier).digest('base64url')
      : verifier;
  return computed === grant.codeChallenge ? undefined : AADSTS.pkceFailed();
}

/** Delegated scopes must be consented for the client in this tenant, else AADSTS65001 (§1.2). */
export function delegatedConsentMissing(client: EmulatedClient, s: ParsedScopes): boolean {
  if (!client.consented) return true;
  const consented = new Set(client.consentedScopes.map((x) => x.toLowerCase()));
  return s.fullScopes.some((x) => !x.endsWith('/.default') && !consented.has(x.toLowerCase()));
}

async function issueDelegated(
  ctx: IdentityContext,
  tenant: TenantStore,
  client: EmulatedClient,
  grant: DelegatedGrant,
  fail: Fail,
): Promise<EmulatorResponse> {
  const parsed = parseScopes(grant.scope);
  if (!parsed.ok)
    return fail(parsed.reason === 'multiple' ? AADSTS.multipleResources() : AADSTS.badScope(parsed.scope));
  const s = parsed.scopes;
  if (delegatedConsentMissing(client, s)) return fail(AADSTS.noConsent(client.clientId, client.displayName));
  const user = tenant.model.signInUsers.find((u) => u.userId === grant.userId);
  if (!user) return fail(AADSTS.badCode());
  const scp = s.permissions.includes('.default')
    ? client.consentedScopes.map((x) => x.slice(x.lastIndexOf('/') + 1)).join(' ')
    : s.permissions.join(' ');
  const tid = tenant.model.tenantId;
  const { token } = await ctx.issuer.issue({
    aud: s.audience,
    tid,
    appid: client.clientId,
    oid: user.userId,
    scp,
    upn: user.userPrincipalName,
  });
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: (s.fullScopes.length > 0 ? s.fullScopes : s.permissions).join(' '),
    expires_in: ACCESS_TOKEN_LIFETIME_S,
    ext_expires_in: ACCESS_TOKEN_LIFETIME_S,
    access_token: token,
    client_info: Buffer.from(JSON.stringify({ uid: user.userId, utid: tid })).toString('base64url'),
  };
  if (s.offlineAccess) body.refresh_token = ctx.grants.newRefreshToken(grant);
  if (s.openid) body.id_token = await idToken(ctx, tenant, client.clientId, user, grant);
  return tokenResponse(body);
}

/**
 * The v2.0 id_token (id-token-claims-reference): `oid` and `tid` identify the user; `sub` is
 * pairwise, different for every app; `name` and `preferred_username` are always sent here (the
 * `profile` scope, which MSAL always adds), `email` with the `email` scope when the user has a
 * mail address. Both are mutable, and `email` is set by the tenant's administrators: neither is
 * an identifier.
 */
async function idToken(
  ctx: IdentityContext,
  tenant: TenantStore,
  clientId: string,
  user: { userId: string; userPrincipalName: string },
  grant: DelegatedGrant,
): Promise<string> {
  const tid = tenant.model.tenantId;
  const iat = Math.floor(ctx.clock.now() / 1000);
  const scopes = new Set(grant.scope.split(/\s+/));
  const directory = tenant.find('users', user.userId);
  const mail = typeof directory?.mail === 'string' && directory.mail ? directory.mail : undefined;
  const name = typeof directory?.displayName === 'string' ? directory.displayName : user.userPrincipalName;
  return ctx.issuer.sign({
    aud: clientId,
    iss: ctx.issuer.issuerFor(tid),
    iat,
    nbf: iat,
    exp: iat + ACCESS_TOKEN_LIFETIME_S,
    tid,
    oid: user.userId,
    sub: createHash('sha256').update(`${clientId}|${tid}|${user.userId}`).digest('base64url'),
    preferred_username: user.userPrincipalName,
    name,
    ver: '2.0',
    ...(scopes.has('email') && mail ? { email: mail } : {}),
    ...(grant.nonce ? { nonce: grant.nonce } : {}),
  });
}
