import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { loadConfig, type SmtpSettings } from '../src/platform/config.ts';

/**
 * A real SMTP server on 127.0.0.1 (smtp-server), receiving and parsing every message
 * (mailparser), for the delivery suites. It can refuse the next messages with a given reply
 * (451: try later; 550: never) and can demand a login.
 */
export interface TestSmtp {
  port: number;
  received: Received[];
  /** the next `count` messages are answered with `code` instead of 250 */
  refuseNext(count: number, code: number): void;
  /** settings as TENANTSCOPE_SMTP_URL would give them */
  settings(credentials?: { user: string; password: string }): SmtpSettings;
  /** resolves when `n` messages have been received */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export interface Received {
  envelopeTo: string[];
  mail: ParsedMail;
  raw: string;
}

export async function startTestSmtp(
  options: { login?: { user: string; password: string } } = {},
): Promise<TestSmtp> {
  const received: Received[] = [];
  let refusals: { count: number; code: number } = { count: 0, code: 250 };
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    secure: false,
    // no certificate in this loopback test server: the client must not be asked to upgrade
    disabledCommands: options.login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.login,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const login = options.login;
      if (login && auth.username === login.user && auth.password === login.password)
        return callback(null, { user: auth.username });
      const error = Object.assign(new Error('Invalid username or password'), { responseCode: 535 });
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusals.count > 0) {
          refusals = { count: refusals.count - 1, code: refusals.code };
          const error = Object.assign(
            new Error(refusals.code >= 500 ? 'mailbox unavailable' : 'try again later'),
            {
              responseCode: refusals.code,
            },
          );
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((mail) => {
            received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), mail, raw });
            for (const w of waiters.splice(0)) w();
            callback(null, `queued as test-${received.length}`);
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    refuseNext(count, code) {
      refusals = { count, code };
    },
    settings(credentials) {
      const auth = credentials
        ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@`
        : '';
      const smtp = loadConfig({ TENANTSCOPE_SMTP_URL: `smtp://${auth}127.0.0.1:${port}` }).mail.smtp;
      if (!smtp) throw new Error('no SMTP settings');
      return smtp;
    },
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${received.length} of ${n} emails arrived`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link to this server's public URL in a message's plain text. */
export function linkIn(mail: ParsedMail, path: string): string {
  const match = new RegExp(`https?://[^\\s]+/${path}/[A-Za-z0-9_-]{43}`).exec(mail.text ?? '');
  if (!match) throw new Error(`no /${path}/ link in the email`);
  return match[0];
}
