import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, Route } from '../contract.ts';
import { graphError, json, OBJECT_COUNT_HEADER } from '../server/http.ts';

/**
 * JSON batching (json-batching.md, ms.date 2025-02-21): at most 20 requests, ids unique
 * (case-insensitive), relative URLs, `dependsOn` sequencing with 424 Failed Dependency for
 * dependants of a failed request, each inner request authorised and throttled on its own (inner
 * 429 carries Retry-After in its headers) and the outer status 200 whenever the payload parsed.
 */
export const BATCH_LIMIT = 20;

export type Dispatch = (req: EmulatorRequest) => Promise<EmulatorResponse>;

interface InnerRequest {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

interface InnerResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** `POST /{version}/$batch`; the server core passes its own dispatch (auth, roles, throttle, faults). */
export function graphBatchRoute(dispatch: Dispatch, version: 'v1.0' | 'beta' = 'v1.0'): Route {
  return {
    method: 'POST',
    path: `/${version}/$batch`,
    auth: 'graph',
    handler: (req) => handleBatch(req, dispatch, version),
  };
}

export function graphBatchRoutes(dispatch: Dispatch): Route[] {
  return [graphBatchRoute(dispatch, 'v1.0'), graphBatchRoute(dispatch, 'beta')];
}

export async function handleBatch(
  req: EmulatorRequest,
  dispatch: Dispatch,
  version: string,
): Promise<EmulatorResponse> {
  const parsed = parseBatch(req.rawBody);
  if (typeof parsed === 'string') return graphError(req, 400, 'BadRequest', parsed);
  const results = new Map<string, InnerResponse>();
  const pending = [...parsed];
  while (pending.length > 0) {
    // Run every request whose dependencies are settled, together, then the next wave.
    const ready = pending.filter((r) => (r.dependsOn ?? []).every((d) => results.has(d.toLowerCase())));
    if (ready.length === 0)
      return graphError(req, 400, 'BadRequest', 'Batch requests have circular dependsOn.');
    for (const r of ready) pending.splice(pending.indexOf(r), 1);
    const answers = await Promise.all(ready.map((r) => runOne(req, r, results, dispatch, version)));
    for (const a of answers) results.set(a.id.toLowerCase(), a);
  }
  const responses = [...results.values()];
  const objects = responses.reduce((n, r) => n + Number(r.headers[OBJECT_COUNT_HEADER] ?? 0), 0);
  for (const r of responses) delete r.headers[OBJECT_COUNT_HEADER];
  return json(200, { responses }, { [OBJECT_COUNT_HEADER]: String(objects) });
}

async function runOne(
  outer: EmulatorRequest,
  inner: InnerRequest,
  results: Map<string, InnerResponse>,
  dispatch: Dispatch,
  version: string,
): Promise<InnerResponse> {
  const failed = (inner.dependsOn ?? []).some((d) => (results.get(d.toLowerCase())?.status ?? 0) >= 400);
  if (failed) {
    const body = {
      error: {
        code: 'FailedDependency',
        message: 'Dependent request failed',
        innerError: { date: new Date().toISOString().slice(0, 19) },
      },
    };
    return { id: inner.id, status: 424, headers: { 'Content-Type': 'application/json' }, body };
  }
  try {
    const answer = await dispatch(innerRequest(outer, inner, version));
    return {
      id: inner.id,
      status: answer.status,
      headers: { ...(answer.headers ?? {}) },
      body: innerBody(answer.body),
    };
  } catch {
    const body = graphError(
      outer,
      500,
      'InternalServerError',
      'The service encountered an internal error.',
    ).body;
    return { id: inner.id, status: 500, headers: { 'Content-Type': 'application/json' }, body };
  }
}

/** Buffers are base64 in a batch response (json-batching.md: non-JSON bodies are base64-encoded). */
function innerBody(body: unknown): unknown {
  return Buffer.isBuffer(body) ? body.toString('base64') : body;
}

/** The inner request as the routes see it: same origin, same bearer token, its own headers. */
function innerRequest(outer: EmulatorRequest, inner: InnerRequest, version: string): EmulatorRequest {
  const relative = inner.url.startsWith('/') ? inner.url : `/${inner.url}`;
  const headers: Record<string, string | undefined> = {
    authorization: outer.headers.authorization,
    'client-request-id': outer.headers['client-request-id'],
  };
  for (const [k, v] of Object.entries(inner.headers ?? {})) headers[k.toLowerCase()] = v;
  return {
    method: inner.method.toUpperCase(),
    url: new URL(`/${version}${relative}`, outer.url.origin),
    headers,
    rawBody:
      inner.body === undefined
        ? ''
        : typeof inner.body === 'string'
          ? inner.body
          : JSON.stringify(inner.body),
    params: {},
    token: outer.token,
    tenant: outer.tenant,
    requestId: randomUUID(),
  };
}

/** Validates the payload; a string is the 400 message (texts for limits are [unverified]). */
export function parseBatch(raw: string): InnerRequest[] | string {
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    return 'Invalid batch payload format.';
  }
  const requests = (payload as { requests?: unknown })?.requests;
  if (!Array.isArray(requests)) return 'Invalid batch payload format.';
  if (requests.length > BATCH_LIMIT) {
    return `The number of batch requests (${requests.length}) exceeds the maximum allowed limit of ${BATCH_LIMIT}.`;
  }
  const ids = new Set<string>();
  for (const r of requests as InnerRequest[]) {
    if (!r || typeof r.id !== 'string' || typeof r.method !== 'string' || typeof r.url !== 'string') {
      return 'Invalid batch payload format: each request needs id, method and url.';
    }
    if (/^https?:/i.test(r.url)) return `The request URL '${r.url}' must be relative.`;
    if (ids.has(r.id.toLowerCase())) return `Batch request contains duplicate request id '${r.id}'.`;
    ids.add(r.id.toLowerCase());
    if (
      r.body !== undefined &&
      !Object.keys(r.headers ?? {}).some((k) => k.toLowerCase() === 'content-type')
    ) {
      return `Request '${r.id}': a body requires a Content-Type header.`;
    }
  }
  for (const r of requests as InnerRequest[]) {
    for (const d of r.dependsOn ?? []) {
      if (!ids.has(String(d).toLowerCase())) return `Request '${r.id}' depends on unknown request '${d}'.`;
    }
  }
  return requests as InnerRequest[];
}
