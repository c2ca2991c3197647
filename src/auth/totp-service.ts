import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.ts';
import { decrypt, encrypt, generateKey, type SymmetricKey, unwrapKey, wrapKey } from '../platform/crypto.ts';
import { TenantscopeError } from '../platform/errors.ts';
import type { Schema } from '../storage/schema.ts';
import { type Tx, withSystem } from '../storage/transactions.ts';
import { newRecoveryCodes, newTotpSecret, normaliseRecoveryCode, otpauthUri, verifyTotp } from './totp.ts';

/**
 * The optional second factor. The TOTP secret is sealed like a tenant credential (a data key per
 * person, wrapped by the key-encryption key, which is never in the database), so a copy of the
 * database alone cannot mint codes. Recovery codes are kept as SHA-256 only.
 */
export interface SecondFactorDeps {
  db: Kysely<Schema>;
  clock: Clock;
  /** the key-encryption keys: `[0]` seals, every one opens (see `tenantscope keys rotate`) */
  keks?: readonly SymmetricKey[] | undefined;
}

export interface SecondFactorInput {
  totpCode?: string | undefined;
  recoveryCode?: string | undefined;
}

const ISSUER = 'Tenantscope';
export const totpOwner = (userId: string): string => `user:${userId}`;
const secretPlace = (userId: string) => `user:${userId}:totp`;
const hashCode = (code: string) => createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex');

function keysOf(deps: SecondFactorDeps): readonly SymmetricKey[] {
  if (!deps.keks?.length)
    throw new TenantscopeError('TS_ERR_MASTER_KEY_MISSING', 'two-step sign-in needs the key-encryption key');
  return deps.keks;
}

function openSecret(
  deps: SecondFactorDeps,
  userId: string,
  row: { wrapped_data_key: string; secret_ciphertext: string },
) {
  const dataKey = unwrapKey(keysOf(deps), row.wrapped_data_key, totpOwner(userId));
  return decrypt([dataKey], row.secret_ciphertext, secretPlace(userId));
}

export async function secondFactorEnabled(db: Kysely<Schema>, userId: string): Promise<boolean> {
  const row = await withSystem(db, (tx) =>
    tx.selectFrom('user_totp').select('confirmed_at').where('user_id', '=', userId).executeTakeFirst(),
  );
  return Boolean(row?.confirmed_at);
}

/**
 * Starts enrolment: a fresh secret, sealed, not yet asked for at sign-in. The secret goes back
 * once, to its own person, so their app can scan it; it is never readable again.
 */
export async function startTotpEnrolment(
  deps: SecondFactorDeps,
  person: { id: string; email: string },
): Promise<{ secret: string; otpauthUri: string }> {
  const keks = keysOf(deps);
  if (await secondFactorEnabled(deps.db, person.id))
    throw new TenantscopeError(
      'TS_ERR_SECOND_FACTOR_STATE',
      'two-step sign-in is already on for this account',
    );
  const secret = newTotpSecret();
  const dataKey = generateKey();
  const row = {
    user_id: person.id,
    wrapped_data_key: wrapKey(keks[0]!, dataKey, totpOwner(person.id)),
    secret_ciphertext: encrypt(dataKey, secret, secretPlace(person.id)),
    created_at: deps.clock.now(),
    confirmed_at: null,
    last_used_step: null,
  };
  await withSystem(deps.db, (tx) =>
    tx
      .insertInto('user_totp')
      .values(row)
      .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
      .execute(),
  );
  const uri = otpauthUri(ISSUER, person.email, secret);
  return { secret: new URL(uri).searchParams.get('secret') ?? '', otpauthUri: uri };
}

