import type { EmulatorRequest, EmulatorResponse } from '../contract.ts';
import { json } from '../server/http.ts';
import { AADSTS, aadError } from './aadsts.ts';
import { type IdentityContext, MULTI_TENANT } from './context.ts';

/**
 * OpenID metadata, instance discovery and JWKS (graph-protocol.md §1.5): msal-node needs
 * `authorization_endpoint`, `token_endpoint`, `issuer` (same origin) and `jwks_uri`.
 */
export function openIdConfigurationHandler(ctx: IdentityContext): (req: EmulatorRequest) => EmulatorResponse {
  return (req) => {
    const pathTenant = req.params.tenant ?? '';
    const multi = MULTI_TENANT.has(pathTenant.toLowerCase());
    const tenant = multi ? undefined : ctx.tenants.resolve(pathTenant);
    if (!multi && !tenant)
      return aadError(AADSTS.tenantNotFound(pathTenant), req.requestId, new Date(ctx.clock.now()));
    const o = ctx.origin();
    // Entra's metadata names the tenant GUID even when asked by domain; `common` keeps a `{tenantid}` template.
    const t = tenant?.model.tenantId ?? pathTenant;
    return json(200, {
      token_endpoint: `${o}/${t}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${o}/${t}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: tenant ? ctx.issuer.issuerFor(t) : `${o}/{tenantid}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${o}/${t}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${o}/${t}/oauth2/v2.0/logout`,
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'nonce',
        'preferred_username',
        'name',
        'tid',
        'ver',
        'oid',
      ],
      tenant_region_scope: 'EU',
      cloud_instance_name: new URL(o).host,
    });
  };
}

/** `GET /common/discovery/instance`: the shape MSAL's cloud discovery expects. */
export function instanceDiscoveryHandler(ctx: IdentityContext): (req: EmulatorRequest) => EmulatorResponse {
  return (req) => {
    const host = new URL(ctx.origin()).host;
    const endpoint =
      req.url.searchParams.get('authorization_endpoint') ?? `${ctx.origin()}/common/oauth2/v2.0/authorize`;
    let tenant = 'common';
    try {
      tenant = new URL(endpoint).pathname.split('/').filter(Boolean)[0] ?? 'common';
    } catch {
      // keep `common` for a malformed parameter, as the service answers the common document
    }
    return json(200, {
      tenant_discovery_endpoint: `${ctx.origin()}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  };
}

export function jwksHandler(ctx: IdentityContext): () => Promise<EmulatorResponse> {
  return async () => json(200, await ctx.issuer.jwks());
}
