import type { EmulatorRequest, EmulatorResponse } from '../contract.ts';
import { graphError, premiumLicenceError } from '../server/http.ts';

/**
 * Graph error responses the protocol layer produces, shaped as in
 * ../shared/reference/graph/examples/error.*.json. Handlers return these; they never throw to the
 * server core, so no stack trace can leak.
 */
type Req = Pick<EmulatorRequest, 'requestId' | 'headers'>;

/** A query problem found while parsing; handlers turn it into a response with `toResponse`. */
export class GraphQueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  toResponse(req: Req): EmulatorResponse {
    return graphError(req, this.status, this.code, this.message, this.headers);
  }
}

/** `$select`/`$filter` naming a property the type lacks (Graph: Request_BadRequest). */
export function unknownProperty(name: string, type: string): GraphQueryError {
  return new GraphQueryError(
    400,
    'Request_BadRequest',
    `Could not find a property named '${name}' on type 'microsoft.graph.${type}'.`,
  );
}

/** Advanced query without `ConsistencyLevel: eventual` + `$count=true` (examples/error.400.unsupported-query.json). */
export function advancedQueryRequired(operator: string): GraphQueryError {
  return new GraphQueryError(
    400,
    'Request_UnsupportedQuery',
    `Operator '${operator}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
  );
}

/** A filter clause on a property that is not indexed for filtering (aad-advanced-queries.md). */
export function unsupportedFilter(property: string, resource: string): GraphQueryError {
  return new GraphQueryError(
    400,
    'Request_UnsupportedQuery',
    `Unsupported or invalid query filter clause specified for property '${property}' of resource '${resource}'.`,
  );
}

export function unsupportedQuery(message: string): GraphQueryError {
  return new GraphQueryError(400, 'Request_UnsupportedQuery', message);
}

export function badRequest(message: string, code = 'Request_BadRequest'): GraphQueryError {
  return new GraphQueryError(400, code, message);
}

/** Unknown id in a directory path (Graph: 404 Request_ResourceNotFound). */
export function notFound(req: Req, id: string): EmulatorResponse {
  return graphError(
    req,
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** Unknown path segment (Graph: 400 BadRequest "Resource not found for the segment 'x'."). */
export function unknownSegment(req: Req, segment: string): EmulatorResponse {
  return graphError(req, 400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

/** signIns / `$select=signInActivity` without Entra ID P1 (examples/error.403.no-premium-license.json). */
export function premiumLicenceRequired(req: Req): EmulatorResponse {
  return premiumLicenceError(req);
}

/** PIM schedules without P2 / Governance (examples/error.400.pim-license.json). */
export function pimLicenceRequired(req: Req): EmulatorResponse {
  return graphError(
    req,
    400,
    'AadPremiumLicenseRequired',
    'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
  );
}

/** Missing application permission (examples/error.403.missing-permission.json). */
export function accessDenied(req: Req): EmulatorResponse {
  return graphError(
    req,
    403,
    'Authorization_RequestDenied',
    'Insufficient privileges to complete the operation.',
  );
}
