import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../contract.ts';

/**
 * Response helpers every protocol module uses, so error envelopes are shaped one way.
 * Shapes follow ../shared/reference/graph/examples/error.*.json and graph-protocol.md §3.3.
 */

/** Header a route sets to tell the server core how many objects it returned (drives the latency model). */
export const OBJECT_COUNT_HEADER = 'x-emulator-object-count';

/** A JSON response (`application/json; charset=utf-8` is what Graph and ARM send). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body };
}

/** A JSON response that also reports how many objects it carries, for the latency model. */
export function jsonObjects(
  status: number,
  body: unknown,
  objectCount: number,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return json(status, body, { ...headers, [OBJECT_COUNT_HEADER]: String(objectCount) });
}

export function text(
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
  headers: Record<string, string> = {},
): EmulatorResponse {
  return { status, headers: { 'content-type': contentType, ...headers }, body };
}

export function html(status: number, body: string, headers: Record<string, string> = {}): EmulatorResponse {
  return text(status, body, 'text/html; charset=utf-8', headers);
}

/** CSV as the usage-report download serves it (graph-protocol.md §8: reports are a 302 to a CSV). */
export function csv(status: number, body: string, headers: Record<string, string> = {}): EmulatorResponse {
  return text(status, body, 'application/octet-stream', headers);
}

export function redirect(
  location: string,
  status = 302,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return { status, headers: { location, ...headers } };
}

/** Graph's `innerError.date` has no fraction and no zone, e.g. `2025-05-13T02:01:02`. */
export function graphDate(d: Date = new Date()): string {
  return d.toISOString().slice(0, 19);
}

/** The Graph error envelope with `innerError { date, request-id, client-request-id }`. */
export function graphErrorBody(
  req: Pick<EmulatorRequest, 'requestId' | 'headers'>,
  code: string,
  message: string,
  now: Date = new Date(),
): { error: { code: string; message: string; innerError: Record<string, string> } } {
  return {
    error: {
      code,
      message,
      innerError: {
        date: graphDate(now),
        'request-id': req.requestId,
        'client-request-id': req.headers['client-request-id'] ?? req.requestId,
      },
    },
  };
}

export function graphError(
  req: Pick<EmulatorRequest, 'requestId' | 'headers'>,
  status: number,
  code: string,
  message: string,
  extraHeaders: Record<string, string> = {},
): EmulatorResponse {
  return json(status, graphErrorBody(req, code, message), extraHeaders);
}

/** ARM's error envelope is `{ error: { code, message } }` (azure-cost.md; ARM common error shape). */
export function armError(
  req: Pick<EmulatorRequest, 'requestId'>,
  status: number,
  code: string,
  message: string,
  extraHeaders: Record<string, string> = {},
): EmulatorResponse {
  return json(status, { error: { code, message } }, { 'x-ms-request-id': req.requestId, ...extraHeaders });
}

/** A GUID for request ids and the like. */
export function newRequestId(): string {
  return randomUUID();
}

/**
 * The licence error for premium-only Graph data a route detects itself (e.g. `$select=signInActivity`
 * on `/users`, which has no static `licence` gate): graph-protocol.md §7, error.403.no-premium-license.json.
 */
export function premiumLicenceError(req: Pick<EmulatorRequest, 'requestId' | 'headers'>): EmulatorResponse {
  return graphError(
    req,
    403,
    'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
    "Neither tenant is B2C or tenant doesn't have premium license",
  );
}