/** Proves the app makes the right codes, turns the factor on, and returns the recovery codes once. */
export async function confirmTotpEnrolment(
  deps: SecondFactorDeps,
  userId: string,
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  const now = deps.clock.now();
  const row = await withSystem(deps.db, (tx) =>
    tx.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst(),
  );
  if (!row || row.confirmed_at)
    throw new TenantscopeError(
      'TS_ERR_SECOND_FACTOR_STATE',
      row ? 'two-step sign-in is already on' : 'start enrolment first (POST /api/me/totp)',
    );
  const step = verifyTotp(openSecret(deps, userId, row), code, now, null);
  if (step === null)
    throw new TenantscopeError(
      'TS_ERR_SECOND_FACTOR_INVALID',
      'the code does not match the app just enrolled',
    );
  return withSystem(deps.db, async (tx) => {
    await tx
      .updateTable('user_totp')
      .set({ confirmed_at: now, last_used_step: step })
      .where('user_id', '=', userId)
      .execute();
    return { recoveryCodes: await replaceRecoveryCodes(tx, userId) };
  });
}

/**
 * Inside a system transaction: ten new recovery codes in place of every earlier one (used or
 * not), stored as SHA-256 only. The codes themselves are returned once, to be shown once.
 */
export async function replaceRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const recoveryCodes = newRecoveryCodes();
  await tx.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
  await tx
    .insertInto('user_recovery_codes')
    .values(recoveryCodes.map((c) => ({ user_id: userId, code_hash: hashCode(c), used_at: null })))
    .execute();
  return recoveryCodes;
}

/** Turns the factor off; needs a current code (or a recovery code) so a stolen session cannot. */
export async function disableTotp(
  deps: SecondFactorDeps,
  userId: string,
  input: SecondFactorInput,
): Promise<void> {
  const outcome = await checkSecondFactor(deps, userId, input);
  if (outcome === 'none')
    throw new TenantscopeError('TS_ERR_SECOND_FACTOR_STATE', 'two-step sign-in is not on for this account');
  if (outcome === 'missing')
    throw new TenantscopeError(
      'TS_ERR_SECOND_FACTOR_REQUIRED',
      'turning two-step sign-in off needs a current code',
    );
  if (outcome === 'wrong')
    throw new TenantscopeError('TS_ERR_SECOND_FACTOR_INVALID', 'the code is wrong or already used');
  await withSystem(deps.db, async (tx) => {
    await tx.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
    await tx.deleteFrom('user_totp').where('user_id', '=', userId).execute();
  });
}

/**
 * `none`: the person has no confirmed factor. `ok`: a code was right and is now spent (the step
 * moves forward, or the recovery code is marked used, in one conditional update, so two requests
 * racing with the same code cannot both pass). `missing` / `wrong`: refuse the sign-in.
 */
export async function checkSecondFactor(
  deps: SecondFactorDeps,
  userId: string,
  input: SecondFactorInput,
): Promise<'none' | 'ok' | 'missing' | 'wrong'> {
  const now = deps.clock.now();
  const row = await withSystem(deps.db, (tx) =>
    tx.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst(),
  );
  if (!row?.confirmed_at) return 'none';
  if (input.recoveryCode)
    return (await spendRecoveryCode(deps, userId, input.recoveryCode, now)) ? 'ok' : 'wrong';
  if (!input.totpCode) return 'missing';
  const lastUsed = row.last_used_step === null ? null : Number(row.last_used_step);
  const step = verifyTotp(openSecret(deps, userId, row), input.totpCode, now, lastUsed);
  if (step === null) return 'wrong';
  const spent = await withSystem(deps.db, (tx) =>
    tx
      .updateTable('user_totp')
      .set({ last_used_step: step })
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', String(step))]))
      .executeTakeFirst(),
  );
  return spent.numUpdatedRows > 0n ? 'ok' : 'wrong';
}

async function spendRecoveryCode(
  deps: SecondFactorDeps,
  userId: string,
  code: string,
  now: Date,
): Promise<boolean> {
  const result = await withSystem(deps.db, (tx) =>
    tx
      .updateTable('user_recovery_codes')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('code_hash', '=', hashCode(code))
      .where('used_at', 'is', null)
      .executeTakeFirst(),
  );
  return result.numUpdatedRows > 0n;
}

/** How many recovery codes are left, so the page can say when to make new ones. */
export async function recoveryCodesLeft(db: Kysely<Schema>, userId: string): Promise<number> {
  const row = await withSystem(db, (tx) =>
    tx
      .selectFrom('user_recovery_codes')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow(),
  );
  return Number(row.n);
}
