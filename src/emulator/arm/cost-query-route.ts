import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../contract.ts';
import { armError } from '../server/http.ts';
import {
  armModel,
  armOk,
  checkApiVersion,
  findSubscription,
  noTenant,
  parseJsonBody,
  subscriptionNotFound,
} from './arm-http.ts';
import { type CostScope, runCostQuery } from './cost-query-fns.ts';
import { parseCostQuery } from './cost-query-parse.ts';
import { monthsSpanned } from './cost-timeframe.ts';
import { decodeSkipToken, encodeSkipToken, fingerprint, parseTop } from './paging.ts';

/** `$top` default 1000, max 5000 (azure-cost.md §1.4). */
export const COST_DEFAULT_TOP = 1000;
export const COST_MAX_TOP = 5000;

export interface CostQueryOptions {
  /** enforce the documented limits (≤ 2 groupings, Daily ≤ 31 days …); see cost-query-parse.ts */
  strict?: boolean;
}

/** `POST {scope}/providers/Microsoft.CostManagement/query` for subscription and resource-group scopes. */
export function handleCostQuery(
  req: EmulatorRequest,
  scope: CostScope,
  options: CostQueryOptions,
): EmulatorResponse {
  const versionError = checkApiVersion(req, 'costManagement');
  if (versionError) return versionError;
  const arm = armModel(req);
  if (!arm) return noTenant(req);
  if (!findSubscription(arm, scope.subscriptionId)) return subscriptionNotFound(req, scope.subscriptionId);
  if (scope.resourceGroup !== undefined && !resourceGroupExists(req, scope)) {
    return armError(
      req,
      404,
      'ResourceGroupNotFound',
      `Resource group '${scope.resourceGroup}' could not be found.`,
    );
  }
  const body = parseJsonBody(req.rawBody);
  if (body === undefined) {
    return armError(
      req,
      400,
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized.',
    );
  }
  const asOf = new Date(req.tenant!.model.asOf);
  const parsed = parseCostQuery(body, asOf, options.strict ?? false);
  if (!parsed.ok) return armError(req, parsed.error.status, parsed.error.code, parsed.error.message);

  const top = parseTop(req.url.searchParams.get('$top'));
  if (Number.isNaN(top))
    return armError(req, 400, 'BadRequest', "Invalid query definition: '$top' must be a positive integer.");
  // Above the maximum the page is capped rather than refused [U]; nextLink still reaches every row.
  const pageSize = Math.min(top ?? COST_DEFAULT_TOP, COST_MAX_TOP);
  const print = fingerprint(req.url.pathname.toLowerCase(), body, pageSize);
  const offset = startOffset(req, print);
  if (offset === undefined) {
    return armError(
      req,
      400,
      'BadRequest',
      'The $skiptoken is invalid or does not match the query it was issued for.',
    );
  }

  const result = runCostQuery(arm.dailyCost, scope, parsed.value);
  const rows = result.rows.slice(offset, offset + pageSize);
  const more = offset + pageSize < result.rows.length;
  const nextLink = more
    ? nextLinkFor(req, pageSize, encodeSkipToken({ offset: offset + pageSize, fingerprint: print }))
    : null;
  const name = randomUUID();
  const envelope = {
    // The id has no leading slash in real answers (SPEC SubscriptionQuery.json, §1.3).
    id: `${req.url.pathname.replace(/^\//, '')}/${name}`,
    name,
    type: 'Microsoft.CostManagement/query',
    location: null,
    sku: null,
    eTag: null,
    properties: { nextLink, columns: result.columns, rows },
  };
  // The server core adds the remaining/retry-after family; the consumed QPU is known only here.
  return armOk(req, envelope, rows.length, {
    'x-ms-ratelimit-microsoft.costmanagement-qpu-consumed': String(monthsSpanned(parsed.value)),
  });
}

/** The QPU a query will cost, for the route's `throttle` (one per month of data, azure-cost.md §1.5). */
export function costQueryQpu(req: EmulatorRequest): number {
  const body = parseJsonBody(req.rawBody);
  const asOf = new Date(req.tenant?.model.asOf ?? Date.now());
  const parsed = parseCostQuery(body, asOf, false);
  return parsed.ok ? monthsSpanned(parsed.value) : 1;
}

/** Answer for a GET on the query action: it is POST-only [U: text is ASP.NET's, as ARM RPs send it]. */
export function costQueryWrongMethod(req: EmulatorRequest): EmulatorResponse {
  const versionError = checkApiVersion(req, 'costManagement');
  if (versionError) return versionError;
  return armError(
    req,
    405,
    'MethodNotAllowed',
    `The requested resource does not support http method '${req.method}'.`,
    {
      allow: 'POST',
    },
  );
}

function startOffset(req: EmulatorRequest, print: string): number | undefined {
  const raw = req.url.searchParams.get('$skiptoken') ?? req.url.searchParams.get('$skipToken');
  if (raw === null) return 0;
  const token = decodeSkipToken(raw);
  return token && token.fingerprint === print ? token.offset : undefined;
}

function nextLinkFor(req: EmulatorRequest, top: number, token: string): string {
  const next = new URL(req.url.href);
  next.searchParams.delete('$skiptoken');
  next.searchParams.delete('$skipToken');
  next.searchParams.set('$top', String(top));
  next.searchParams.set('$skiptoken', token);
  return next.href;
}

function resourceGroupExists(req: EmulatorRequest, scope: CostScope): boolean {
  const arm = armModel(req)!;
  const sub = scope.subscriptionId.toLowerCase();
  const rg = scope.resourceGroup!.toLowerCase();
  const hit = (s: unknown, g: unknown) => String(s).toLowerCase() === sub && String(g).toLowerCase() === rg;
  return (
    arm.resources.some((r) => hit(r.subscriptionId, r.resourceGroup)) ||
    arm.dailyCost.some((r) => hit(r.subscriptionId, r.resourceGroup))
  );
}
