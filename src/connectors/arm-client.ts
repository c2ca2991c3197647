import { randomUUID } from 'node:crypto';
import { armReadCost, costQueryCost, createArmPacer, queryQpu, resourceGraphCost } from './arm-budget.ts';
import { armFailure, type CostRow, hms, rowsToObjects } from './arm-responses.ts';
import type { Pacer, RequestCost } from './graph-budget.ts';
import type { HttpClient, HttpResponse } from './http.ts';
import { NetworkError, stripQuery } from './http.ts';
import { MicrosoftError } from './microsoft-error.ts';
import { backoffDelay, defaultRetryPolicy, type RetryPolicy, type Sleep } from './retry.ts';
import type { TokenProvider } from './token-provider.ts';

export { type CostRow, rowsToObjects } from './arm-responses.ts';

/**
 * api-versions we send, one per API family: each is a stable version the reference names
 * (azure-cost.md §1.1, §3, §4.1–4.3) and the emulator accepts.
 */
export const ARM_API_VERSIONS = {
  subscriptions: '2022-12-01',
  costManagement: '2024-08-01',
  resourceGraph: '2024-04-01',
  advisor: '2023-01-01',
  consumption: '2023-05-01',
  metrics: '2023-10-01',
} as const;

/** Cost Management `$top` maximum (§1.4): few, large pages, since every page costs QPU again. */
export const COST_PAGE_SIZE = 5000;
/** Resource Graph's maximum page (work-with-data.md, §3). */
export const ARG_PAGE_SIZE = 1000;
/** Resource Graph wants fewer than 300 subscriptions per request (guidance-for-throttled-requests, §3). */
export const ARG_SUBSCRIPTIONS_PER_QUERY = 200;

/** A Cost Management QueryDefinition (§1.2). */
export interface CostQueryDefinition {
  type: 'ActualCost' | 'AmortizedCost' | 'Usage';
  timeframe: string;
  timePeriod?: { from: string; to: string };
  dataset: {
    granularity: 'None' | 'Daily' | 'Monthly';
    aggregation: Record<string, { name: string; function: 'Sum' }>;
    grouping?: { type: 'Dimension' | 'TagKey'; name: string }[];
    filter?: unknown;
  };
}

export interface ArmClientStats {
  requests: number;
  throttled: number;
  retries: number;
  /** sum of `x-ms-ratelimit-microsoft.costmanagement-qpu-consumed` Microsoft reported */
  qpuConsumed: number;
}

export interface ArmClient {
  readonly stats: ArmClientStats;
  /** A GET; a relative path starts with `/` and carries its `api-version`. */
  get<T>(pathOrUrl: string): Promise<T>;
  /** Every page of an ARM list `{ value, nextLink }`, following `nextLink` verbatim. */
  list<T>(pathOrUrl: string): AsyncGenerator<T[]>;
  /** A Cost Management query on a scope (`/subscriptions/{id}`…); each `nextLink` is POSTed with the same body. */
  costQuery(scope: string, query: CostQueryDefinition): AsyncGenerator<CostRow[]>;
  /** A Resource Graph query over subscriptions, paged with `$skipToken`; objectArray rows. */
  resourceGraph(query: string, subscriptionIds: string[]): AsyncGenerator<Record<string, unknown>[]>;
}

export interface ArmClientOptions {
  /** `https://management.azure.com` or a national cloud's, or the emulator's */
  armUrl: string;
  /** the token scope, e.g. `https://management.azure.com/.default` (Endpoints.armScope) */
  scope: string;
  tokens: TokenProvider;
  http: HttpClient;
  sleep: Sleep;
  retry?: RetryPolicy;
  /** default: a pacer under ARM's and Cost Management's limits (arm-budget.ts) */
  pacer?: Pacer;
  now?: () => number;
}

