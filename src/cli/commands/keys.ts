import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { totpOwner } from '../../auth/totp-service.ts';
import type { Config } from '../../platform/config.ts';
import { type SymmetricKey, toKey, unwrapKey, wrapKey } from '../../platform/crypto.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import type { Database } from '../../storage/database.ts';
import { withSystem } from '../../storage/transactions.ts';
import { createVault, vaultOwner } from '../../tenants/credential-vault.ts';
import type { CliIo } from '../io.ts';
import { openRuntime } from '../runtime.ts';
import { CommandUsageError } from './tenant.ts';

export const KEYS_USAGE = `usage: tenantscope keys rotate --previous-key-file FILE

  Re-wraps every tenant's data key under the key-encryption key now configured
  (TENANTSCOPE_MASTER_KEY or TENANTSCOPE_MASTER_KEY_FILE). FILE holds the previous key (base64).
  Secrets themselves are not re-encrypted: only one small value per tenant changes. Keep the
  previous key until the command reports success.`;

export async function keysCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'rotate')
    throw new CommandUsageError('expected `tenantscope keys rotate --previous-key-file FILE`');
  let values: { 'previous-key-file'?: string | boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { 'previous-key-file': { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    throw new CommandUsageError((error as Error).message);
  }
  const file = values['previous-key-file'];
  if (typeof file !== 'string') throw new CommandUsageError('keys rotate needs --previous-key-file FILE');
  let previous: ReturnType<typeof toKey>;
  try {
    previous = toKey(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64'));
  } catch (cause) {
    if (cause instanceof TenantscopeError) throw cause;
    throw new TenantscopeError('TS_ERR_FILE_UNREADABLE', `cannot read ${file}`, { cause });
  }
  const runtime = await openRuntime(config, { migrate: true });
  try {
    const vault = createVault([runtime.masterKey.key, previous]);
    // A system operation: it spans every workspace, and touches only wrapped data keys.
    const count = await withSystem(runtime.database.db, async (tx) => {
      const rows = await tx
        .selectFrom('tenant_credentials')
        .innerJoin('tenants', 'tenants.id', 'tenant_credentials.tenant_id')
        .select([
          'tenant_credentials.tenant_id',
          'tenant_credentials.wrapped_data_key',
          'tenants.workspace_id',
          'tenants.microsoft_tenant_id',
        ])
        .execute();
      for (const row of rows) {
        const rewrapped = vault.rewrap(
          vaultOwner(row.workspace_id, row.microsoft_tenant_id),
          row.wrapped_data_key,
        );
        await tx
          .updateTable('tenant_credentials')
          .set({ wrapped_data_key: rewrapped })
          .where('tenant_id', '=', row.tenant_id)
          .execute();
      }
      return rows.length;
    });
    const people = await rewrapSecondFactors(runtime.database.db, [runtime.masterKey.key, previous]);
    io.stdout(
      `Re-wrapped ${count} tenant data key(s) and ${people} two-step sign-in key(s) under key ${runtime.masterKey.key.id}. The previous key is no longer needed.`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

/** Second-factor secrets are sealed under a data key per person (src/auth/totp-service.ts). */
async function rewrapSecondFactors(db: Database['db'], keks: readonly SymmetricKey[]): Promise<number> {
  return withSystem(db, async (tx) => {
    const rows = await tx.selectFrom('user_totp').select(['user_id', 'wrapped_data_key']).execute();
    for (const row of rows) {
      const owner = totpOwner(row.user_id);
      const rewrapped = wrapKey(keks[0]!, unwrapKey(keks, row.wrapped_data_key, owner), owner);
      await tx
        .updateTable('user_totp')
        .set({ wrapped_data_key: rewrapped })
        .where('user_id', '=', row.user_id)
        .execute();
    }
    return rows.length;
  });
}
