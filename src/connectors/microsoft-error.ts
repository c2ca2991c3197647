import { type ErrorCode, TenantscopeError } from '../platform/errors.ts';
import { type HttpResponse, stripQuery } from './http.ts';
import { parseRetryAfter } from './retry.ts';

/** What kind of failure a Microsoft answer is; sync decides what to do from this alone. */
export type FailureKind =
  | 'throttled'
  | 'transient'
  | 'consentRevoked'
  | 'secretExpired'
  | 'credentialInvalid'
  | 'tenantNotFound'
  | 'licenceMissing'
  | 'permissionMissing'
  | 'notFound'
  | 'deltaExpired'
  | 'rejected';

const codeOf: Record<FailureKind, ErrorCode> = {
  throttled: 'TS_ERR_MS_THROTTLED',
  transient: 'TS_ERR_MS_UNAVAILABLE',
  consentRevoked: 'TS_ERR_MS_CONSENT_REVOKED',
  secretExpired: 'TS_ERR_MS_SECRET_EXPIRED',
  credentialInvalid: 'TS_ERR_MS_CREDENTIAL_INVALID',
  tenantNotFound: 'TS_ERR_MS_TENANT_NOT_FOUND',
  licenceMissing: 'TS_ERR_MS_LICENCE_MISSING',
  permissionMissing: 'TS_ERR_MS_PERMISSION_MISSING',
  notFound: 'TS_ERR_MS_NOT_FOUND',
  deltaExpired: 'TS_ERR_MS_DELTA_EXPIRED',
  rejected: 'TS_ERR_MS_REQUEST_REJECTED',
};

export class MicrosoftError extends TenantscopeError {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly details: {
      status?: number;
      microsoftCode?: string;
      retryAfterMs?: number;
      location?: string;
    } = {},
  ) {
    super(codeOf[kind], message);
    this.name = 'MicrosoftError';
  }

  /** Whether waiting and asking again can help. */
  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'transient';
  }

  /** Whether the tenant connection itself is broken (mark it disconnected, do not retry). */
  get disconnects(): boolean {
    return (
      this.kind === 'consentRevoked' ||
      this.kind === 'secretExpired' ||
      this.kind === 'credentialInvalid' ||
      this.kind === 'tenantNotFound'
    );
  }
}

/**
 * AADSTS codes that end a connection (identity platform error codes reference): 7000112 app
 * disabled, 65001 no consent, 700016 app not found in the tenant (consent removed), 7000222
 * expired secret, 7000215 / 700027 / 7000218 wrong or missing credential, 90002 no such tenant.
 */
const AADSTS: Record<string, FailureKind> = {
  '7000112': 'consentRevoked',
  '65001': 'consentRevoked',
  '700016': 'consentRevoked',
  '7000222': 'secretExpired',
  '7000215': 'credentialInvalid',
  '700027': 'credentialInvalid',
  '7000218': 'credentialInvalid',
  '90002': 'tenantNotFound',
};

/** Classifies an identity-platform failure by its AADSTS code (from msal-node's message or the body). */
export function classifyIdentityFailure(text: string): MicrosoftError {
  const code =
    /AADSTS(\d+)/.exec(text)?.[1] ??
    /\b(7000112|65001|700016|7000222|7000215|700027|7000218|90002)\b/.exec(text)?.[1];
  // MSAL reports an unreachable or failing sign-in service as network_error or
  // endpoints_resolution_error (the metadata fetch failed): transient, not a bad credential.
  const unreachable =
    /temporarily_unavailable|network_error|endpoints_resolution_error|ECONN|ETIMEDOUT|socket/i.test(text);
  const kind: FailureKind = (code && AADSTS[code]) || (unreachable ? 'transient' : 'credentialInvalid');
  const summary = code ? `AADSTS${code}` : firstLine(text);
  return new MicrosoftError(
    kind,
    `token request failed: ${summary}`,
    code ? { microsoftCode: `AADSTS${code}` } : {},
  );
}

/**
 * Classifies a Graph or ARM answer that is not a success. Branches on status and `error.code`,
 * never on message text (Graph errors guidance: "branch on code").
 */
export function classifyResponse(res: HttpResponse, url: string, now = Date.now()): MicrosoftError {
  const code = errorCode(res.body);
  const where = stripQuery(url);
  const retryAfterMs = parseRetryAfter(res.headers, now);
  const detail = {
    status: res.status,
    ...(code ? { microsoftCode: code } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
  const say = (kind: FailureKind, text: string) =>
    new MicrosoftError(kind, `${text} (${res.status}${code ? ` ${code}` : ''} at ${where})`, detail);

  if (res.status === 429) return say('throttled', 'throttled by Microsoft');
  if (res.status >= 500 || res.status === 408) return say('transient', 'Microsoft is unavailable');
  if (res.status === 410 || code === 'syncStateNotFound' || code === 'resyncRequired') {
    return new MicrosoftError('deltaExpired', `delta token expired at ${where}`, {
      ...detail,
      ...(res.headers.location ? { location: res.headers.location } : {}),
    });
  }
  if (
    code === 'Authentication_RequestFromNonPremiumTenantOrB2CTenant' ||
    code === 'AadPremiumLicenseRequired'
  ) {
    return say('licenceMissing', 'the tenant lacks the licence for this data');
  }
  if (res.status === 403) return say('permissionMissing', 'the app lacks permission');
  if (res.status === 401) return say('consentRevoked', 'Microsoft rejected the access token');
  if (res.status === 404) return say('notFound', 'not found');
  return say('rejected', 'Microsoft refused the request');
}

function errorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } | string };
    if (typeof parsed.error === 'string') return parsed.error;
    return typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
  } catch {
    return undefined;
  }
}

const firstLine = (text: string): string => text.split(/\r?\n/)[0]!.slice(0, 200);