export function createArmClient(options: ArmClientOptions): ArmClient {
  const base = options.armUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const policy = options.retry ?? defaultRetryPolicy;
  const pacer =
    options.pacer ?? createArmPacer({ sleep: options.sleep, ...(options.now ? { now: options.now } : {}) });
  const stats: ArmClientStats = { requests: 0, throttled: 0, retries: 0, qpuConsumed: 0 };

  const absolute = (pathOrUrl: string): string => {
    if (!/^https?:/i.test(pathOrUrl)) {
      if (!pathOrUrl.startsWith('/')) throw new RangeError(`ARM paths start with '/': ${pathOrUrl}`);
      return `${base}${pathOrUrl}`;
    }
    // A nextLink elsewhere would carry our bearer token to a host we did not configure.
    if (new URL(pathOrUrl).origin !== origin)
      throw new MicrosoftError('rejected', `ARM returned a link to another host: ${stripQuery(pathOrUrl)}`);
    return pathOrUrl;
  };

  /** One logical request: paced, authenticated, retried on throttling and transient failures. */
  async function send(method: 'GET' | 'POST', url: string, cost: RequestCost, body?: string) {
    if (!new URL(url).searchParams.has('api-version'))
      throw new RangeError(`ARM requests need an api-version: ${stripQuery(url)}`);
    let freshToken = false;
    for (let attempt = 1; ; attempt++) {
      await pacer.take(cost);
      const token = await options.tokens.getToken(options.scope, { fresh: freshToken });
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'x-ms-client-request-id': randomUUID(),
        'user-agent': 'Tenantscope (read-only reporting)',
      };
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
      observe(res);
      if (res.status < 400) return res;
      const failure = armFailure(res, url, options.now?.());
      if (failure.kind === 'throttled') stats.throttled += 1;
      if (res.status === 401 && !freshToken) {
        freshToken = true; // an expired token is renewed once; a second 401 means consent is gone
        continue;
      }
      if (!failure.retryable || attempt >= policy.maxAttempts) throw failure;
      stats.retries += 1;
      const delay = backoffDelay(policy, attempt, failure.details.retryAfterMs);
      if (failure.kind === 'throttled') for (const [key] of cost.takes) pacer.hold(key, delay);
      await options.sleep(delay);
    }
  }

  /** Telemetry headers: QPU consumed, and Resource Graph's remaining user quota (§1.5, §3). */
  function observe(res: HttpResponse) {
    const qpu = Number(res.headers['x-ms-ratelimit-microsoft.costmanagement-qpu-consumed']);
    if (res.status < 400 && Number.isFinite(qpu)) stats.qpuConsumed += qpu;
    if (res.headers['x-ms-user-quota-remaining'] === '0') {
      const resets = hms(res.headers['x-ms-user-quota-resets-after']);
      if (resets !== undefined) pacer.hold('resourceGraph', resets);
    }
  }

  async function get<T>(pathOrUrl: string): Promise<T> {
    const url = absolute(pathOrUrl);
    return parseJson<T>(await send('GET', url, armReadCost(new URL(url).pathname)), url);
  }

  return {
    stats,
    get,
    async *list<T>(pathOrUrl: string) {
      let next: string | undefined = pathOrUrl;
      while (next) {
        const page: { value?: T[]; nextLink?: string | null } = await get(next);
        if (!Array.isArray(page.value))
          throw new MicrosoftError(
            'rejected',
            `ARM returned a list without a value array at ${stripQuery(next)}`,
          );
        yield page.value;
        const following: string | undefined = page.nextLink ?? undefined;
        if (following === next) throw loop(next);
        next = following;
      }
    },
    async *costQuery(scope, query) {
      const body = JSON.stringify(query);
      const cost = costQueryCost(scope, queryQpu(query));
      let url: string | undefined = absolute(
        `${scope}/providers/Microsoft.CostManagement/query?api-version=${ARM_API_VERSIONS.costManagement}&$top=${COST_PAGE_SIZE}`,
      );
      while (url) {
        const res = await send('POST', url, cost, body);
        if (res.status === 204) return; // "204 (no content)" is a documented answer (§1.1)
        const page: { properties?: QueryProperties } = parseJson(res, url);
        const props: QueryProperties | undefined = page.properties;
        if (!props || !Array.isArray(props.columns) || !Array.isArray(props.rows))
          throw new MicrosoftError(
            'rejected',
            `Cost Management returned no columns or rows at ${stripQuery(url)}`,
          );
        yield rowsToObjects(props.columns, props.rows, url);
        const next: string | undefined = props.nextLink ? absolute(props.nextLink) : undefined;
        if (next === url) throw loop(url);
        url = next;
      }
    },
    async *resourceGraph(query, subscriptionIds) {
      const url = absolute(
        `/providers/Microsoft.ResourceGraph/resources?api-version=${ARM_API_VERSIONS.resourceGraph}`,
      );
      for (let i = 0; i < subscriptionIds.length; i += ARG_SUBSCRIPTIONS_PER_QUERY) {
        const subscriptions = subscriptionIds.slice(i, i + ARG_SUBSCRIPTIONS_PER_QUERY);
        let skipToken: string | undefined;
        do {
          const options = {
            $top: ARG_PAGE_SIZE,
            resultFormat: 'objectArray',
            ...(skipToken ? { $skipToken: skipToken } : {}),
          };
          const res = await send(
            'POST',
            url,
            resourceGraphCost,
            JSON.stringify({ subscriptions, query, options }),
          );
          const page = parseJson<ArgPage>(res, url);
          if (!Array.isArray(page.data))
            throw new MicrosoftError('rejected', 'Resource Graph returned no objectArray data');
          // Rows left out without a token to reach them: a partial inventory is never passed on as whole.
          if (page.resultTruncated === 'true' && !page.$skipToken)
            throw new MicrosoftError(
              'rejected',
              'Resource Graph truncated the result and gave no $skipToken',
            );
          yield page.data;
          if (page.$skipToken && page.$skipToken === skipToken) throw loop(url);
          skipToken = page.$skipToken;
        } while (skipToken);
      }
    },
  };
}

interface QueryProperties {
  nextLink?: string | null;
  columns?: { name: string; type?: string }[];
  rows?: unknown[][];
}

interface ArgPage {
  data?: Record<string, unknown>[];
  $skipToken?: string;
  resultTruncated?: string;
}

function parseJson<T>(res: HttpResponse, url: string): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new MicrosoftError('rejected', `ARM returned a body that is not JSON at ${stripQuery(url)}`);
  }
}

const loop = (url: string) =>
  new MicrosoftError('rejected', `ARM returned the same continuation again at ${stripQuery(url)}`);

function asTransient(error: unknown): Error {
  return error instanceof NetworkError ? new MicrosoftError('transient', error.message) : (error as Error);
}
