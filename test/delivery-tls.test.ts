import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { enqueueEmail } from '../src/delivery/outbox.ts';
import { attemptEmail, createTransport, type MailerDeps } from '../src/delivery/outbox-sender.ts';
import { generateTlsMaterial } from '../src/emulator/server/tls.ts';
import { manualClock } from '../src/platform/clock.ts';
import type { SmtpSettings } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import type { Database } from '../src/storage/database.ts';
import { withSystem } from '../src/storage/transactions.ts';
import { openTestDatabase } from './helpers/database.ts';

const USER = 'mailer';
const PASSWORD = 'tls-suite-smtp-password';
const tls = generateTlsMaterial();
let database: Database;
const seen = { logins: 0, messages: 0, secure: [] as boolean[] };
const servers: SMTPServer[] = [];

async function listen(options: ConstructorParameters<typeof SMTPServer>[0]): Promise<number> {
  const server = new SMTPServer({
    logger: false,
    onAuth(auth, session, callback) {
      seen.logins++;
      seen.secure.push(Boolean(session.secure));
      if (auth.username === USER && auth.password === PASSWORD) return callback(null, { user: USER });
      return callback(Object.assign(new Error('bad login'), { responseCode: 535 }));
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        seen.messages++;
        callback(null, 'ok');
      });
    },
    ...options,
  });
  // a client that refuses the certificate drops the connection: expected here, not a failure
  server.on('error', () => {});
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.server.address() as AddressInfo).port;
}

const settings = (port: number, over: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: '127.0.0.1',
  port,
  secure: true,
  requireTls: false,
  user: USER,
  password: PASSWORD,
  describe: `smtps://127.0.0.1:${port}`,
  ...over,
});

const mailer = (smtp: SmtpSettings, tlsCa?: string): MailerDeps => ({
  db: database.db,
  clock: manualClock(new Date()),
  logger: createLogger({ level: 'silent' }),
  smtp,
  from: 'Tenantscope <no-reply@ts.test>',
  keks: [],
  tlsCa,
});

const enqueue = () =>
  withSystem(database.db, (tx) =>
    enqueueEmail(tx, {
      workspaceId: null,
      kind: 'test',
      to: 'someone@example.com',
      content: { subject: 'TLS', heading: 'TLS', paragraphs: ['Over TLS.'] },
    }),
  ) as Promise<string>;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
  await database?.close();
});

describe('SMTP over TLS', () => {
  test('smtps:// speaks TLS from the first byte and logs in inside it', async () => {
    const port = await listen({ secure: true, key: tls.keyPem, cert: tls.certPem });
    const smtp = settings(port);
    const id = await enqueue();
    const result = await attemptEmail(mailer(smtp, tls.caPem), createTransport(smtp, tls.caPem), id, false);
    expect(result.outcome).toBe('sent');
    expect(seen.secure.at(-1)).toBe(true);
    expect(seen.messages).toBe(1);
  });

  test('a server certificate nobody vouches for is refused before the password is sent', async () => {
    const port = await listen({ secure: true, key: tls.keyPem, cert: tls.certPem });
    const smtp = settings(port);
    const logins = seen.logins;
    const id = await enqueue();
    const result = await attemptEmail(mailer(smtp), createTransport(smtp), id, false);
    expect(result.outcome).toBe('retry');
    expect(seen.logins).toBe(logins);
    expect(seen.messages).toBe(1);
  });

  test('smtp:// with credentials to a remote host (requireTls) refuses a server that offers no STARTTLS', async () => {
    const port = await listen({ secure: false, disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
    const smtp = settings(port, { secure: false, requireTls: true, describe: `smtp://127.0.0.1:${port}` });
    const logins = seen.logins;
    const id = await enqueue();
    const result = await attemptEmail(mailer(smtp), createTransport(smtp), id, false);
    expect(result.outcome).toBe('retry');
    expect(seen.logins).toBe(logins);
    expect(seen.messages).toBe(1);
  });
});
