import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { expect } from 'vitest';
import { mailerDepsFor } from '../src/delivery/mailer-deps.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { type Jobs, startJobs } from '../src/jobs/job-queue.ts';
import { pipelineHooks } from '../src/pipeline/analyse-snapshot.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { SmtpSettings } from '../src/platform/config.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { createLogger } from '../src/platform/logger.ts';
import { hashPassword } from '../src/platform/passwords.ts';
import { buildApp } from '../src/present/http/app.ts';
import type { Database } from '../src/storage/database.ts';
import type { MemberRole } from '../src/storage/schema.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { type SyncDeps, syncTenant } from '../src/sync/sync-service.ts';
import { connectAppRegistration } from '../src/tenants/connect-service.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import type { TenantRecord } from '../src/tenants/tenant-repo.ts';
import { createPerson, createWorkspace, upsertMembership } from '../src/workspaces/workspace-repo.ts';
import { control } from './drift-emulator-harness.ts';
import { openTestDatabase } from './helpers/database.ts';

/** Debian's chromium package; the suite never downloads a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('test-results');

export interface WebWorld {
  url: string;
  app: FastifyInstance;
  database: Database;
  emulator: RunningEmulator;
  jobs: Jobs;
  browser: Browser;
  workspaceId: string;
  /** the first tenant */
  tenant: TenantRecord;
  /** every tenant, in the order asked for (emulator tenant i is tenants[i]) */
  tenants: TenantRecord[];
  people: Record<'owner' | 'admin' | 'reader', { id: string; email: string; password: string }>;
  /** what the server logged at warn or above: a suite ends with none */
  warnings: string[];
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium. Missing, the suite fails (never skips) and says how to install it.
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: run \`apt-get install chromium\` (Debian's package; .ci/run does it)`,
    );
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** One emulated tenant of the world: its generator settings and the name it is connected under. */
export interface WebTenantSpec {
  users: number;
  profile: 'typical' | 'neglected';
  seed: string;
  name: string;
}

const ONE_TENANT: WebTenantSpec[] = [{ users: 60, profile: 'typical', seed: 'web-app', name: 'Contoso Web' }];

export interface WebWorldOptions {
  /** an SMTP server (as TENANTSCOPE_SMTP_URL gives it): invitation and reset emails are sent there */
  smtp?: SmtpSettings;
  /** the emulated tenants (one by default) */
  tenants?: WebTenantSpec[];
  /** sign-in with Microsoft through the first tenant's app registration (its callback is registered) */
  microsoftSignIn?: boolean;
}

/**
 * The real product on loopback: a database of its own, the emulator serving small tenants (one
 * by default), each connected through its app registration and synced once by the pipeline; the
 * job queue with an inline worker (so "Sync now" in the page really syncs); the app listening on
 * a free port that is also its public URL (so emailed links lead back to it); and the browser.
 * People: an owner, an admin and a `reports` member. The key-encryption key is set, so two-step
 * sign-in works.
 */
