import type { EmulatorRequest, EmulatorResponse, TenantModel } from '../contract.ts';
import { armError, jsonObjects } from '../server/http.ts';

/**
 * api-versions each ARM API family accepts. Real ARM lists far more; these are the versions the
 * reference names (azure-cost.md §1.1, §3, §4.1–4.3) plus the subscriptions API's current ones.
 */
export const API_VERSIONS = {
  subscriptions: ['2022-12-01', '2021-01-01', '2020-01-01', '2019-11-01', '2016-06-01'],
  costManagement: [
    '2025-03-01',
    '2024-08-01',
    '2023-11-01',
    '2023-03-01',
    '2022-10-01',
    '2021-10-01',
    '2019-11-01',
  ],
  // @azure/arm-resourcegraph 4.x sends 2021-03-01, 5.x sends 2024-04-01 (azure-cost.md §3)
  resourceGraph: ['2024-04-01', '2022-10-01', '2021-03-01'],
  advisor: ['2025-01-01', '2023-01-01', '2022-10-01', '2020-01-01', '2017-04-19'],
  consumption: ['2024-08-01', '2023-11-01', '2023-05-01', '2023-03-01', '2021-10-01', '2019-10-01'],
  metrics: ['2024-02-01', '2023-10-01', '2021-05-01', '2019-07-01', '2018-01-01'],
} as const;

export type ApiFamily = keyof typeof API_VERSIONS;

/**
 * ARM rejects a request without `api-version` before any resource provider sees it. The texts are
 * ARM's own (observed in SDK error fixtures: "The api-version query parameter (?api-version=) is
 * required for all requests." and "The api-version 'x' is invalid. The supported versions are '…'.").
 */
export function checkApiVersion(req: EmulatorRequest, family: ApiFamily): EmulatorResponse | undefined {
  const version = req.url.searchParams.get('api-version');
  if (!version) {
    return armError(
      req,
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  const supported: readonly string[] = API_VERSIONS[family];
  if (!supported.includes(version)) {
    return armError(
      req,
      400,
      'InvalidApiVersionParameter',
      `The api-version '${version}' is invalid. The supported versions are '${supported.join(',')}'.`,
    );
  }
  return undefined;
}

/** Headers ARM puts on every answer; `x-ms-correlation-request-id` echoes the request id here. */
export function armHeaders(req: Pick<EmulatorRequest, 'requestId'>): Record<string, string> {
  return { 'x-ms-request-id': req.requestId, 'x-ms-correlation-request-id': req.requestId };
}

export function armOk(
  req: Pick<EmulatorRequest, 'requestId'>,
  body: unknown,
  objectCount: number,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return jsonObjects(200, body, objectCount, { ...armHeaders(req), ...headers });
}

/** The model of the tenant the token addresses; the server core sets `req.tenant` for `auth: 'arm'`. */
export function armModel(req: EmulatorRequest): TenantModel['arm'] | undefined {
  return req.tenant?.model.arm;
}

export function noTenant(req: EmulatorRequest): EmulatorResponse {
  return armError(req, 401, 'InvalidAuthenticationToken', 'The access token is invalid.');
}

/** ARM's answer for a subscription the caller cannot see (same text as real ARM). */
export function subscriptionNotFound(req: EmulatorRequest, subscriptionId: string): EmulatorResponse {
  return armError(
    req,
    404,
    'SubscriptionNotFound',
    `The subscription '${subscriptionId}' could not be found.`,
  );
}

export function findSubscription(arm: TenantModel['arm'], subscriptionId: string) {
  const wanted = subscriptionId.toLowerCase();
  return arm.subscriptions.find(
    (s) => String(s.subscriptionId ?? s.id.split('/').pop()).toLowerCase() === wanted,
  );
}

/** ARM ids and names compare case-insensitively everywhere. */
export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Parses a JSON body; `undefined` when it is not JSON. */
export function parseJsonBody(raw: string): unknown {
  if (!raw.trim()) return {};
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
