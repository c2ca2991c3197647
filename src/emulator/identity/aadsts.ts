import { randomUUID } from 'node:crypto';
import type { EmulatorResponse } from '../contract.ts';
import { json } from '../server/http.ts';

/**
 * AADSTS error bodies as the token endpoint sends them (graph-protocol.md §1.2; examples
 * token.error.*.json): `error`, `error_description` ending with Trace ID / Correlation ID /
 * Timestamp, `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri`.
 */
export interface AadError {
  status: number;
  error: string;
  code: number;
  description: string;
}

/** `YYYY-MM-DD HH:MM:SSZ`, the format of `timestamp` in AADSTS bodies. */
function stamp(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export function aadErrorBody(e: AadError, correlationId: string, now: Date): Record<string, unknown> {
  const traceId = randomUUID();
  const timestamp = stamp(now);
  return {
    error: e.error,
    error_description: `AADSTS${e.code}: ${e.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [e.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${e.code}`,
  };
}

export function aadError(e: AadError, correlationId: string, now: Date): EmulatorResponse {
  return json(e.status, aadErrorBody(e, correlationId, now), {
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
  });
}

/**
 * The catalogue (texts from ED reference-error-codes.md as quoted in §1.2). `invalid_client`
 * answers 401, which is what the service sends in practice ([unverified], token.error.invalid_client.json).
 */
export const AADSTS = {
  tenantNotFound: (tenant: string): AadError => ({
    status: 400,
    error: 'invalid_request',
    code: 90002,
    description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  unknownClient: (clientId: string, tenantName: string): AadError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    description: `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  badSecret: (clientId: string): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  expiredSecret: (clientId: string): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000222,
    description: `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
  }),
  noCredential: (): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    description:
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  badAssertion: (reason: string): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    description: `Client assertion contains an invalid signature. [Reason - ${reason}]`,
  }),
  assertionTime: (): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 700024,
    description: 'Client assertion is not within its valid time range.',
  }),
  assertionIssuer: (): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 700021,
    description: "Client assertion application identifier doesn't match 'client_id' parameter.",
  }),
  /** [unverified] code for a malformed assertion or one whose `aud` is not this token endpoint */
  assertionMalformed: (why: string): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 50027,
    description: `JWT token is invalid or malformed. ${why}`,
  }),
  badScope: (scope: string): AadError => ({
    status: 400,
    error: 'invalid_scope',
    code: 70011,
    description: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  }),
  multipleResources: (): AadError => ({
    status: 400,
    error: 'invalid_scope',
    code: 700022,
    description:
      "The provided value for the input parameter scope is not valid because it contains more than one resource. Scope can't be combined with resource-specific scopes.",
  }),
  noConsent: (clientId: string, clientName: string): AadError => ({
    status: 400,
    error: 'invalid_grant',
    code: 65001,
    description: `The user or administrator has not consented to use the application with ID '${clientId}' named '${clientName}'. Send an interactive authorization request for this user and resource.`,
  }),
  unsupportedGrant: (): AadError => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    description: 'The app requested an unsupported grant type.',
  }),
  missingParameter: (name: string): AadError => ({
    status: 400,
    error: 'invalid_request',
    code: 900144,
    description: `The request body must contain the following parameter: '${name}'.`,
  }),
  badCode: (): AadError => ({
    status: 400,
    error: 'invalid_grant',
    code: 70008,
    description:
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  }),
  redirectMismatch: (uri: string, clientId: string): AadError => ({
    status: 400,
    error: 'invalid_request',
    code: 50011,
    description: `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
  }),
  pkceFailed: (): AadError => ({
    status: 400,
    error: 'invalid_grant',
    code: 501481,
    description: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  }),
};
