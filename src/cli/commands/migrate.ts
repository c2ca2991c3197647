import type { Config } from '../../platform/config.ts';
import { migrate } from '../../storage/migrate.ts';
import type { CliIo } from '../io.ts';
import { openRuntime } from '../runtime.ts';

export async function migrateCommand(config: Config, io: CliIo): Promise<number> {
  const runtime = await openRuntime(config, { migrate: false });
  try {
    const { applied } = await migrate(runtime.database.db);
    io.stdout(
      applied.length
        ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
        : 'The database is up to date.',
    );
    return 0;
  } finally {
    await runtime.close();
  }
}
