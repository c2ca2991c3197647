import { describe, expect, test } from 'vitest';
import { resolveEndpoints } from './clouds.ts';
import { costOf, createPacer } from './graph-budget.ts';
import { classifyIdentityFailure, classifyResponse } from './microsoft-error.ts';
import { backoffDelay, defaultRetryPolicy, parseRetryAfter } from './retry.ts';

const body = (code: string) => JSON.stringify({ error: { code, message: 'm' } });

describe('classifying Microsoft failures', () => {
  test.each([
    [429, body('TooManyRequests'), { 'retry-after': '2.128' }, 'throttled', 2128],
    [503, body('serviceNotAvailable'), { 'retry-after': '5' }, 'transient', 5000],
    [504, '', {}, 'transient', undefined],
    [403, body('Authentication_RequestFromNonPremiumTenantOrB2CTenant'), {}, 'licenceMissing', undefined],
    [400, body('AadPremiumLicenseRequired'), {}, 'licenceMissing', undefined],
    [403, body('Authorization_RequestDenied'), {}, 'permissionMissing', undefined],
    [401, body('InvalidAuthenticationToken'), {}, 'consentRevoked', undefined],
    [404, body('Request_ResourceNotFound'), {}, 'notFound', undefined],
    [410, '', { location: 'https://x/users/delta?$deltatoken=' }, 'deltaExpired', undefined],
    [400, body('syncStateNotFound'), {}, 'deltaExpired', undefined],
    [400, body('Request_UnsupportedQuery'), {}, 'rejected', undefined],
  ])('%i %s is %s', (status, text, headers, kind, retryAfterMs) => {
    const error = classifyResponse(
      { status, headers, body: text },
      'https://graph.microsoft.com/v1.0/users?$skiptoken=secret',
      0,
    );
    expect(error.kind).toBe(kind);
    expect(error.details.retryAfterMs).toBe(retryAfterMs);
    expect(error.message).not.toContain('skiptoken');
  });

  test.each([
    ['invalid_client: AADSTS7000215: Invalid client secret provided.', 'credentialInvalid', true],
    ['invalid_client: AADSTS7000222: The provided client secret keys are expired.', 'secretExpired', true],
    ['unauthorized_client: AADSTS700016: Application not found in the directory', 'consentRevoked', true],
    ['AADSTS7000112: Application is disabled.', 'consentRevoked', true],
    ['invalid_request: AADSTS90002: Tenant not found.', 'tenantNotFound', true],
    ['temporarily_unavailable: try later', 'transient', false],
  ])('%s → %s', (text, kind, disconnects) => {
    const error = classifyIdentityFailure(text);
    expect(error.kind).toBe(kind);
    expect(error.disconnects).toBe(disconnects);
  });
});

describe('Retry-After and backoff', () => {
  test.each([
    [{ 'retry-after': '2.128' }, 2128],
    [{ 'retry-after': 'Sun, 22 Nov 2026 08:00:10 GMT' }, 10_000],
    [
      {
        'x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after': '30',
        'x-ms-ratelimit-microsoft.costmanagement-entity-retry-after': '45',
      },
      45_000,
    ],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%j waits %s ms', (headers, ms) => {
    expect(parseRetryAfter(headers, Date.parse('2026-11-22T08:00:00Z'))).toBe(ms);
  });

  test('Retry-After wins over backoff but is clamped; without it backoff doubles within jitter', () => {
    expect(backoffDelay(defaultRetryPolicy, 1, 3_000)).toBe(3_000);
    expect(backoffDelay(defaultRetryPolicy, 1, 999_999)).toBe(defaultRetryPolicy.maxDelayMs);
    expect(backoffDelay(defaultRetryPolicy, 3, undefined, () => 0)).toBe(2_000);
    expect(backoffDelay(defaultRetryPolicy, 3, undefined, () => 1)).toBe(4_000);
  });
});

describe('resource-unit costs (throttling-limits, identity and access)', () => {
  const q = (s: string) => new URLSearchParams(s);
  test.each([
    ['users', '$select=id,displayName&$top=999', [['directory', 1]]],
    ['users', '', [['directory', 2]]],
    ['subscribedSkus', '', [['directory', 3]]],
    ['groups/g1/members', '$top=999', [['directory', 3]]],
    [
      'users',
      '$select=id,signInActivity&$top=500',
      [
        ['directory', 1],
        ['signInActivity', 1],
      ],
    ],
    ['users', '$top=10', [['directory', 1]]],
    ['applications', '$expand=owners', [['directory', 3]]],
    ['auditLogs/directoryAudits', '', [['identityReports', 1]]],
    ['identity/conditionalAccess/policies', '', [['conditionalAccess', 1]]],
    [
      "reports/getOffice365ActiveUserDetail(period='D30')",
      '',
      [['usageReport:reports/getOffice365ActiveUserDetail', 1]],
    ],
  ])('GET %s?%s costs %j', (path, query, takes) => {
    expect(costOf(path, q(query)).takes).toEqual(takes);
  });
});

describe('the pacer keeps every bucket under its limit', () => {
  test('the sixth identity-report request in ten seconds waits for the window to refill', async () => {
    let now = 0;
    const waits: number[] = [];
    const pacer = createPacer({
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    for (let i = 0; i < 6; i++) await pacer.take({ takes: [['identityReports', 1]] });
    expect(waits).toEqual([2_200]); // 5 per 10 s, window stretched by a tenth: a token every 2.2 s
  });

  test('a hold after a 429 delays the bucket even when tokens remain', async () => {
    let now = 0;
    const pacer = createPacer({
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    pacer.hold('directory', 7_000);
    await pacer.take({ takes: [['directory', 1]] });
    expect(now).toBe(7_000);
  });
});

describe('clouds', () => {
  test('an overridden Graph URL keeps the cloud’s token scope', () => {
    const e = resolveEndpoints('global', {
      graphUrl: 'https://127.0.0.1:8443/',
      authorityHost: 'https://127.0.0.1:8443',
    });
    expect(e).toMatchObject({
      graphUrl: 'https://127.0.0.1:8443',
      graphScope: 'https://graph.microsoft.com/.default',
      armScope: 'https://management.azure.com/.default',
    });
    expect(resolveEndpoints('usgovhigh').graphScope).toBe('https://graph.microsoft.us/.default');
    expect(resolveEndpoints('china').authorityHost).toBe('https://login.chinacloudapi.cn');
  });
});
