import type { ConfidentialClientApplication } from '@azure/msal-node';
import { createHttpClient, type HttpClient, NetworkError } from '../connectors/http.ts';
import { classifyIdentityFailure, MicrosoftError } from '../connectors/microsoft-error.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { confidentialApp } from '../tenants/arm-delegated-tokens.ts';
import { redeemRefusalKind } from './microsoft-sign-in-fns.ts';

/** Tenantscope's app registration, the authority's tenant segment and host (src/platform/config.ts). */
export interface MicrosoftSignInSettings {
  clientId: string;
  clientSecret: string;
  /** `organizations`, a tenant GUID or a domain */
  tenant: string;
  authorityHost: string;
  /** extra CAs to trust when calling the authority (a proxy's, the emulator's) */
  extraCaFile?: string | undefined;
}

/**
 * One conversation with the authority: msal-node (the same confidential-client set-up as the
 * delegated ARM sign-in: `knownAuthorities`, our HTTP client with the extra CA) and plain JSON
 * reads for the OpenID metadata and keys, on one connection pool closed afterwards. msal-node's
 * failures come out in our codes.
 */
export async function withAuthority<T>(
  s: MicrosoftSignInSettings,
  fn: (cca: ConfidentialClientApplication, getJson: (url: string) => Promise<unknown>) => Promise<T>,
): Promise<T> {
  const http = createHttpClient({ extraCaFile: s.extraCaFile });
  try {
    const cca = confidentialApp(s, { authorityHost: s.authorityHost }, s.tenant, http);
    return await fn(cca, (url) => getJson(http, url)).catch((error: unknown) => {
      throw msalFailure(error);
    });
  } finally {
    await http.close();
  }
}

/**
 * msal-node's failures in our codes: our own errors (and Microsoft's, classified) pass as they
 * are; an AADSTS about our app registration is the operator's (the connectors' codes), any other
 * refusal to redeem the code is the sign-in's; a failure of msal's own checks (a nonce mismatch)
 * means the answer is not to be trusted.
 */
function msalFailure(error: unknown): TenantscopeError {
  if (error instanceof TenantscopeError) return error;
  const e = error as { errorCode?: string; errorMessage?: string; message?: string };
  const text = `${e.errorCode ?? ''} ${e.errorMessage ?? e.message ?? ''}`;
  const kind = redeemRefusalKind(text);
  if (kind === 'app' || kind === 'network') return classifyIdentityFailure(text);
  if (kind === 'refused')
    return new TenantscopeError(
      'TS_ERR_MICROSOFT_SIGN_IN_DECLINED',
      `Microsoft refused to complete the sign-in (AADSTS${/AADSTS(\d+)/.exec(text)?.[1]})`,
    );
  const code = /^[a-z_]{1,60}$/.test(e.errorCode ?? '') ? e.errorCode : 'unreadable';
  return new TenantscopeError('TS_ERR_MICROSOFT_TOKEN_INVALID', `Microsoft's answer was refused (${code})`);
}

async function getJson(http: HttpClient, url: string): Promise<unknown> {
  let res: Awaited<ReturnType<HttpClient['send']>>;
  try {
    res = await http.send({ method: 'GET', url, headers: { accept: 'application/json' }, timeoutMs: 15_000 });
  } catch (error) {
    if (error instanceof NetworkError) throw new MicrosoftError('transient', error.message);
    throw error;
  }
  if (res.status !== 200)
    throw new MicrosoftError(
      res.status >= 500 ? 'transient' : 'rejected',
      `GET ${url} answered ${res.status}`,
    );
  try {
    return JSON.parse(res.body);
  } catch {
    throw new MicrosoftError('rejected', `GET ${url} answered something other than JSON`);
  }
}
