import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { Agent, fetch } from 'undici';

/**
 * Clients that trust the emulator's CA without touching process-wide TLS settings (tests must
 * not set NODE_TLS_REJECT_UNAUTHORIZED). The product builds the same from its configured CA.
 */
export function trustingAgent(caPem: string): Agent {
  return new Agent({ connect: { ca: caPem } });
}

export type TrustingFetch = (
  url: string | URL,
  init?: Parameters<typeof fetch>[1],
) => ReturnType<typeof fetch>;

export function trustingFetch(caPem: string): TrustingFetch {
  const dispatcher = trustingAgent(caPem);
  return (url, init) => fetch(url, { ...init, dispatcher });
}

/** msal-node's `system.networkClient`, on undici with the emulator CA. */
export function msalNetworkClient(caPem: string): INetworkModule {
  const f = trustingFetch(caPem);
  async function send<T>(
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    const res = await f(url, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? options?.body : undefined,
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    const text = await res.text();
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = {};
    }
    return { headers, body: body as T, status: res.status };
  }
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
