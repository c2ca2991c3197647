import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { TenantscopeError } from './errors.ts';
import { isUuid } from './ids.ts';

/**
 * Every setting Tenantscope reads, in one place. The README's configuration table and
 * `tenantscope config check` are made from this list, and a test keeps the README in step.
 */
export const settings = [
  {
    name: 'NODE_ENV',
    default: 'development',
    secret: false,
    help: '`production` refuses to start without a master key',
  },
  { name: 'HOST', default: '127.0.0.1', secret: false, help: 'address the HTTP server listens on' },
  { name: 'PORT', default: '3000', secret: false, help: 'port the HTTP server listens on' },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    secret: false,
    help: 'fatal, error, warn, info, debug, trace or silent',
  },
  {
    name: 'TENANTSCOPE_DATA_DIR',
    default: './.tenantscope',
    secret: false,
    help: 'embedded database, generated demo key and other local state',
  },
  {
    name: 'DATABASE_URL',
    default: '(unset: embedded PGlite)',
    secret: true,
    help: 'PostgreSQL connection URL, e.g. `postgres://user@127.0.0.1:5432/tenantscope`',
  },
  {
    name: 'TENANTSCOPE_MASTER_KEY',
    default: '(unset)',
    secret: true,
    help: 'key-encryption key: 32 random bytes, base64',
  },
  {
    name: 'TENANTSCOPE_MASTER_KEY_FILE',
    default: '(unset)',
    secret: false,
    help: 'file holding the key-encryption key (base64), instead of the variable',
  },
  {
    name: 'TENANTSCOPE_EXTRA_CA_FILE',
    default: '(unset)',
    secret: false,
    help: 'PEM file of extra CAs to trust when calling Microsoft (a TLS-inspecting proxy; the demo adds the emulator’s)',
  },
  {
    name: 'TENANTSCOPE_WORKER',
    default: 'inline',
    secret: false,
    help: '`inline` runs tenant syncs inside `serve`/`demo`; `off` leaves them to `tenantscope worker` processes (PostgreSQL only)',
  },
  {
    name: 'TENANTSCOPE_PUBLIC_URL',
    default: 'http://HOST:PORT',
    secret: false,
    help: 'the address people use; `https://…` turns on HSTS',
  },
  {
    name: 'TENANTSCOPE_TRUST_PROXY',
    default: '(unset: trust no proxy)',
    secret: false,
    help: 'behind a reverse proxy: the number of proxy hops, or its addresses/CIDRs comma-separated; the client address from `X-Forwarded-For` then feeds the audit log, lockout and rate limits',
  },
  {
    name: 'TENANTSCOPE_APP_CLIENT_ID',
    default: '(unset: admin consent and delegated ARM off)',
    secret: false,
    help: 'client id of Tenantscope’s own multi-tenant app registration, for admin-consent and delegated-ARM connections',
  },
  {
    name: 'TENANTSCOPE_APP_CLIENT_SECRET',
    default: '(unset)',
    secret: true,
    help: 'that app’s client secret (needed with `TENANTSCOPE_APP_CLIENT_ID`)',
  },
  {
    name: 'TENANTSCOPE_APP_CLIENT_SECRET_FILE',
    default: '(unset)',
    secret: false,
    help: 'file holding that app’s client secret, instead of the variable',
  },
  {
    name: 'TENANTSCOPE_MICROSOFT_SIGN_IN',
    default: '(unset: off)',
    secret: false,
    help: 'sign-in with Microsoft Entra ID through Tenantscope’s app (`TENANTSCOPE_APP_CLIENT_ID`): `organizations` for work accounts of any tenant, or one tenant’s id or domain; the app needs the redirect URI `PUBLIC_URL/api/session/microsoft/callback`',
  },
  {
    name: 'TENANTSCOPE_MICROSOFT_AUTHORITY_HOST',
    default: 'https://login.microsoftonline.com',
    secret: false,
    help: 'the Microsoft identity platform sign-in with Microsoft uses: a national cloud’s (`https://login.microsoftonline.us`, `https://login.chinacloudapi.cn`)',
  },
  {
    name: 'TENANTSCOPE_DEMO_EMAIL',
    default: 'owner@demo.tenantscope.test',
    secret: false,
    help: 'the demo owner account (`tenantscope demo`)',
  },
  {
    name: 'TENANTSCOPE_DEMO_PASSWORD',
    default: '(generated, printed once)',
    secret: true,
    help: 'the demo owner password (`tenantscope demo`)',
  },
  {
    name: 'TENANTSCOPE_SMTP_URL',
    default: '(unset: emails wait in the outbox)',
    secret: true,
    help: 'the SMTP server emails are sent through: `smtps://user:password@host:465` (TLS) or `smtp://user:password@host:587` (STARTTLS, required when credentials go to a host other than loopback)',
  },
  {
    name: 'TENANTSCOPE_MAIL_FROM',
    default: 'Tenantscope <no-reply@PUBLIC_URL host>',
    secret: false,
    help: 'the From of every email, e.g. `Tenantscope <tenantscope@example.com>`',
  },
] as const;

