import { describe, expect, test } from 'vitest';
import { loadConfig } from '../src/platform/config.ts';
import { expiryThreshold } from '../src/sync/credential-expiry.ts';

describe('TENANTSCOPE_SMTP_URL and TENANTSCOPE_MAIL_FROM', () => {
  test.each([
    [
      'smtps://u:p%40ss@mail.example.com',
      { host: 'mail.example.com', port: 465, secure: true, requireTls: false, user: 'u', password: 'p@ss' },
    ],
    [
      'smtp://u:pw@mail.example.com:2525',
      { host: 'mail.example.com', port: 2525, secure: false, requireTls: true, user: 'u', password: 'pw' },
    ],
    [
      'smtp://mail.example.com',
      { host: 'mail.example.com', port: 587, secure: false, requireTls: false, user: undefined },
    ],
    [
      'smtp://u:pw@127.0.0.1:25',
      { host: '127.0.0.1', port: 25, secure: false, requireTls: false, user: 'u' },
    ],
  ])('%s is read as %o', (url, expected) => {
    expect(loadConfig({ TENANTSCOPE_SMTP_URL: url }).mail.smtp).toMatchObject(expected);
  });

  test('without an SMTP URL nothing is sent and the From defaults to the public host', () => {
    const config = loadConfig({ TENANTSCOPE_PUBLIC_URL: 'https://ts.example.com' });
    expect(config.mail).toEqual({ smtp: undefined, from: 'Tenantscope <no-reply@ts.example.com>' });
  });

  test.each([
    ['http://mail.example.com', /must start with smtp:\/\/ or smtps:\/\//],
    ['not a url', /is not a URL/],
  ])('a bad SMTP URL (%s) stops the start without quoting it', (url, message) => {
    expect(() => loadConfig({ TENANTSCOPE_SMTP_URL: url })).toThrow(message);
    try {
      loadConfig({ TENANTSCOPE_SMTP_URL: url });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(url);
    }
  });

  test('the SMTP password and URL are secrets: masked in config check, known to the log scrubber', () => {
    const url = 'smtps://mailer:Sup3rSecretSmtp@mail.example.com';
    const config = loadConfig({ TENANTSCOPE_SMTP_URL: url });
    expect(config.secretValues).toEqual(expect.arrayContaining([url, 'Sup3rSecretSmtp']));
    const shown = config.described.find((d) => d.name === 'TENANTSCOPE_SMTP_URL');
    expect(shown?.secret).toBe(true);
    expect(JSON.stringify(config.described)).not.toContain('Sup3rSecretSmtp');
  });

  test.each([
    ['Ops <ops@example.com>', true],
    ['ops@example.com', true],
    ['not an address', false],
  ])('TENANTSCOPE_MAIL_FROM %j accepted: %s', (from, ok) => {
    const load = () => loadConfig({ TENANTSCOPE_MAIL_FROM: from });
    if (ok) expect(load().mail.from).toBe(from);
    else expect(load).toThrow(/TENANTSCOPE_MAIL_FROM/);
  });
});

describe('credential expiry email thresholds', () => {
  test.each([
    [45, undefined],
    [31, undefined],
    [30, 30],
    [8, 30],
    [7, 7],
    [2, 7],
    [1, 1],
    [0, 1],
  ])('%i days left → threshold %s', (days, threshold) => {
    expect(expiryThreshold(days)).toBe(threshold);
  });
});

describe('no emailed link in a log line', () => {
  test('a request URL carrying an invitation or reset token is scrubbed', async () => {
    const { scrubText } = await import('../src/platform/logger.ts');
    const token = 'Q'.repeat(43);
    for (const path of ['invite', 'reset-password']) {
      const line = JSON.stringify({ req: { url: `/${path}/${token}?x=1` }, msg: 'incoming request' });
      expect(scrubText(line, [])).not.toContain(token);
    }
  });
});
