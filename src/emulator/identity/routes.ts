import type { Route } from '../contract.ts';
import { adminConsentHandler } from './admin-consent.ts';
import { authorizeHandler } from './authorize.ts';
import type { IdentityContext } from './context.ts';
import { instanceDiscoveryHandler, jwksHandler, openIdConfigurationHandler } from './discovery.ts';
import { tokenHandler } from './token-endpoint.ts';

/** The identity platform's routes; all are unauthenticated, as on login.microsoftonline.com. */
export function identityRoutes(ctx: IdentityContext): Route[] {
  const authorize = authorizeHandler(ctx);
  const consent = adminConsentHandler(ctx);
  const jwks = jwksHandler(ctx);
  const route = (method: Route['method'], path: string, handler: Route['handler']): Route => ({
    method,
    path,
    auth: 'none',
    handler,
  });
  return [
    route('GET', '/:tenant/v2.0/.well-known/openid-configuration', openIdConfigurationHandler(ctx)),
    route('GET', '/common/discovery/instance', instanceDiscoveryHandler(ctx)),
    route('GET', '/:tenant/discovery/v2.0/keys', jwks),
    route('POST', '/:tenant/oauth2/v2.0/token', tokenHandler(ctx)),
    route('GET', '/:tenant/oauth2/v2.0/authorize', authorize),
    route('POST', '/:tenant/oauth2/v2.0/authorize', authorize),
    route('GET', '/:tenant/adminconsent', consent),
    route('POST', '/:tenant/adminconsent', consent),
    route('GET', '/:tenant/v2.0/adminconsent', consent),
    route('POST', '/:tenant/v2.0/adminconsent', consent),
  ];
}
