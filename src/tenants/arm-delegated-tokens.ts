import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import { type CloudName, clouds, type Endpoints } from '../connectors/clouds.ts';
import type { HttpClient } from '../connectors/http.ts';
import { classifyIdentityFailure, MicrosoftError } from '../connectors/microsoft-error.ts';
import { msalNetwork, type TokenProvider } from '../connectors/token-provider.ts';
import type { TenantscopeApp } from './consent-service.ts';

/**
 * Delegated ARM through Microsoft's own library: the authorization-code flow with PKCE for the
 * first sign-in, the refresh-token grant afterwards. Scopes: ARM's `user_impersonation` and
 * `offline_access` (MSAL adds `openid profile offline_access` itself). The access token lives in
 * this object only; the refresh token is handed to `onRotated` every time Microsoft issues a new
 * one (Entra rotates it on use, so the stored one must follow or the connection is lost).
 */
export const armDelegatedScope = (cloud: CloudName): string =>
  `${new URL(clouds[cloud].armUrl).origin}/user_impersonation`;

export function confidentialApp(
  app: TenantscopeApp,
  endpoints: Pick<Endpoints, 'authorityHost'>,
  tenantId: string,
  http: HttpClient,
): ConfidentialClientApplication {
  const authority = `${endpoints.authorityHost}/${tenantId}`;
  return new ConfidentialClientApplication({
    auth: {
      clientId: app.clientId,
      authority,
      knownAuthorities: [new URL(authority).host],
      clientSecret: app.clientSecret,
    },
    system: {
      networkClient: msalNetwork(http),
      loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => {} },
    },
  });
}

/** The refresh token MSAL keeps in its (in-memory) cache after a code or refresh redemption. */
export function cachedRefreshToken(cca: ConfidentialClientApplication): string | undefined {
  const cache = JSON.parse(cca.getTokenCache().serialize()) as {
    RefreshToken?: Record<string, { secret?: string }>;
  };
  const entries = Object.values(cache.RefreshToken ?? {});
  return entries[entries.length - 1]?.secret;
}

export function identityFailure(error: unknown): MicrosoftError {
  if (error instanceof MicrosoftError) return error;
  const e = error as { errorCode?: string; errorMessage?: string; message?: string };
  return classifyIdentityFailure(`${e.errorCode ?? ''} ${e.errorMessage ?? e.message ?? ''}`);
}

/**
 * A token provider for the ARM client from a stored refresh token. Tokens are kept until five
 * minutes before they end; `fresh` (after a 401) redeems the refresh token again.
 */
export function createDelegatedArmTokens(options: {
  app: TenantscopeApp;
  endpoints: Pick<Endpoints, 'authorityHost'>;
  cloud: CloudName;
  tenantId: string;
  refreshToken: string;
  http: HttpClient;
  onRotated: (refreshToken: string) => Promise<void>;
}): TokenProvider {
  const cca = confidentialApp(options.app, options.endpoints, options.tenantId, options.http);
  // offline_access again: without it the answer carries no new refresh token, and Entra may
  // already have retired the one just used.
  const scopes = [armDelegatedScope(options.cloud), 'offline_access'];
  let refreshToken = options.refreshToken;
  let held: { token: string; until: number } | undefined;
  return {
    async getToken(_scope, tokenOptions) {
      if (held && !tokenOptions?.fresh && held.until > Date.now()) return held.token;
      let result: Awaited<ReturnType<typeof cca.acquireTokenByRefreshToken>>;
      try {
        // forceCache: MSAL caches a refresh-token response only with it (there is no account in
        // its cache yet), and the cache is where the rotated refresh token is read from.
        result = await cca.acquireTokenByRefreshToken({ refreshToken, scopes, forceCache: true });
      } catch (error) {
        throw identityFailure(error);
      }
      if (!result?.accessToken)
        throw new MicrosoftError('rejected', 'the token endpoint returned no access token for ARM');
      const rotated = cachedRefreshToken(cca);
      if (rotated && rotated !== refreshToken) {
        refreshToken = rotated;
        await options.onRotated(rotated);
      }
      const ends = result.expiresOn?.getTime() ?? Date.now() + 30 * 60_000;
      held = { token: result.accessToken, until: ends - 5 * 60_000 };
      return held.token;
    },
  };
}
