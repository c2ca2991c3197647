import path from 'node:path';
import { z } from 'zod';
import { TenantscopeError } from './errors.ts';

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
] as const;

export type SettingName = (typeof settings)[number]['name'];

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
  TENANTSCOPE_DEMO_EMAIL: z.email().default('owner@demo.tenantscope.test'),
  TENANTSCOPE_DEMO_PASSWORD: z.string().min(12, { message: 'must be at least 12 characters' }).optional(),
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
  readonly extraCaFile: string | undefined;
  readonly worker: 'inline' | 'off';
  /** HSTS only makes sense when people reach us over TLS. */
  readonly tls: boolean;
  readonly demo: { readonly email: string; readonly password: string | undefined };
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
  const publicUrl = (e.TENANTSCOPE_PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, '');
  const secretValues = [env.DATABASE_URL, env.TENANTSCOPE_MASTER_KEY, env.TENANTSCOPE_DEMO_PASSWORD]
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
    extraCaFile: e.TENANTSCOPE_EXTRA_CA_FILE ? path.resolve(cwd, e.TENANTSCOPE_EXTRA_CA_FILE) : undefined,
    worker: e.TENANTSCOPE_WORKER,
    tls: publicUrl.startsWith('https://'),
    demo: { email: e.TENANTSCOPE_DEMO_EMAIL, password: e.TENANTSCOPE_DEMO_PASSWORD },
    secretValues,
    described: settings.map((s) => ({
      name: s.name,
      secret: s.secret,
      fromEnv: input[s.name] !== undefined,
      value: input[s.name] === undefined ? s.default : s.secret ? mask(input[s.name]!) : input[s.name]!,
    })),
  });
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
