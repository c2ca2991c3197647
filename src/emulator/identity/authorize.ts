import type {
  EmulatedClient,
  EmulatedSignInUser,
  EmulatorRequest,
  EmulatorResponse,
  TenantStore,
} from '../contract.ts';
import { html, redirect } from '../server/http.ts';
import { AADSTS, type AadError } from './aadsts.ts';
import { type IdentityContext, MULTI_TENANT } from './context.ts';
import { errorPage, escapeHtml, hiddenFields, page, signInFields } from './html-page.ts';
import { parseScopes } from './scopes.ts';
import { delegatedConsentMissing } from './token-endpoint.ts';

/**
 * `GET/POST /{tenant}/oauth2/v2.0/authorize`: a plain sign-in form for `model.signInUsers`, then
 * a redirect with `code` and `state` (RFC 6749 §4.1.2). With `common`/`organizations` the user's
 * own tenant is the one signed in to. Missing delegated consent redirects with
 * `error=consent_required` and AADSTS65001 instead of prompting, because the emulator has no
 * user-consent step: consent is part of the tenant's model.
 */
const INVALID_CREDENTIALS = 'AADSTS50126: Error validating credentials due to invalid username or password.';

export function authorizeHandler(ctx: IdentityContext): (req: EmulatorRequest) => EmulatorResponse {
  return (req) => {
    const params = req.method === 'POST' ? new URLSearchParams(req.rawBody) : req.url.searchParams;
    const pathTenant = req.params.tenant ?? '';
    const multi = MULTI_TENANT.has(pathTenant.toLowerCase());
    const tenant = multi ? undefined : ctx.tenants.resolve(pathTenant);
    if (!multi && !tenant) return htmlError(AADSTS.tenantNotFound(pathTenant));
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    const client = findClient(ctx, tenant, clientId);
    if (!client) return htmlError(AADSTS.unknownClient(clientId, tenant?.model.displayName ?? pathTenant));
    if (!client.redirectUris.includes(redirectUri))
      return htmlError(AADSTS.redirectMismatch(redirectUri, clientId));
    if (params.get('response_type') !== 'code') {
      return back(redirectUri, params, {
        error: 'unsupported_response_type',
        error_description: 'AADSTS70005: response_type is not supported.',
      });
    }
    if (req.method !== 'POST') return form(req, params);
    const signedIn = signIn(ctx, tenant, params.get('username') ?? '', params.get('password') ?? '');
    if (!signedIn) return form(req, params, INVALID_CREDENTIALS);
    return issueCode(ctx, signedIn.tenant, signedIn.user, clientId, params);
  };
}

function findClient(
  ctx: IdentityContext,
  tenant: TenantStore | undefined,
  clientId: string,
): EmulatedClient | undefined {
  const tenants = tenant ? [tenant] : ctx.tenants.all();
  for (const t of tenants) {
    const c = t.model.clients.find((x) => x.clientId.toLowerCase() === clientId.toLowerCase());
    if (c) return c;
  }
  return undefined;
}

export function signIn(
  ctx: IdentityContext,
  tenant: TenantStore | undefined,
  username: string,
  password: string,
): { tenant: TenantStore; user: EmulatedSignInUser } | undefined {
  for (const t of tenant ? [tenant] : ctx.tenants.all()) {
    const user = t.model.signInUsers.find(
      (u) => u.userPrincipalName.toLowerCase() === username.trim().toLowerCase(),
    );
    if (user) return user.password === password ? { tenant: t, user } : undefined;
  }
  return undefined;
}

function issueCode(
  ctx: IdentityContext,
  tenant: TenantStore,
  user: EmulatedSignInUser,
  clientId: string,
  params: URLSearchParams,
): EmulatorResponse {
  const redirectUri = params.get('redirect_uri') ?? '';
  const client = tenant.model.clients.find((c) => c.clientId.toLowerCase() === clientId.toLowerCase());
  if (!client) return htmlError(AADSTS.unknownClient(clientId, tenant.model.displayName));
  const parsed = parseScopes(params.get('scope'));
  if (!parsed.ok) {
    const e = parsed.reason === 'multiple' ? AADSTS.multipleResources() : AADSTS.badScope(parsed.scope);
    return back(redirectUri, params, {
      error: e.error,
      error_description: `AADSTS${e.code}: ${e.description}`,
    });
  }
  if (delegatedConsentMissing(client, parsed.scopes)) {
    const e = AADSTS.noConsent(client.clientId, client.displayName);
    return back(redirectUri, params, {
      error: 'consent_required',
      error_description: `AADSTS${e.code}: ${e.description}`,
    });
  }
  const code = ctx.grants.newCode({
    tenantId: tenant.model.tenantId,
    clientId: client.clientId,
    userId: user.userId,
    scope: params.get('scope') ?? '',
    redirectUri,
    codeChallenge: params.get('code_challenge') ?? undefined,
    codeChallengeMethod: params.get('code_challenge_method') ?? undefined,
    nonce: params.get('nonce') ?? undefined,
  });
  return back(redirectUri, params, { code, session_state: tenant.model.tenantId });
}

/** Redirects to the client with `state` echoed (RFC 6749 §4.1.2 / §4.1.2.1). */
export function back(
  redirectUri: string,
  params: URLSearchParams,
  extra: Record<string, string>,
): EmulatorResponse {
  const target = new URL(redirectUri);
  for (const [k, v] of Object.entries(extra)) target.searchParams.set(k, v);
  const state = params.get('state');
  if (state !== null) target.searchParams.set('state', state);
  return redirect(target.toString());
}

function form(req: EmulatorRequest, params: URLSearchParams, error?: string): EmulatorResponse {
  const body = `<form method="post" action="${escapeHtml(req.url.pathname)}">
${hiddenFields(params, ['username', 'password'])}
${signInFields(error)}
<p><button type="submit">Sign in</button></p>
</form>`;
  return html(200, page('Sign in to your account', body));
}

export function htmlError(e: AadError): EmulatorResponse {
  return html(e.status, errorPage(e.code, e.description));
}
