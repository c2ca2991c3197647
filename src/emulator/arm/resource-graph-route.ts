import type { EmulatorRequest, EmulatorResponse } from '../contract.ts';
import { json } from '../server/http.ts';
import type { ArgQuota } from './arg-quota.ts';
import { armHeaders, armModel, armOk, checkApiVersion, noTenant, parseJsonBody } from './arm-http.ts';
import { evaluateKql, type KqlResult, type Row } from './kql-eval.ts';
import { parseKql } from './kql-parse.ts';
import { KqlError } from './kql-types.ts';
import { decodeSkipToken, encodeSkipToken, fingerprint } from './paging.ts';
import { argTable } from './resource-graph-tables.ts';

/** Default and maximum page: 1,000 records (work-with-data.md, current text; the reference's "100" is older). */
export const ARG_MAX_TOP = 1000;

interface ArgRequestBody {
  query: string;
  subscriptions?: string[];
  options: { top?: number; skip: number; skipToken?: string; format: 'objectArray' | 'table' };
}

/** `POST /providers/Microsoft.ResourceGraph/resources` (azure-cost.md §3). */
export function handleResourceGraph(req: EmulatorRequest, quota: ArgQuota): EmulatorResponse {
  const versionError = checkApiVersion(req, 'resourceGraph');
  if (versionError) return versionError;
  const arm = armModel(req);
  if (!arm) return noTenant(req);
  const principal = `${req.tenant!.model.tenantId}/${req.token?.oid ?? req.token?.appid ?? 'anonymous'}`;
  const decision = quota.take(principal);
  if (!decision.allowed) return rateLimited(req, decision.headers);

  const body = readBody(req);
  if ('error' in body) return argError(req, body.error, decision.headers);
  const known = new Set(
    arm.subscriptions.map((s) => String(s.subscriptionId ?? s.id.split('/').pop()).toLowerCase()),
  );
  const scope = body.subscriptions
    ? body.subscriptions.map((s) => s.toLowerCase()).filter((s) => known.has(s))
    : [...known];
  if (scope.length === 0) {
    return argError(
      req,
      new KqlError(
        'NoValidSubscriptionsInQueryRequest',
        'There are no valid subscriptions in the query request.',
      ),
      decision.headers,
    );
  }
  let result: KqlResult;
  try {
    const query = parseKql(body.query);
    const table = argTable(arm, req.tenant!.model.tenantId, query.table);
    if (!table)
      throw new KqlError(
        'FailedToResolveTableExpression',
        `Failed to resolve table expression named '${query.table}'`,
      );
    const rows = table.rows.filter((r) => scope.includes(String(r.subscriptionId ?? '').toLowerCase()));
    result = evaluateKql(query, rows, table.columns);
  } catch (error) {
    if (error instanceof KqlError) return argError(req, error, decision.headers);
    throw error;
  }
  return page(req, body, scope, result, decision.headers);
}

function page(
  req: EmulatorRequest,
  body: ArgRequestBody,
  scope: string[],
  result: KqlResult,
  headers: Record<string, string>,
): EmulatorResponse {
  const print = fingerprint(body.query, [...scope].sort());
  let offset = body.options.skip;
  if (body.options.skipToken !== undefined) {
    const token = decodeSkipToken(body.options.skipToken);
    if (!token || token.fingerprint !== print) {
      return argError(
        req,
        new KqlError('InvalidSkipToken', 'The $skipToken is invalid or was issued for another query.'),
        headers,
      );
    }
    offset = token.offset;
  }
  // `limit` caps the result itself; `$top` caps a page (the more restrictive one wins).
  const top = Math.min(body.options.top ?? ARG_MAX_TOP, ARG_MAX_TOP);
  const data = result.rows.slice(offset, offset + top);
  const more = offset + top < result.rows.length;
  // No $skipToken after `limit`/`take` or without an `id` column (paging-results doc; §7 checklist).
  const pageable = !result.limited && result.columns.includes('id');
  const response: Record<string, unknown> = {
    totalRecords: result.rows.length,
    count: data.length,
    data: body.options.format === 'table' ? asTable(result.columns, data) : data,
    facets: [],
    resultTruncated: more && !pageable ? 'true' : 'false',
  };
  if (more && pageable) response.$skipToken = encodeSkipToken({ offset: offset + top, fingerprint: print });
  return armOk(req, response, data.length, headers);
}

