import { randomUUID } from 'node:crypto';
import { costOf, type Pacer } from './graph-budget.ts';
import type { HttpClient, HttpResponse } from './http.ts';
import { NetworkError, stripQuery } from './http.ts';
import { classifyResponse, MicrosoftError } from './microsoft-error.ts';
import { backoffDelay, defaultRetryPolicy, type RetryPolicy, type Sleep } from './retry.ts';
import type { TokenProvider } from './token-provider.ts';

export interface GraphPage<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  '@odata.count'?: number;
}

export interface GraphRequestOptions {
  /** advanced queries ($count, ne, endsWith…) need `ConsistencyLevel: eventual` on every page */
  consistencyEventual?: boolean;
  /**
   * `Prefer: odata.maxpagesize=N`, the page size of endpoints that take no `$top` (delta queries,
   * delta-query-overview.md). Sent on every page: headers are not carried into nextLinks (§2.1).
   */
  maxPageSize?: number;
}

export interface GraphClientStats {
  requests: number;
  throttled: number;
  retries: number;
}

export interface GraphClient {
  readonly stats: GraphClientStats;
  /** `{graphUrl}/{version}`, e.g. `https://graph.microsoft.com/v1.0`: links we follow start with it */
  readonly baseUrl: string;
  get<T>(pathOrUrl: string, options?: GraphRequestOptions): Promise<T>;
  /** Every page of a collection, following `@odata.nextLink` verbatim until it is absent. */
  pages<T>(pathOrUrl: string, options?: GraphRequestOptions): AsyncGenerator<GraphPage<T>>;
  /** A usage report: the 302 is followed to its pre-authenticated download, which gets no bearer token. */
  download(path: string): Promise<string>;
  /** Up to 20 GETs in one `$batch`; inner 429/5xx are retried in a later batch. Results keep request order. */
  batch(paths: string[]): Promise<{ status: number; body: unknown }[]>;
}

export interface GraphClientOptions {
  graphUrl: string;
  /** the token scope, e.g. `https://graph.microsoft.com/.default` (Endpoints.graphScope) */
  scope: string;
  version?: 'v1.0' | 'beta';
  tokens: TokenProvider;
  http: HttpClient;
  pacer: Pacer;
  sleep: Sleep;
  retry?: RetryPolicy;
}

