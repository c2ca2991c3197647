import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.ts';
import { withSystem } from '../storage/transactions.ts';
import { afterFailure, type ThrottleRule, type ThrottleState } from './throttle-policy.ts';

/** Counter keys: the account as typed (lower-cased) and the client address. */
export const accountKey = (email: string) => `account:${email}`;
export const ipKey = (ip: string) => `ip:${ip}`;

export async function readThrottle(db: Kysely<Schema>, keys: string[]): Promise<Map<string, ThrottleState>> {
  const rows = await withSystem(db, (tx) =>
    tx.selectFrom('sign_in_throttle').selectAll().where('key', 'in', keys).execute(),
  );
  return new Map(
    rows.map((r) => [
      r.key,
      { failures: r.failures, lastFailureAt: r.last_failure_at, lockedUntil: r.locked_until },
    ]),
  );
}

/**
 * Counts one failure on each key. Read and write happen in one transaction with the row locked
 * (`FOR UPDATE`), so parallel guesses on PostgreSQL cannot lose increments.
 */
export async function recordFailure(
  db: Kysely<Schema>,
  entries: { key: string; rule: ThrottleRule }[],
  now: Date,
): Promise<ThrottleState[]> {
  return withSystem(db, async (tx) => {
    const out: ThrottleState[] = [];
    for (const { key, rule } of entries) {
      const row = await tx
        .selectFrom('sign_in_throttle')
        .selectAll()
        .where('key', '=', key)
        .forUpdate()
        .executeTakeFirst();
      const next = afterFailure(
        rule,
        row && { failures: row.failures, lastFailureAt: row.last_failure_at, lockedUntil: row.locked_until },
        now,
      );
      const values = {
        failures: next.failures,
        last_failure_at: next.lastFailureAt,
        locked_until: next.lockedUntil,
      };
      await tx
        .insertInto('sign_in_throttle')
        .values({ key, ...values })
        .onConflict((oc) => oc.column('key').doUpdateSet(values))
        .execute();
      out.push(next);
    }
    return out;
  });
}

export async function clearThrottle(db: Kysely<Schema>, key: string): Promise<void> {
  await withSystem(db, (tx) => tx.deleteFrom('sign_in_throttle').where('key', '=', key).execute());
}
