import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../src/platform/logger.ts';
import { buildApp } from '../src/present/http/app.ts';
import type { Database } from '../src/storage/database.ts';
import { openTestDatabase } from './helpers/database.ts';

const SECRET_HEADER = 'Bearer super-secret-session-token-123';
let database: Database;
let app: FastifyInstance;
const logLines: string[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  const destination = new Writable({
    write(chunk, _e, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({
    level: 'trace',
    secretValues: ['super-secret-session-token-123'],
    destination,
  });
  app = await buildApp({ config: { tls: false }, database, logger });
  // A route that fails with a secret in its message, to prove neither the body nor the log leaks it.
  app.get('/test/explode', async (request) => {
    request.log.debug({ headers: request.headers }, 'headers seen');
    throw new Error(`database said: password authentication failed for ${SECRET_HEADER}`);
  });
});
afterAll(async () => {
  await app.close();
  await database.close();
});

describe('HTTP application', () => {
  test('GET /healthz answers ok', async () => {
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  test('GET /readyz reports the database and migrations', async () => {
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', database: 'ok', migrations: 'current' });
  });

  test('security headers are set', async () => {
    const res = await app.inject('/');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  test('HSTS is sent when the public URL is https', async () => {
    const tlsApp = await buildApp({
      config: { tls: true },
      database,
      logger: createLogger({ level: 'silent' }),
    });
    const res = await tlsApp.inject('/healthz');
    await tlsApp.close();
    expect(res.headers['strict-transport-security']).toContain('max-age=31536000');
  });

  test('an unknown route gets the error body with a stable code', async () => {
    const res = await app.inject('/nowhere?x=1');
    expect(res.statusCode).toBe(404);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['code', 'message', 'requestId', 'statusCode']);
    expect(body).toMatchObject({
      statusCode: 404,
      code: 'TS_ERR_NOT_FOUND',
      message: 'no route for GET /nowhere',
    });
    expect(body.requestId).toBe(res.headers['x-request-id']);
  });

  test('an internal failure answers 500 without internals, and the log holds no secret', async () => {
    const res = await app.inject({
      url: '/test/explode',
      headers: { authorization: SECRET_HEADER, cookie: 'sid=abcdef123456' },
    });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ statusCode: 500, code: 'TS_ERR_INTERNAL' });
    expect(res.body).not.toContain('password');
    const log = logLines.join('');
    expect(log).toContain('request failed');
    expect(log).toContain('headers seen');
    expect(log).not.toContain('super-secret-session-token-123');
    expect(log).not.toContain('abcdef123456');
  });

  test('a client-supplied request id is not trusted', async () => {
    const res = await app.inject({
      url: '/nowhere',
      headers: { 'request-id': 'forged', 'x-request-id': 'forged' },
    });
    expect(res.json().requestId).not.toBe('forged');
  });
});
