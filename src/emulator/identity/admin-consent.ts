import type { EmulatorRequest, EmulatorResponse, TenantStore } from '../contract.ts';
import { html } from '../server/http.ts';
import { AADSTS } from './aadsts.ts';
import { back, htmlError, signIn } from './authorize.ts';
import { type IdentityContext, MULTI_TENANT } from './context.ts';
import { escapeHtml, hiddenFields, page, signInFields } from './html-page.ts';

/**
 * `GET/POST /{tenant}/adminconsent` and `/{tenant}/v2.0/adminconsent` (graph-protocol.md §1.3):
 * an administrator signs in and accepts or cancels. Success redirects with
 * `tenant={GUID}&state=…&admin_consent=True`; cancel with `error=access_denied`, `error_subcode=cancel`
 * and AADSTS65004 (what the v2 endpoint sends in practice; the older doc text says
 * `permission_denied` [unverified]). `redirect_uri` may extend a registered one with extra path.
 */
export function adminConsentHandler(ctx: IdentityContext): (req: EmulatorRequest) => EmulatorResponse {
  return (req) => {
    const params = req.method === 'POST' ? new URLSearchParams(req.rawBody) : req.url.searchParams;
    const pathTenant = req.params.tenant ?? '';
    const multi = MULTI_TENANT.has(pathTenant.toLowerCase());
    const tenant = multi ? undefined : ctx.tenants.resolve(pathTenant);
    if (!multi && !tenant) return htmlError(AADSTS.tenantNotFound(pathTenant));
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    const client = (tenant ? [tenant] : ctx.tenants.all())
      .flatMap((t) => t.model.clients)
      .find((c) => c.clientId.toLowerCase() === clientId.toLowerCase());
    if (!client) return htmlError(AADSTS.unknownClient(clientId, tenant?.model.displayName ?? pathTenant));
    if (
      !client.redirectUris.some(
        (u) => redirectUri === u || redirectUri.startsWith(`${u.replace(/\/$/, '')}/`),
      )
    ) {
      return htmlError(AADSTS.redirectMismatch(redirectUri, clientId));
    }
    if (req.method !== 'POST') return consentForm(req, params, client.displayName);
    if (params.get('action') !== 'accept') {
      return back(redirectUri, params, {
        error: 'access_denied',
        error_subcode: 'cancel',
        error_description: 'AADSTS65004: User declined to consent to access the app.',
      });
    }
    const signedIn = signIn(ctx, tenant, params.get('username') ?? '', params.get('password') ?? '');
    if (!signedIn) {
      return consentForm(
        req,
        params,
        client.displayName,
        'AADSTS50126: Error validating credentials due to invalid username or password.',
      );
    }
    return grant(signedIn.tenant, clientId, redirectUri, params);
  };
}

function grant(
  tenant: TenantStore,
  clientId: string,
  redirectUri: string,
  params: URLSearchParams,
): EmulatorResponse {
  const client = tenant.model.clients.find((c) => c.clientId.toLowerCase() === clientId.toLowerCase());
  if (!client) return htmlError(AADSTS.unknownClient(clientId, tenant.model.displayName));
  client.consented = true; // the consented roles and scopes are the tenant model's
  const extra: Record<string, string> = { tenant: tenant.model.tenantId, admin_consent: 'True' };
  const scope = params.get('scope');
  if (scope) extra.scope = scope;
  return back(redirectUri, params, extra);
}

function consentForm(
  req: EmulatorRequest,
  params: URLSearchParams,
  appName: string,
  error?: string,
): EmulatorResponse {
  const body = `<p>Permissions requested by <strong>${escapeHtml(appName)}</strong>, accept for your organisation?</p>
<form method="post" action="${escapeHtml(req.url.pathname)}">
${hiddenFields(params, ['username', 'password', 'action'])}
${signInFields(error)}
<p><button type="submit" name="action" value="accept">Accept</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button></p>
</form>`;
  return html(200, page('Permissions requested', body));
}