export type SettingName = (typeof settings)[number]['name'];

/** A DNS name with at least one dot (a tenant's verified or initial domain). */
const DOMAIN =
  /^(?=.{3,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

const MASTER_KEY_BYTES = 32;

const postgresUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
    } catch {
      return false;
    }
  },
  { message: 'is not a PostgreSQL URL (expected postgres://user@host:5432/database)' },
);

const masterKey = z
  .string()
  .transform((value) => Buffer.from(value.trim(), 'base64'))
  .refine((key) => key.length === MASTER_KEY_BYTES, {
    message: `must be ${MASTER_KEY_BYTES} bytes, base64-encoded (generate one with: openssl rand -base64 32)`,
  });

/**
 * Which proxies may tell us the client's address. Never "trust everyone": any client could then
 * write its own X-Forwarded-For and step around the per-address lockout and rate limits.
 */
const trustProxy = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .refine(
    (parts) =>
      (parts.length === 1 && /^[1-9]\d{0,1}$/.test(parts[0]!)) ||
      (parts.length > 0 && parts.every((part) => isAddressOrCidr(part))),
    { message: 'must be a number of proxy hops (1–99) or IP addresses/CIDRs separated by commas' },
  )
  .transform((parts): number | string[] => (/^\d+$/.test(parts[0]!) ? Number(parts[0]) : parts));

function isAddressOrCidr(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TENANTSCOPE_DATA_DIR: z.string().min(1).default('.tenantscope'),
  DATABASE_URL: postgresUrl.optional(),
  TENANTSCOPE_MASTER_KEY: masterKey.optional(),
  TENANTSCOPE_MASTER_KEY_FILE: z.string().min(1).optional(),
  TENANTSCOPE_EXTRA_CA_FILE: z.string().min(1).optional(),
  TENANTSCOPE_WORKER: z.enum(['inline', 'off']).default('inline'),
  TENANTSCOPE_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  TENANTSCOPE_TRUST_PROXY: trustProxy.optional(),
  TENANTSCOPE_APP_CLIENT_ID: z.guid().optional(),
  TENANTSCOPE_APP_CLIENT_SECRET: z.string().min(1).optional(),
  TENANTSCOPE_APP_CLIENT_SECRET_FILE: z.string().min(1).optional(),
  TENANTSCOPE_MICROSOFT_SIGN_IN: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v !== 'common' && v !== 'consumers', {
      message: 'must not admit personal Microsoft accounts: use `organizations`, a tenant id or a domain',
    })
    .refine((v) => v === 'off' || v === 'organizations' || isUuid(v) || DOMAIN.test(v), {
      message:
        'must be `off`, `organizations`, a tenant id (GUID) or a domain such as contoso.onmicrosoft.com',
    })
    .optional(),
  TENANTSCOPE_MICROSOFT_AUTHORITY_HOST: z
    .url({ protocol: /^https$/ })
    .transform((v) => v.replace(/\/+$/, ''))
    .refine((v) => new URL(v).pathname === '/' || new URL(v).pathname === '', {
      message: 'must be an https:// origin without a path, e.g. https://login.microsoftonline.com',
    })
    .default('https://login.microsoftonline.com'),
  TENANTSCOPE_DEMO_EMAIL: z.email().default('owner@demo.tenantscope.test'),
  TENANTSCOPE_DEMO_PASSWORD: z.string().min(12, { message: 'must be at least 12 characters' }).optional(),
  TENANTSCOPE_SMTP_URL: z.string().optional(),
  TENANTSCOPE_MAIL_FROM: z.string().min(3).max(320).optional(),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly masterKey: Buffer | undefined;
  readonly masterKeyFile: string | undefined;
  readonly publicUrl: string;
  /** Fastify's `trustProxy`: hops or addresses; false when unset */
  readonly trustProxy: number | readonly string[] | false;
  readonly extraCaFile: string | undefined;
  readonly worker: 'inline' | 'off';
  /** HSTS only makes sense when people reach us over TLS. */
  readonly tls: boolean;
  readonly demo: { readonly email: string; readonly password: string | undefined };
  /** Tenantscope's own multi-tenant app (admin consent, delegated ARM); unset turns both off */
  readonly app: { readonly clientId: string; readonly clientSecret: string } | undefined;
  /** Sign-in with Microsoft (src/auth/README.md): Tenantscope's own app; unset turns it off */
  readonly microsoftSignIn: MicrosoftSignInConfig | undefined;
  /** Email delivery (src/delivery/): no SMTP server means emails wait in the outbox */
  readonly mail: { readonly smtp: SmtpSettings | undefined; readonly from: string };
  /** Values that must never reach a log line, an error or a response. */
  readonly secretValues: readonly string[];
  /** What was set, for `config check`, with secrets masked. */
  readonly described: readonly { name: SettingName; value: string; secret: boolean; fromEnv: boolean }[];
}