function readBody(req: EmulatorRequest): ArgRequestBody | { error: KqlError } {
  const raw = parseJsonBody(req.rawBody);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      error: new KqlError(
        'InvalidRequestContent',
        'The request content was invalid and could not be deserialized.',
      ),
    };
  }
  const b = raw as Record<string, unknown>;
  if (typeof b.query !== 'string' || !b.query.trim())
    return { error: new KqlError('InvalidQuery', 'The query is missing or empty.') };
  if (
    b.subscriptions !== undefined &&
    (!Array.isArray(b.subscriptions) || !b.subscriptions.every((s) => typeof s === 'string'))
  ) {
    return {
      error: new KqlError('InvalidRequestContent', "'subscriptions' must be an array of subscription ids."),
    };
  }
  const o = (typeof b.options === 'object' && b.options !== null ? b.options : {}) as Record<string, unknown>;
  const top = o.$top ?? o.top;
  const skip = o.$skip ?? o.skip ?? 0;
  if ((top !== undefined && !isCount(top, 1)) || !isCount(skip, 0)) {
    return {
      error: new KqlError(
        'InvalidRequestContent',
        "'$top' must be a positive integer and '$skip' a non-negative integer.",
      ),
    };
  }
  const skipToken = o.$skipToken ?? o.skipToken;
  const format = String(o.resultFormat ?? 'objectArray').toLowerCase() === 'table' ? 'table' : 'objectArray';
  const body: ArgRequestBody = { query: b.query, options: { skip: skip as number, format } };
  if (top !== undefined) body.options.top = top as number;
  if (typeof skipToken === 'string') body.options.skipToken = skipToken;
  if (b.subscriptions) body.subscriptions = b.subscriptions as string[];
  return body;
}

function isCount(value: unknown, min: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

function asTable(columns: string[], rows: Row[]) {
  const type = (name: string) => {
    const v = rows.find((r) => r[name] !== null && r[name] !== undefined)?.[name];
    if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'real';
    if (typeof v === 'boolean') return 'boolean';
    return typeof v === 'object' ? 'object' : 'string';
  };
  return {
    columns: columns.map((name) => ({ name, type: type(name) })),
    rows: rows.map((r) => columns.map((c) => r[c] ?? null)),
  };
}

/** ARG's 400: a generic top message, the real reason in `details` (observed in Az PowerShell tests). */
export function argErrorBody(req: EmulatorRequest, error: KqlError, now = new Date()) {
  const detail: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.position !== undefined) {
    detail.line = 1;
    detail.characterPositionInLine = error.position;
  }
  return {
    error: {
      code: 'BadRequest',
      message: `Please provide below info when asking for support: timestamp = ${now.toISOString()}, correlationId = ${req.requestId}.`,
      details: [
        {
          code: 'InvalidQuery',
          message:
            'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.',
        },
        detail,
      ],
    },
  };
}

function argError(req: EmulatorRequest, error: KqlError, headers: Record<string, string>): EmulatorResponse {
  return json(400, argErrorBody(req, error), { ...armHeaders(req), ...headers });
}

/** ARG's 429 body (observed in a production capture quoted in Azure SDK code). */
function rateLimited(req: EmulatorRequest, headers: Record<string, string>): EmulatorResponse {
  const body = {
    error: {
      code: 'RateLimiting',
      message: `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${req.requestId}.`,
      details: [
        {
          code: 'RateLimiting',
          message:
            'Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.',
        },
      ],
    },
  };
  const seconds =
    headers['x-ms-user-quota-resets-after']?.split(':').reduce((acc, p) => acc * 60 + Number(p), 0) ?? 5;
  return json(429, body, { ...armHeaders(req), ...headers, 'retry-after': String(Math.max(1, seconds)) });
}
