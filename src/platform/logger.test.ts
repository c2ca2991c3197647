import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { loadConfig } from './config.ts';
import { createLogger, REDACTED } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination, text: () => lines.join('') };
}

const DB_PASSWORD = 'Tr0ub4dor&3-correct-horse';
const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');

describe('logger redaction', () => {
  const config = loadConfig({
    DATABASE_URL: `postgres://app:${encodeURIComponent(DB_PASSWORD)}@127.0.0.1:5432/ts`,
    TENANTSCOPE_MASTER_KEY: MASTER_KEY,
  });

  test.each([
    [
      'a config value logged as a field',
      (log: ReturnType<typeof createLogger>) => log.info({ settings: { db: config.databaseUrl } }, 'started'),
    ],
    [
      'a secret inside a message',
      (log: ReturnType<typeof createLogger>) => log.warn(`could not connect with ${DB_PASSWORD}`),
    ],
    [
      'an error whose message quotes a secret',
      (log: ReturnType<typeof createLogger>) =>
        log.error({ err: new Error(`auth failed for key ${MASTER_KEY}`) }, 'boom'),
    ],
    [
      'a request header',
      (log: ReturnType<typeof createLogger>) =>
        log.info(
          {
            headers: { authorization: 'Bearer abc.def.ghi', cookie: 'session=xyz', 'x-api-key': 'k-123456' },
          },
          'request',
        ),
    ],
    [
      'a nested client secret',
      (log: ReturnType<typeof createLogger>) =>
        log.info({ tenant: { connection: { clientSecret: 'cs~value~123456' } } }, 'saved'),
    ],
    [
      'a JWT in free text',
      (log: ReturnType<typeof createLogger>) =>
        log.info('token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl used'),
    ],
  ])('%s never reaches the output', (_name, write) => {
    const out = capture();
    const log = createLogger({
      level: 'trace',
      secretValues: config.secretValues,
      destination: out.destination,
    });
    write(log);
    const text = out.text();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [
      DB_PASSWORD,
      encodeURIComponent(DB_PASSWORD),
      MASTER_KEY,
      'abc.def.ghi',
      'session=xyz',
      'k-123456',
      'cs~value~123456',
      'c2lnbmF0dXJl',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain(REDACTED);
  });

  test("Microsoft's redirect keeps its path in a request line, never its code or state", () => {
    const out = capture();
    createLogger({ level: 'info', destination: out.destination }).info(
      { req: { url: '/api/session/microsoft/callback?code=0.AUSN-single-use&state=st8t3-value' } },
      'incoming request',
    );
    const text = out.text();
    expect(text).toContain('/api/session/microsoft/callback?');
    expect(text).not.toContain('0.AUSN-single-use');
    expect(text).not.toContain('st8t3-value');
  });

  test('ordinary fields pass through untouched', () => {
    const out = capture();
    createLogger({ level: 'info', destination: out.destination }).info(
      { tenantId: 'abc', count: 3, tokenCount: 0 },
      'synced',
    );
    const line = JSON.parse(out.text());
    expect(line).toMatchObject({ tenantId: 'abc', count: 3, msg: 'synced' });
  });
});
