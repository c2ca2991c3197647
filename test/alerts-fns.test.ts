import { describe, expect, test } from 'vitest';
import { ruleMatches } from '../src/alerts/alert-match.ts';
import { signWebhook, verifyWebhook } from '../src/alerts/webhook-sign.ts';
import { checkResolvedAddress, checkWebhookUrl, isRefusedAddress } from '../src/alerts/webhook-url.ts';

describe('webhook URLs (SSRF guard)', () => {
  test.each([
    ['https://hooks.example.com/tenantscope', true],
    ['http://127.0.0.1:8080/hook', true],
    ['http://localhost:9000/hook', true],
    ['http://[::1]:9000/hook', true],
    ['http://[::ffff:127.0.0.1]:9000/hook', true],
    ['https://93.184.216.34/hook', true],
    ['http://hooks.example.com/hook', false],
    ['ftp://hooks.example.com/hook', false],
    ['https://10.0.0.5/hook', false],
    ['https://172.16.3.4/hook', false],
    ['https://172.31.255.255/hook', false],
    ['https://192.168.1.10/hook', false],
    ['https://169.254.169.254/latest/meta-data', false],
    ['https://100.64.0.1/hook', false],
    ['https://0.0.0.0/hook', false],
    ['https://[fd00::1]/hook', false],
    ['https://[fe80::1]/hook', false],
    ['https://[::ffff:10.0.0.1]/hook', false],
    ['https://user:pass@hooks.example.com/hook', false],
    ['not a url', false],
  ])('%s → allowed %s', (url, allowed) => {
    if (allowed) expect(checkWebhookUrl(url)).toMatch(/^https?:\/\//);
    else
      expect(() => checkWebhookUrl(url)).toThrowError(
        expect.objectContaining({ code: 'TS_ERR_WEBHOOK_URL_REFUSED' }),
      );
  });

  test.each([
    ['8.8.8.8', false],
    ['172.15.0.1', false],
    ['172.32.0.1', false],
    ['192.169.0.1', false],
    ['2001:db8::1', false],
    ['10.1.2.3', true],
    ['224.0.0.1', true],
    ['fc00::1', true],
  ])('address %s refused: %s', (address, refused) => {
    expect(isRefusedAddress(address)).toBe(refused);
  });

  test('a public name that resolves to a private or loopback address is refused at send time', () => {
    expect(() => checkResolvedAddress('hooks.example.com', '10.0.0.7')).toThrow(/private/);
    expect(() => checkResolvedAddress('hooks.example.com', '127.0.0.1')).toThrow(/loopback/);
    expect(() => checkResolvedAddress('localhost', '127.0.0.1')).not.toThrow();
    expect(() => checkResolvedAddress('hooks.example.com', '93.184.216.34')).not.toThrow();
  });
});

describe('signatures', () => {
  const secret = 'a webhook secret of some length';
  const body = '{"type":"drift.events"}';
  test('HMAC-SHA256 of "timestamp.body", hex, prefixed sha256=', () => {
    // computed independently: printf '1700000000.{"type":"drift.events"}' | openssl dgst -sha256 -hmac '…'
    const sig = signWebhook(secret, 1_700_000_000, body);
    expect(sig).toBe('sha256=2fbfbff727f539dcd72ec0187fbef36da632358b05840e3d23effb630aff8520');
    expect(verifyWebhook(secret, '1700000000', body, sig)).toBe(true);
  });
  test.each([
    ['another secret', 'another secret of some length', '1700000000', body],
    ['another timestamp', secret, '1700000001', body],
    ['another body', secret, '1700000000', '{"type":"drift.events "}'],
  ])('%s does not verify', (_name, s, ts, b) => {
    expect(verifyWebhook(s, ts, b, signWebhook(secret, 1_700_000_000, body))).toBe(false);
  });
});

describe('which events a rule matches', () => {
  const rule = { enabled: true, minSeverity: 'medium' as const, objectKinds: [], tenantIds: [] };
  const event = { tenantId: 't1', objectKind: 'conditionalAccessPolicy', severity: 'high' as const };
  test.each([
    ['a high event passes a medium threshold', rule, event, true],
    ['a low event does not pass a medium threshold', rule, { ...event, severity: 'low' as const }, false],
    ['a medium event passes a medium threshold', rule, { ...event, severity: 'medium' as const }, true],
    ['another kind is left out', { ...rule, objectKinds: ['domain'] }, event, false],
    ['a named kind is matched', { ...rule, objectKinds: ['domain', 'conditionalAccessPolicy'] }, event, true],
    ['another tenant is left out', { ...rule, tenantIds: ['t2'] }, event, false],
    ['a named tenant is matched', { ...rule, tenantIds: ['t1'] }, event, true],
    ['a disabled rule matches nothing', { ...rule, enabled: false }, event, false],
  ])('%s', (_name, r, e, expected) => {
    expect(ruleMatches(r, e)).toBe(expected);
  });
});