/** Graph's documented $batch limit (json-batching.md). */
export const BATCH_LIMIT = 20;

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const base = `${options.graphUrl}/${options.version ?? 'v1.0'}`;
  const origin = new URL(options.graphUrl).origin;
  const policy = options.retry ?? defaultRetryPolicy;
  const stats: GraphClientStats = { requests: 0, throttled: 0, retries: 0 };

  const absolute = (pathOrUrl: string): string => {
    if (!/^https?:/i.test(pathOrUrl)) return `${base}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
    // A nextLink elsewhere would carry our bearer token to a host we did not configure.
    if (new URL(pathOrUrl).origin !== origin)
      throw new MicrosoftError('rejected', `Graph returned a link to another host: ${stripQuery(pathOrUrl)}`);
    return pathOrUrl;
  };

  /** One logical request: paced, authenticated, retried on throttling and transient failures. */
  async function send(
    method: 'GET' | 'POST',
    url: string,
    body?: string,
    requestOptions: GraphRequestOptions = {},
    pace = true,
  ): Promise<HttpResponse> {
    let freshToken = false;
    for (let attempt = 1; ; attempt++) {
      const relative = new URL(url);
      if (pace)
        await options.pacer.take(
          costOf(relative.pathname.replace(/^\/(v1\.0|beta)\//, ''), relative.searchParams),
        );
      const token = await options.tokens.getToken(options.scope, { fresh: freshToken });
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'client-request-id': randomUUID(),
        'user-agent': 'Tenantscope (read-only reporting)',
      };
      if (requestOptions.consistencyEventual) headers.consistencylevel = 'eventual';
      if (requestOptions.maxPageSize) headers.prefer = `odata.maxpagesize=${requestOptions.maxPageSize}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      stats.requests += 1;
      let res: HttpResponse;
      try {
        res = await options.http.send({ method, url, headers, ...(body !== undefined ? { body } : {}) });
      } catch (error) {
        if (!(error instanceof NetworkError) || attempt >= policy.maxAttempts) throw asTransient(error);
        stats.retries += 1;
        await options.sleep(backoffDelay(policy, attempt, undefined));
        continue;
      }
      if (res.status < 400) return res;
      const failure = classifyResponse(res, url);
      if (failure.kind === 'throttled') stats.throttled += 1;
      if (res.status === 401 && !freshToken) {
        freshToken = true; // an expired token is renewed once; a second 401 means consent is gone
        continue;
      }
      if (!failure.retryable || attempt >= policy.maxAttempts) throw failure;
      stats.retries += 1;
      const delay = backoffDelay(policy, attempt, failure.details.retryAfterMs);
      if (failure.kind === 'throttled')
        for (const [key] of costOf(relative.pathname.replace(/^\/(v1\.0|beta)\//, ''), relative.searchParams)
          .takes)
          options.pacer.hold(key, delay);
      await options.sleep(delay);
    }
  }

  async function get<T>(pathOrUrl: string, requestOptions?: GraphRequestOptions): Promise<T> {
    const url = absolute(pathOrUrl);
    const res = await send('GET', url, undefined, requestOptions);
    return parseJson<T>(res, url);
  }

  return {
    stats,
    baseUrl: base,
    get,
    async *pages<T>(pathOrUrl: string, requestOptions?: GraphRequestOptions) {
      let next: string | undefined = pathOrUrl;
      while (next) {
        const page: GraphPage<T> = await get<GraphPage<T>>(next, requestOptions);
        if (!Array.isArray(page.value))
          throw new MicrosoftError(
            'rejected',
            `Graph returned a page without a value array at ${stripQuery(next)}`,
          );
        yield page;
        next = page['@odata.nextLink'];
      }
    },
    async download(path) {
      const url = absolute(path);
      const res = await send('GET', url);
      if (res.status !== 302 || !res.headers.location) return res.body;
      // The download link is pre-authenticated: sending our token there is neither needed nor safe.
      const file = await options.http.send({ method: 'GET', url: res.headers.location });
      if (file.status >= 400) throw classifyResponse(file, res.headers.location);
      return file.body.replace(/^\uFEFF/, '');
    },
    async batch(paths) {
      if (paths.length > BATCH_LIMIT) throw new RangeError(`a $batch holds at most ${BATCH_LIMIT} requests`);
      const results: ({ status: number; body: unknown } | undefined)[] = paths.map(() => undefined);
      let pending = paths.map((_, i) => i);
      for (let attempt = 1; pending.length > 0; attempt++) {
        for (const i of pending) {
          const inner = new URL(absolute(paths[i]!));
          await options.pacer.take(
            costOf(inner.pathname.replace(/^\/(v1\.0|beta)\//, ''), inner.searchParams),
          );
        }
        const requests = pending.map((i) => ({
          id: String(i),
          method: 'GET',
          url: paths[i]!.startsWith('/') ? paths[i] : `/${paths[i]}`,
        }));
        const res = await send('POST', `${base}/$batch`, JSON.stringify({ requests }), {}, false);
        const parsed = parseJson<{
          responses?: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[];
        }>(res, `${base}/$batch`);
        let retryAfter = 0;
        const again: number[] = [];
        for (const r of parsed.responses ?? []) {
          const i = Number(r.id);
          const retryable = r.status === 429 || r.status >= 500;
          if (retryable && attempt < policy.maxAttempts) {
            again.push(i);
            if (r.status === 429) stats.throttled += 1;
            const headers = Object.fromEntries(
              Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
            );
            retryAfter = Math.max(
              retryAfter,
              backoffDelay(
                policy,
                attempt,
                classifyResponse({ status: r.status, headers, body: '' }, paths[i]!).details.retryAfterMs,
              ),
            );
          } else {
            results[i] = { status: r.status, body: r.body };
          }
        }
        const missing = pending.filter((i) => results[i] === undefined && !again.includes(i));
        if (missing.length)
          throw new MicrosoftError('rejected', `$batch answered without ${missing.length} of its requests`);
        pending = again;
        if (pending.length) {
          stats.retries += pending.length;
          await options.sleep(retryAfter);
        }
      }
      return results as { status: number; body: unknown }[];
    },
  };
}

function parseJson<T>(res: HttpResponse, url: string): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new MicrosoftError('rejected', `Graph returned a body that is not JSON at ${stripQuery(url)}`);
  }
}

function asTransient(error: unknown): Error {
  return error instanceof NetworkError ? new MicrosoftError('transient', error.message) : (error as Error);
}