/** Parses the environment once. Throws a TenantscopeError naming the first bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const input = Object.fromEntries(settings.map((s) => [s.name, emptyToUndefined(env[s.name])]));
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new TenantscopeError('TS_ERR_CONFIG_INVALID', `${name} ${describeIssue(issue)}`);
  }
  const e = parsed.data;
  if (e.TENANTSCOPE_MASTER_KEY && e.TENANTSCOPE_MASTER_KEY_FILE) {
    throw new TenantscopeError(
      'TS_ERR_CONFIG_INVALID',
      'TENANTSCOPE_MASTER_KEY and TENANTSCOPE_MASTER_KEY_FILE are both set; set one',
    );
  }
  const app = appRegistration(e, cwd);
  const microsoftSignIn = microsoftSignInOf(e, app);
  const publicUrl = (e.TENANTSCOPE_PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, '');
  const smtp = e.TENANTSCOPE_SMTP_URL ? parseSmtpUrl(e.TENANTSCOPE_SMTP_URL) : undefined;
  const mailFrom = parseMailFrom(e.TENANTSCOPE_MAIL_FROM, publicUrl);
  const secretValues = [
    env.DATABASE_URL,
    env.TENANTSCOPE_MASTER_KEY,
    env.TENANTSCOPE_DEMO_PASSWORD,
    app?.clientSecret,
    e.TENANTSCOPE_SMTP_URL,
    smtp?.password,
  ]
    .concat(databasePassword(e.DATABASE_URL))
    .filter((v): v is string => typeof v === 'string' && v.length >= 6);

  return deepFreeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    dataDir: path.resolve(cwd, e.TENANTSCOPE_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    masterKey: e.TENANTSCOPE_MASTER_KEY,
    masterKeyFile: e.TENANTSCOPE_MASTER_KEY_FILE
      ? path.resolve(cwd, e.TENANTSCOPE_MASTER_KEY_FILE)
      : undefined,
    publicUrl,
    trustProxy: e.TENANTSCOPE_TRUST_PROXY ?? false,
    extraCaFile: e.TENANTSCOPE_EXTRA_CA_FILE ? path.resolve(cwd, e.TENANTSCOPE_EXTRA_CA_FILE) : undefined,
    worker: e.TENANTSCOPE_WORKER,
    tls: publicUrl.startsWith('https://'),
    demo: { email: e.TENANTSCOPE_DEMO_EMAIL, password: e.TENANTSCOPE_DEMO_PASSWORD },
    app,
    microsoftSignIn,
    mail: { smtp, from: mailFrom },
    secretValues,
    described: settings.map((s) => ({
      name: s.name,
      secret: s.secret,
      fromEnv: input[s.name] !== undefined,
      value: input[s.name] === undefined ? s.default : s.secret ? mask(input[s.name]!) : input[s.name]!,
    })),
  });
}

/** The multi-tenant app: an id and exactly one source of its secret, or nothing at all. */
function appRegistration(
  e: z.output<typeof envSchema>,
  cwd: string,
): { clientId: string; clientSecret: string } | undefined {
  const inline = e.TENANTSCOPE_APP_CLIENT_SECRET;
  const file = e.TENANTSCOPE_APP_CLIENT_SECRET_FILE;
  const fail = (message: string) => new TenantscopeError('TS_ERR_CONFIG_INVALID', message);
  if (inline && file)
    throw fail('TENANTSCOPE_APP_CLIENT_SECRET and TENANTSCOPE_APP_CLIENT_SECRET_FILE are both set; set one');
  if (!e.TENANTSCOPE_APP_CLIENT_ID) {
    if (inline || file) throw fail('TENANTSCOPE_APP_CLIENT_SECRET is set without TENANTSCOPE_APP_CLIENT_ID');
    return undefined;
  }
  if (inline) return { clientId: e.TENANTSCOPE_APP_CLIENT_ID, clientSecret: inline };
  if (!file)
    throw fail(
      'TENANTSCOPE_APP_CLIENT_ID needs TENANTSCOPE_APP_CLIENT_SECRET or TENANTSCOPE_APP_CLIENT_SECRET_FILE',
    );
  let secret: string;
  try {
    secret = fs.readFileSync(path.resolve(cwd, file), 'utf8').trim();
  } catch {
    throw fail(`TENANTSCOPE_APP_CLIENT_SECRET_FILE ${file} cannot be read`);
  }
  if (!secret) throw fail(`TENANTSCOPE_APP_CLIENT_SECRET_FILE ${file} is empty`);
  return { clientId: e.TENANTSCOPE_APP_CLIENT_ID, clientSecret: secret };
}

