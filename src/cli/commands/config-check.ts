import type { Config } from '../../platform/config.ts';
import type { CliIo } from '../io.ts';

/** Prints every setting with its effective value; secrets show only that they are set. */
export function configCheckCommand(config: Config, io: CliIo): number {
  const width = Math.max(...config.described.map((d) => d.name.length));
  io.stdout('Configuration is valid.\n');
  for (const d of config.described) {
    const origin = d.fromEnv ? 'env' : 'default';
    io.stdout(`  ${d.name.padEnd(width)}  ${d.value}  [${origin}${d.secret ? ', secret' : ''}]`);
  }
  io.stdout(`\n  data dir resolves to ${config.dataDir}`);
  io.stdout(`  database: ${config.databaseUrl ? 'PostgreSQL' : 'embedded PGlite'}`);
  return 0;
}
