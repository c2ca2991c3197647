import { X509Certificate } from 'node:crypto';
import {
  type AuthenticationResult,
  ConfidentialClientApplication,
  type INetworkModule,
  LogLevel,
} from '@azure/msal-node';
import type { Endpoints } from './clouds.ts';
import type { HttpClient } from './http.ts';
import { classifyIdentityFailure, MicrosoftError } from './microsoft-error.ts';

export type AppCredential =
  | { kind: 'secret'; clientSecret: string }
  | { kind: 'certificate'; certificatePem: string; privateKeyPem: string };

export interface TokenProvider {
  /**
   * An access token for a scope (`https://graph.microsoft.com/.default`…), cached by MSAL until
   * near expiry; `fresh` skips the cache (after a 401, to tell an expired token from revoked consent).
   */
  getToken(scope: string, options?: { fresh?: boolean }): Promise<string>;
}

/**
 * App-only tokens through Microsoft's own library. The authority host comes from configuration
 * (a national cloud or the emulator); it is listed in `knownAuthorities` so MSAL trusts it
 * without asking login.microsoftonline.com for instance discovery (graph-protocol.md §1.5).
 * MSAL's network calls go through our HTTP client, so the extra CA applies to them too.
 */
export function createAppTokenProvider(options: {
  endpoints: Pick<Endpoints, 'authorityHost'>;
  tenantId: string;
  clientId: string;
  credential: AppCredential;
  http: HttpClient;
}): TokenProvider {
  const authority = `${options.endpoints.authorityHost}/${options.tenantId}`;
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      authority,
      knownAuthorities: [new URL(authority).host],
      ...credentialConfig(options.credential),
    },
    system: {
      networkClient: msalNetwork(options.http),
      loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => {} },
    },
  });
  return {
    async getToken(scope, tokenOptions) {
      let result: AuthenticationResult | null;
      try {
        result = await app.acquireTokenByClientCredential({
          scopes: [scope],
          skipCache: tokenOptions?.fresh === true,
        });
      } catch (error) {
        if (error instanceof MicrosoftError) throw error;
        const e = error as { errorCode?: string; errorMessage?: string; message?: string };
        throw classifyIdentityFailure(`${e.errorCode ?? ''} ${e.errorMessage ?? e.message ?? ''}`);
      }
      // MSAL returns an empty result for some non-JSON answers instead of throwing (§1.5 gotcha).
      if (!result?.accessToken)
        throw new MicrosoftError('rejected', `the token endpoint at ${authority} returned no access token`);
      return result.accessToken;
    },
  };
}

function credentialConfig(credential: AppCredential) {
  if (credential.kind === 'secret') return { clientSecret: credential.clientSecret };
  const cert = new X509Certificate(credential.certificatePem);
  return {
    clientCertificate: {
      // PS256 with `x5t#S256`, the form Entra documents today (certificate-credentials.md)
      thumbprintSha256: cert.fingerprint256.replaceAll(':', '').toLowerCase(),
      privateKey: credential.privateKeyPem,
      x5c: credential.certificatePem,
    },
  };
}

export function msalNetwork(http: HttpClient): INetworkModule {
  const send = async (
    method: 'GET' | 'POST',
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
  ) => {
    const res = await http
      .send({
        method,
        url,
        headers: options?.headers ?? {},
        ...(options?.body !== undefined ? { body: options.body } : {}),
      })
      .catch((e: Error) => {
        throw new MicrosoftError('transient', e.message);
      });
    let body: unknown = {};
    try {
      body = res.body ? JSON.parse(res.body) : {};
    } catch {
      body = {};
    }
    return { headers: res.headers, body: body as never, status: res.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