/** Sign-in with Microsoft: the app people sign in to, and the authority it is reached at. */
export interface MicrosoftSignInConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  /** the authority's tenant segment: `organizations`, a tenant GUID or a domain */
  readonly tenant: string;
  /** `https://login.microsoftonline.com`, a national cloud's, or the emulator's */
  readonly authorityHost: string;
}

/** Off unless asked for; asked for, it needs the app registration (people sign in to that app). */
function microsoftSignInOf(
  e: z.output<typeof envSchema>,
  app: { clientId: string; clientSecret: string } | undefined,
): MicrosoftSignInConfig | undefined {
  const tenant = e.TENANTSCOPE_MICROSOFT_SIGN_IN;
  if (!tenant || tenant === 'off') return undefined;
  if (!app)
    throw new TenantscopeError(
      'TS_ERR_CONFIG_INVALID',
      'TENANTSCOPE_MICROSOFT_SIGN_IN needs TENANTSCOPE_APP_CLIENT_ID and its secret: people sign in to that app',
    );
  return { ...app, tenant, authorityHost: e.TENANTSCOPE_MICROSOFT_AUTHORITY_HOST };
}

/** Where emails go out: the parts of TENANTSCOPE_SMTP_URL, credentials decoded. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** smtps: TLS from the first byte; smtp: STARTTLS when offered (required, see requireTls) */
  secure: boolean;
  /** refuse to send credentials without TLS: set when credentials go to a host other than loopback */
  requireTls: boolean;
  user: string | undefined;
  password: string | undefined;
  /** host:port, for messages and logs (never the credentials) */
  describe: string;
}

/** Never quotes the value: it may hold a password. */
function parseSmtpUrl(value: string): SmtpSettings {
  const fail = (why: string) => new TenantscopeError('TS_ERR_CONFIG_INVALID', `TENANTSCOPE_SMTP_URL ${why}`);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw fail('is not a URL (expected smtp://user:password@host:587 or smtps://user:password@host:465)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw fail('must start with smtp:// or smtps://');
  if (!url.hostname) throw fail('names no host');
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const user = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
  return {
    host,
    port,
    secure,
    requireTls: !secure && user !== undefined && !loopback,
    user,
    password,
    describe: `${url.protocol}//${url.host}`,
  };
}

/** `Name <address>` or a bare address; by default no-reply at the public URL's host. */
function parseMailFrom(value: string | undefined, publicUrl: string): string {
  const from = value?.trim() ?? `Tenantscope <no-reply@${new URL(publicUrl).hostname}>`;
  const address = /<([^<>\s]+)>$/.exec(from)?.[1] ?? from;
  if (!z.email().safeParse(address).success && !/^[^@\s<>]+@[^@\s<>]+$/.test(address))
    throw new TenantscopeError(
      'TS_ERR_CONFIG_INVALID',
      'TENANTSCOPE_MAIL_FROM must be an email address, or `Name <address>`',
    );
  if (/[\r\n]/.test(from))
    throw new TenantscopeError('TS_ERR_CONFIG_INVALID', 'TENANTSCOPE_MAIL_FROM must be one line');
  return from;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `must be one of: ${issue.values.join(', ')}`;
  if (issue.code === 'invalid_format') return `is not a valid ${issue.format}`;
  if (issue.code === 'too_small' || issue.code === 'too_big')
    return issue.message.replace(/^Too (small|big): /, '');
  if (issue.code === 'invalid_type') return 'is not a number';
  return issue.message;
}

function databasePassword(url: string | undefined): string[] {
  if (!url) return [];
  const password = decodeURIComponent(new URL(url).password);
  return password ? [password] : [];
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Shows that a secret is set without showing it. */
export function mask(value: string): string {
  return `set (${value.length} characters, hidden)`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
