import path from 'node:path';
import type { Config } from '../platform/config.ts';
import { claimDataDir, type DataDir } from '../platform/data-dir.ts';
import { createLogger, type Logger } from '../platform/logger.ts';
import { type MasterKey, resolveMasterKey } from '../platform/master-key.ts';
import { type Database, openDatabase } from '../storage/database.ts';
import { migrate } from '../storage/migrate.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  database: Database;
  masterKey: MasterKey;
  close(): Promise<void>;
}

/**
 * Opens everything a long-running command needs, in an order that writes nothing until the
 * inputs are known to be good: the configuration is already parsed; PostgreSQL is reached before
 * any file is created; the data dir is claimed only when something lives there.
 */
export async function openRuntime(
  config: Config,
  options: { migrate: boolean; logger?: Logger },
): Promise<Runtime> {
  const logger =
    options.logger ?? createLogger({ level: config.logLevel, secretValues: config.secretValues });
  const embedded = !config.databaseUrl;
  const needsKeyFile = !config.masterKey && !config.masterKeyFile;
  // A configured key (or production's demand for one) is checked before anything is written.
  const configuredKey = needsKeyFile && config.env !== 'production' ? undefined : resolveMasterKey(config);

  let dataDir: DataDir | undefined;
  let database: Database | undefined;
  try {
    if (!embedded) database = await openDatabase({ databaseUrl: config.databaseUrl });
    if (embedded || needsKeyFile) dataDir = claimDataDir(config.dataDir);
    database ??= await openDatabase({ pgliteDir: path.join(config.dataDir, 'pgdata') });
    const masterKey = configuredKey ?? resolveMasterKey(config);
    if (masterKey.source === 'generated') {
      logger.warn(
        { file: masterKey.file },
        'generated a key-encryption key in the data dir for this demo; in production set TENANTSCOPE_MASTER_KEY or TENANTSCOPE_MASTER_KEY_FILE',
      );
    }
    if (options.migrate) {
      const { applied } = await migrate(database.db);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
    }
    const opened = database;
    return {
      config,
      logger,
      database: opened,
      masterKey,
      async close() {
        await opened.close();
        dataDir?.release();
      },
    };
  } catch (error) {
    await database?.close().catch(() => {});
    dataDir?.release();
    throw error;
  }
}
