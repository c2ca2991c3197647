import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { manualClock } from '../src/platform/clock.ts';
import { createLogger } from '../src/platform/logger.ts';
import { hashPassword } from '../src/platform/passwords.ts';
import { type AppDeps, buildApp } from '../src/present/http/app.ts';
import type { Database } from '../src/storage/database.ts';
import type { MemberRole } from '../src/storage/schema.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { createPerson, createWorkspace, upsertMembership } from '../src/workspaces/workspace-repo.ts';
import { openTestDatabase } from './helpers/database.ts';

/**
 * What the API suites share: a database of their own, the app on a clock the test moves, people
 * with passwords and roles, signed-in agents that carry the cookie and the CSRF token, and a
 * record of every response so each suite can prove no known secret was ever sent.
 */
export interface Agent {
  ip: string;
  cookie: string;
  csrfToken: string;
  personId: string;
  request(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

export interface Harness {
  database: Database;
  app: FastifyInstance;
  clock: ReturnType<typeof manualClock>;
  responses: LightMyRequestResponse[];
  /** warnings and errors the server logged: a suite ends with none */
  warnings: string[];
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  workspace(slug: string): Promise<string>;
  person(
    email: string,
    password: string,
    memberships: { workspaceId: string; role: MemberRole }[],
  ): Promise<string>;
  signIn(email: string, password: string, options?: { ip?: string; workspaceId?: string }): Promise<Agent>;
  assertNoSecrets(secrets: string[]): void;
  close(): Promise<void>;
}

let nextIp = 1;
/** A fresh address per agent, so the per-address rate limits of one test do not meet another's. */
export const freshIp = () => `10.0.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;

export async function openHarness(
  extra: Partial<Omit<AppDeps, 'database' | 'logger' | 'clock'>> = {},
): Promise<Harness> {
  const database = await openTestDatabase();
  const clock = manualClock(new Date());
  const warnings: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      warnings.push(String(chunk));
      done();
    },
  });
  const app = await buildApp({
    config: { tls: false, publicUrl: 'http://127.0.0.1:3000' },
    database,
    logger: createLogger({ level: 'warn', destination }),
    clock,
    ...extra,
  });
  const responses: LightMyRequestResponse[] = [];
  const inject = async (options: InjectOptions) => {
    const res = await app.inject(options);
    responses.push(res);
    return res;
  };
  const harness: Harness = {
    database,
    app,
    clock,
    responses,
    warnings,
    inject,
    async workspace(slug) {
      return (await withSystem(database.db, (tx) => createWorkspace(tx, { slug, name: `Workspace ${slug}` })))
        .id;
    },
    async person(email, password, memberships) {
      const passwordHash = await hashPassword(password);
      const person = await withSystem(database.db, (tx) => createPerson(tx, { email, passwordHash }));
      for (const m of memberships)
        await withWorkspace(database.db, m.workspaceId, (tx) =>
          upsertMembership(tx, m.workspaceId, person.id, m.role),
        );
      return person.id;
    },
    async signIn(email, password, options = {}) {
      const ip = options.ip ?? freshIp();
      const res = await inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: ip,
        payload: { email, password, ...(options.workspaceId ? { workspaceId: options.workspaceId } : {}) },
      });
      expect(res.statusCode, res.body).toBe(200);
      const cookie = res.cookies.find((c) => c.name === 'ts_session')!.value;
      const body = res.json();
      return {
        ip,
        cookie,
        csrfToken: body.csrfToken,
        personId: body.person.id,
        request: (method, url, payload, headers = {}) =>
          inject({
            method: method as 'GET',
            url,
            remoteAddress: ip,
            cookies: { ts_session: cookie },
            headers: { 'x-csrf-token': body.csrfToken, ...headers },
            ...(payload === undefined ? {} : { payload: payload as object }),
          }),
      };
    },
    assertNoSecrets(secrets) {
      expect(warnings, 'the server logged no warning or error').toEqual([]);
      expect(responses.length).toBeGreaterThan(0);
      for (const res of responses) {
        const seen = `${JSON.stringify(res.headers)}\n${res.body}`;
        for (const secret of secrets)
          expect(seen.includes(secret), `a response to ${res.raw.req.url} holds a secret`).toBe(false);
      }
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
  return harness;
}