export async function openWebWorld(options: WebWorldOptions = {}): Promise<WebWorld> {
  const specs = options.tenants ?? ONE_TENANT;
  const warnings: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      warnings.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'warn', destination });
  const [emulator, database, browser] = await Promise.all([
    startEmulator({ tenants: specs.map(({ users, profile, seed }) => ({ users, profile, seed })) }),
    openTestDatabase(),
    launchChromium(),
  ]);
  const keks = [generateKey()];
  const vault = createVault(keks);
  const sync: SyncDeps = {
    db: database.db,
    vault,
    clock: systemClock,
    logger,
    extraCaFile: emulator.caFile,
    ...pipelineHooks({ db: database.db, clock: systemClock, logger }),
  };
  const workspaceId = (
    await withSystem(database.db, (tx) => createWorkspace(tx, { slug: 'web', name: 'Northwind MSP' }))
  ).id;
  const people = {
    owner: await person(database, workspaceId, 'owner', 'owner@web.test', 'Olivia Owner'),
    admin: await person(database, workspaceId, 'admin', 'admin@web.test', 'Adam Admin'),
    reader: await person(database, workspaceId, 'reports', 'reader@web.test', 'Rita Reader'),
  };
  const tenants: TenantRecord[] = [];
  for (const [i, spec] of specs.entries()) {
    const t = emulator.tenants[i]!;
    const tenant = await connectAppRegistration(sync, {
      workspaceId,
      actor: people.owner.id,
      microsoftTenantId: t.tenantId,
      clientId: t.clientId,
      credential: { kind: 'secret', clientSecret: t.clientSecret },
      cloud: 'global',
      endpoints: {
        authorityHost: emulator.authorityHost,
        graphUrl: emulator.graphUrl,
        armUrl: emulator.armUrl,
      },
      displayName: spec.name,
    });
    const first = await syncTenant(sync, { workspaceId, tenantId: tenant.id, trigger: 'manual' });
    expect(first.status).toBe('succeeded');
    // the next read comes soon after (a person pressing "Sync now"): refill Graph's CA bucket first
    await control(emulator, 'POST', '/throttle/reset');
    tenants.push(tenant);
  }
  const mail = options.smtp ? { smtp: options.smtp, from: 'Tenantscope <no-reply@web.test>' } : undefined;
  const jobs = await startJobs({
    database,
    logger,
    worker: true,
    sync,
    ...(mail ? { email: { mailer: mailerDepsFor({ db: database.db, logger, keks }, { mail }) } } : {}),
  });
  const port = await freePort();
  const t0 = emulator.tenants[0]!;
  if (options.microsoftSignIn)
    // as an administrator adds a redirect URI to the app registration in the portal
    emulator.stores[0]!.model.clients.find((c) => c.clientId === t0.clientId)!.redirectUris.push(
      `http://127.0.0.1:${port}/api/session/microsoft/callback`,
    );
  const app = await buildApp({
    config: { tls: false, publicUrl: `http://127.0.0.1:${port}` },
    ...(options.microsoftSignIn
      ? {
          microsoftSignIn: {
            clientId: t0.clientId,
            clientSecret: t0.clientSecret,
            tenant: 'organizations',
            authorityHost: emulator.authorityHost,
            extraCaFile: emulator.caFile,
          },
        }
      : {}),
    database,
    logger,
    jobs,
    connect: { vault, extraCaFile: emulator.caFile },
    keks,
    emails: mail ? { queuePending: () => jobs.queuePendingEmails() } : undefined,
  });
  const url = await app.listen({ host: '127.0.0.1', port });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    url,
    app,
    database,
    emulator,
    jobs,
    browser,
    workspaceId,
    tenant: tenants[0]!,
    tenants,
    people,
    warnings,
    async close() {
      await browser.close().catch(() => {});
      // the page is gone; a client that left a response unread must not hold the close
      app.server.closeAllConnections();
      await app.close();
      await jobs.stop();
      await emulator.close();
      await database.close();
    },
  };
}

/** A port free on loopback now, so the public URL can name it before the app listens. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function person(
  db: Database,
  workspaceId: string,
  role: MemberRole,
  email: string,
  displayName: string,
) {
  const password = `pw-${role}-${Math.random().toString(36).slice(2)}`;
  const passwordHash = await hashPassword(password);
  const p = await withSystem(db.db, (tx) => createPerson(tx, { email, displayName, passwordHash }));
  await withWorkspace(db.db, workspaceId, (tx) => upsertMembership(tx, workspaceId, p.id, role));
  return { id: p.id, email, password };
}

/** Signs in through the page, as a person would. */
export async function signIn(
  page: Page,
  url: string,
  who: { email: string; password: string },
): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * A page in a context of its own: en-GB, Paris time, 1280 × 900 unless told, each step given
 * 10 s (well under a test's own timeout, so a stuck step fails with Playwright's call log).
 * Script errors and CSP violations are pushed to `errors`; a refused API call (400, 401, 403,
 * 404) also logs a console error, and those are the answers these journeys expect.
 */
export async function openPage(
  world: Pick<WebWorld, 'browser'>,
  errors: string[],
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await world.browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Europe/Paris',
    ...options,
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[0134]/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return { context, page };
}

/** fetch() from inside the page, with the session's cookie (and its CSRF token on writes). */
export function fetchInPage(page: Page, method: string, url: string, body?: unknown) {
  return page.evaluate(
    async ({ method, url, body }) => {
      const me = await fetch('/api/me').then((r) => r.json());
      const res = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await res.text() };
    },
    { method, url, body },
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(SCREENSHOTS, `web-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
