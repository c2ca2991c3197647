import { describe, expect, test } from 'vitest';
import { loadConfig } from './config.ts';
import { isTenantscopeError } from './errors.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');

function configError(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env, '/srv');
  } catch (e) {
    if (isTenantscopeError(e) && e.code === 'TS_ERR_CONFIG_INVALID') return e.message;
    throw e;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  test('defaults give the embedded demo set-up', () => {
    const config = loadConfig({}, '/srv');
    expect(config).toMatchObject({
      env: 'development',
      host: '127.0.0.1',
      port: 3000,
      dataDir: '/srv/.tenantscope',
      databaseUrl: undefined,
      tls: false,
    });
    expect(config.publicUrl).toBe('http://127.0.0.1:3000');
    expect(Object.isFrozen(config) && Object.isFrozen(config.demo)).toBe(true);
  });

  test.each([
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL is not a PostgreSQL URL/],
    [{ DATABASE_URL: 'mysql://u@h/db' }, /^DATABASE_URL is not a PostgreSQL URL/],
    [{ PORT: '70000' }, /^PORT /],
    [{ PORT: 'eighty' }, /^PORT is not a number/],
    [
      { TENANTSCOPE_MASTER_KEY: Buffer.alloc(16).toString('base64') },
      /^TENANTSCOPE_MASTER_KEY must be 32 bytes/,
    ],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV must be one of: development, production, test/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ TENANTSCOPE_PUBLIC_URL: 'ftp://x' }, /^TENANTSCOPE_PUBLIC_URL /],
    [{ TENANTSCOPE_DEMO_PASSWORD: 'short' }, /^TENANTSCOPE_DEMO_PASSWORD must be at least 12 characters/],
    [{ TENANTSCOPE_MASTER_KEY: KEY, TENANTSCOPE_MASTER_KEY_FILE: '/k' }, /both set/],
    [{ TENANTSCOPE_TRUST_PROXY: 'true' }, /^TENANTSCOPE_TRUST_PROXY must be a number of proxy hops/],
    [{ TENANTSCOPE_TRUST_PROXY: '0' }, /^TENANTSCOPE_TRUST_PROXY /],
    [{ TENANTSCOPE_TRUST_PROXY: '10.0.0.0/33' }, /^TENANTSCOPE_TRUST_PROXY /],
    [{ TENANTSCOPE_TRUST_PROXY: '10.0.0.1, proxy.local' }, /^TENANTSCOPE_TRUST_PROXY /],
  ])('%o is refused with a message naming the setting', (env, message) => {
    expect(configError(env)).toMatch(message);
  });

  test.each([
    [undefined, false],
    ['1', 1],
    ['2', 2],
    ['10.0.0.1', ['10.0.0.1']],
    [' 10.0.0.0/8 , ::1 ,fd00::/8', ['10.0.0.0/8', '::1', 'fd00::/8']],
  ])('TENANTSCOPE_TRUST_PROXY=%j trusts %j', (value, expected) => {
    expect(
      loadConfig(value === undefined ? {} : { TENANTSCOPE_TRUST_PROXY: value }, '/srv').trustProxy,
    ).toEqual(expected);
  });

  test('a refused secret is never quoted back', () => {
    const secret = 'postgres-password-that-is-not-a-url';
    expect(configError({ DATABASE_URL: secret })).not.toContain(secret);
    const shortKey = Buffer.from('sixteen byte key').toString('base64');
    expect(configError({ TENANTSCOPE_MASTER_KEY: shortKey })).not.toContain(shortKey);
  });

  test('secrets are collected for redaction and masked in the description', () => {
    const config = loadConfig(
      { DATABASE_URL: 'postgres://app:s3cr3t-pass@db:5432/ts', TENANTSCOPE_MASTER_KEY: KEY },
      '/srv',
    );
    expect(config.secretValues).toEqual(
      expect.arrayContaining(['postgres://app:s3cr3t-pass@db:5432/ts', KEY, 's3cr3t-pass']),
    );
    const described = JSON.stringify(config.described);
    expect(described).not.toContain('s3cr3t-pass');
    expect(described).not.toContain(KEY);
    expect(config.described.find((d) => d.name === 'DATABASE_URL')).toMatchObject({
      secret: true,
      fromEnv: true,
    });
    expect(config.masterKey?.length).toBe(32);
  });

  test('an https public URL turns on TLS-only behaviour', () => {
    expect(loadConfig({ TENANTSCOPE_PUBLIC_URL: 'https://reports.example.com/' }, '/srv')).toMatchObject({
      tls: true,
      publicUrl: 'https://reports.example.com',
    });
  });

  test('the extra CA file and the worker mode are read', () => {
    expect(
      loadConfig({ TENANTSCOPE_EXTRA_CA_FILE: 'ca/proxy.pem', TENANTSCOPE_WORKER: 'off' }, '/srv'),
    ).toMatchObject({
      extraCaFile: '/srv/ca/proxy.pem',
      worker: 'off',
    });
    expect(loadConfig({}, '/srv')).toMatchObject({ extraCaFile: undefined, worker: 'inline' });
  });

  describe('sign-in with Microsoft', () => {
    const APP = {
      TENANTSCOPE_APP_CLIENT_ID: '3f1b0a9e-5c2d-4e8f-9a7b-1c2d3e4f5a6b',
      TENANTSCOPE_APP_CLIENT_SECRET: 'app-secret~value-0123456789',
    };

    test('is off unless asked for, even with the app configured', () => {
      expect(loadConfig(APP, '/srv').microsoftSignIn).toBeUndefined();
      expect(
        loadConfig({ ...APP, TENANTSCOPE_MICROSOFT_SIGN_IN: 'off' }, '/srv').microsoftSignIn,
      ).toBeUndefined();
    });

    test.each([
      ['organizations', 'organizations'],
      ['Contoso.onmicrosoft.com', 'contoso.onmicrosoft.com'],
      ['72F988BF-86F1-41AF-91AB-2D7CD011DB47', '72f988bf-86f1-41af-91ab-2d7cd011db47'],
    ])('%s signs in through the app at %s', (value, tenant) => {
      const config = loadConfig({ ...APP, TENANTSCOPE_MICROSOFT_SIGN_IN: value }, '/srv');
      expect(config.microsoftSignIn).toEqual({
        clientId: APP.TENANTSCOPE_APP_CLIENT_ID,
        clientSecret: APP.TENANTSCOPE_APP_CLIENT_SECRET,
        tenant,
        authorityHost: 'https://login.microsoftonline.com',
      });
    });

    test('a national cloud names its own authority host', () => {
      const config = loadConfig(
        {
          ...APP,
          TENANTSCOPE_MICROSOFT_SIGN_IN: 'organizations',
          TENANTSCOPE_MICROSOFT_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
        },
        '/srv',
      );
      expect(config.microsoftSignIn?.authorityHost).toBe('https://login.microsoftonline.us');
    });

    test.each([
      [{ TENANTSCOPE_MICROSOFT_SIGN_IN: 'organizations' }, /needs TENANTSCOPE_APP_CLIENT_ID/],
      [
        { ...APP, TENANTSCOPE_MICROSOFT_SIGN_IN: 'common' },
        /^TENANTSCOPE_MICROSOFT_SIGN_IN must not admit personal/,
      ],
      [
        { ...APP, TENANTSCOPE_MICROSOFT_SIGN_IN: 'consumers' },
        /^TENANTSCOPE_MICROSOFT_SIGN_IN must not admit personal/,
      ],
      [
        { ...APP, TENANTSCOPE_MICROSOFT_SIGN_IN: 'not a tenant' },
        /^TENANTSCOPE_MICROSOFT_SIGN_IN must be `off`/,
      ],
      [
        { ...APP, TENANTSCOPE_MICROSOFT_AUTHORITY_HOST: 'http://login.microsoftonline.com' },
        /^TENANTSCOPE_MICROSOFT_AUTHORITY_HOST /,
      ],
      [
        { ...APP, TENANTSCOPE_MICROSOFT_AUTHORITY_HOST: 'https://login.microsoftonline.com/organizations' },
        /^TENANTSCOPE_MICROSOFT_AUTHORITY_HOST must be an https:\/\/ origin without a path/,
      ],
    ])('%o is refused with a message naming the setting', (env, message) => {
      expect(configError(env)).toMatch(message);
    });
  });

  test('empty variables count as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: ' ' }, '/srv')).toMatchObject({
      databaseUrl: undefined,
      port: 3000,
    });
  });
});
