import type { Kysely } from 'kysely';
import { systemClock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import type { SymmetricKey } from '../platform/crypto.ts';
import type { Logger } from '../platform/logger.ts';
import type { Schema } from '../storage/schema.ts';
import type { MailerDeps } from './outbox-sender.ts';

/** What the sender needs, the same for `serve`, `demo` and `tenantscope worker`. */
export function mailerDepsFor(
  opened: { db: Kysely<Schema>; logger: Logger; keks: readonly SymmetricKey[] },
  config: Pick<Config, 'mail'>,
): MailerDeps {
  return {
    db: opened.db,
    clock: systemClock,
    logger: opened.logger,
    smtp: config.mail.smtp,
    from: config.mail.from,
    keks: opened.keks,
  };
}
