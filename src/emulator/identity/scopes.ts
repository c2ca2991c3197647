/**
 * Scope parsing for the v2.0 token endpoint. A request names one resource (graph-protocol.md
 * §1.1: scopes for two resources fail with AADSTS700022); `/.default` asks for everything
 * consented, a named scope (`…/user_impersonation`) asks for one delegated permission.
 */
export type ResourceKind = 'graph' | 'arm';

export interface ParsedScopes {
  resource: ResourceKind;
  /** the token's `aud` */
  audience: string;
  /** permission names without the resource prefix, e.g. `.default`, `user_impersonation` */
  permissions: string[];
  /** full scopes as the response's `scope` lists them, e.g. `https://management.azure.com/user_impersonation`; empty for an OpenID-only sign-in */
  fullScopes: string[];
  openid: boolean;
  offlineAccess: boolean;
}

export type ScopeResult =
  | { ok: true; scopes: ParsedScopes }
  | { ok: false; reason: 'invalid' | 'multiple'; scope: string };

const GRAPH = 'https://graph.microsoft.com';

const RESOURCES: Record<string, { kind: ResourceKind; audience: string }> = {
  'https://graph.microsoft.com': { kind: 'graph', audience: 'https://graph.microsoft.com' },
  '00000003-0000-0000-c000-000000000000': { kind: 'graph', audience: 'https://graph.microsoft.com' },
  'https://management.azure.com': { kind: 'arm', audience: 'https://management.azure.com' },
  'https://management.core.windows.net': { kind: 'arm', audience: 'https://management.core.windows.net' },
};

const OIDC = new Set(['openid', 'profile', 'offline_access', 'email']);

function splitScope(scope: string): { resource: string; permission: string } {
  // `https://management.azure.com//.default` (double slash) is accepted by Entra too
  const i = scope.lastIndexOf('/');
  if (i < 0) return { resource: 'https://graph.microsoft.com', permission: scope }; // bare scopes are Graph's
  return { resource: scope.slice(0, i).replace(/\/+$/, '').toLowerCase(), permission: scope.slice(i + 1) };
}

/**
 * A sign-in that names no resource (`openid profile email`): besides the id_token, Entra returns
 * an access token for Microsoft Graph, good for its OpenID UserInfo endpoint
 * (`graph.microsoft.com/oidc/userinfo`), carrying the OpenID scopes. Without `openid` nothing is
 * asked for at all: AADSTS70011.
 */
function openIdOnly(
  all: string[],
  openid: boolean,
  offlineAccess: boolean,
  scopeParam: string | null,
): ScopeResult {
  if (!openid) return { ok: false, reason: 'invalid', scope: scopeParam ?? '' };
  const permissions = all.filter((s) => OIDC.has(s) && s !== 'offline_access');
  return {
    ok: true,
    scopes: { resource: 'graph', audience: GRAPH, permissions, fullScopes: [], openid, offlineAccess },
  };
}

export function parseScopes(scopeParam: string | null): ScopeResult {
  const all = (scopeParam ?? '').split(/\s+/).filter(Boolean);
  const openid = all.includes('openid');
  const offlineAccess = all.includes('offline_access');
  let resource: { kind: ResourceKind; audience: string } | undefined;
  const permissions: string[] = [];
  const fullScopes: string[] = [];
  for (const scope of all.filter((s) => !OIDC.has(s))) {
    const parts = splitScope(scope);
    const known = RESOURCES[parts.resource];
    if (!known || !parts.permission) return { ok: false, reason: 'invalid', scope };
    if (resource && resource.kind !== known.kind) return { ok: false, reason: 'multiple', scope };
    resource = known;
    permissions.push(parts.permission);
    fullScopes.push(`${known.audience}/${parts.permission}`);
  }
  if (!resource) return openIdOnly(all, openid, offlineAccess, scopeParam);
  return {
    ok: true,
    scopes: {
      resource: resource.kind,
      audience: resource.audience,
      permissions,
      fullScopes,
      openid,
      offlineAccess,
    },
  };
}
