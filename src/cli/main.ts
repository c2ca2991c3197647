import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Config, loadConfig } from '../platform/config.ts';
import { formatErrorLine, isTenantscopeError } from '../platform/errors.ts';
import { scrubText } from '../platform/logger.ts';
import { BASELINE_USAGE, baselineCommand, driftTimelineCommand } from './commands/baseline.ts';
import { configCheckCommand } from './commands/config-check.ts';
import { demoCommand } from './commands/demo.ts';
import { KEYS_USAGE, keysCommand } from './commands/keys.ts';
import { migrateCommand } from './commands/migrate.ts';
import { PERSON_USAGE, personCommand } from './commands/person.ts';
import { serveCommand } from './commands/serve.ts';
import { SNAPSHOT_USAGE, snapshotCommand, snapshotOptions } from './commands/snapshot.ts';
import { CommandUsageError, syncCommand, TENANT_USAGE, tenantCommand } from './commands/tenant.ts';
import { workerCommand } from './commands/worker.ts';
import { CONNECTION_USAGE, connectionOptions, parseConnectionFlags } from './connection-flags.ts';
import { type CliIo, EXIT, processIo } from './io.ts';
import { USAGE } from './usage.ts';

const offlineCommands: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  scan: async (argv, io) => (await import('./commands/scan.ts')).scanCommand(argv, io),
  checks: async (argv, io) => (await import('./commands/checks.ts')).checksCommand(argv, io),
  drift: async (argv, io) => (await import('./commands/drift.ts')).driftCommand(argv, io),
  licences: async (argv, io) => (await import('./commands/licences.ts')).licencesCommand(argv, io),
};

class UsageError extends Error {
  constructor(
    message: string,
    readonly more?: string,
  ) {
    super(message);
  }
}

const listenOptions = {
  host: { type: 'string' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs one command line; returns the exit code. Never throws. */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  let config: Config | undefined;
  try {
    const [command, ...rest] = argv;
    if (command === undefined) throw new UsageError('no command given');
    if (command === '--help' || command === '-h' || command === 'help') return printUsage(io);
    if (command === '--version' || command === 'version') return printVersion(io, rest);
    if (command === 'emulator') return await runEmulator(rest, io);
    // The stored timeline of one object needs the database, unlike the offline `drift`.
    if (command === 'drift' && rest[0] === 'timeline') {
      const cfg = loadConfig(io.env);
      config = cfg;
      return await withCommandUsage(() => driftTimelineCommand(rest.slice(1), cfg, io), BASELINE_USAGE);
    }
    // Offline analysis commands: each parses its own flags and needs no database.
    const offline = offlineCommands[command];
    if (offline) return await offline(rest, io);
    const loaded = () => {
      config = loadConfig(io.env);
      return config;
    };
    switch (command) {
      case 'serve':
      case 'demo': {
        const { values } = parse(rest, listenOptions);
        if (values.help) return printUsage(io);
        const cfg = loaded();
        const listen = {
          host: values.host ?? cfg.host,
          port: values.port ? parsePort(values.port) : cfg.port,
        };
        return command === 'serve' ? await serveCommand(cfg, listen, io) : await demoCommand(cfg, listen, io);
      }
      case 'migrate': {
        if (parse(rest, { help: listenOptions.help }).values.help) return printUsage(io);
        return await migrateCommand(loaded(), io);
      }
      case 'snapshot': {
        const more = `${SNAPSHOT_USAGE}\n\n${CONNECTION_USAGE}`;
        const { values } = parse(rest, {
          ...connectionOptions,
          ...snapshotOptions,
          help: listenOptions.help,
        });
        if (values.help) return printUsage(io, more);
        if (!values.out) throw new UsageError('snapshot needs --out FILE', more);
        const connection = parseConnectionFlags(values, io.env);
        if ('error' in connection) throw new UsageError(connection.error, more);
        return await snapshotCommand(connection, values.out, io, {
          previous: values.previous,
          skipArm: values['skip-arm'],
        });
      }
      case 'tenant':
        return await withCommandUsage(() => tenantCommand(rest, loaded(), io), TENANT_USAGE);
      case 'person':
        return await withCommandUsage(() => personCommand(rest, loaded(), io), PERSON_USAGE);
      case 'sync':
        return await withCommandUsage(() => syncCommand(rest, loaded(), io), TENANT_USAGE);
      case 'baseline':
        return await withCommandUsage(() => baselineCommand(rest, loaded(), io), BASELINE_USAGE);
      case 'keys':
        return await withCommandUsage(() => keysCommand(rest, loaded(), io), KEYS_USAGE);
      case 'worker': {
        if (parse(rest, { help: listenOptions.help }).values.help) return printUsage(io);
        return await workerCommand(loaded(), io);
      }
      case 'config': {
        const { positionals } = parse(rest, {}, true);
        if (positionals.length !== 1 || positionals[0] !== 'check')
          throw new UsageError('expected `tenantscope config check`');
        return configCheckCommand(loaded(), io);
      }
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    return report(error, io, config);
  }
}

/** Turns a command's own usage error into ours, with that command's usage text. */
async function withCommandUsage(fn: () => Promise<number>, usage: string): Promise<number> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CommandUsageError) throw new UsageError(error.message, usage);
    throw error;
  }
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a number from 0 to 65535, got '${value}'`);
  return port;
}

async function runEmulator(args: string[], io: CliIo): Promise<number> {
  const { runEmulatorCommand } = await import('../emulator/emulator-cli.ts');
  return runEmulatorCommand(args, io);
}

function report(error: unknown, io: CliIo, config: Config | undefined): number {
  if (error instanceof UsageError) {
    io.stderr(`error: ${error.message}\n\n${USAGE}${error.more ? `\n\n${error.more}` : ''}`);
    return EXIT.usage;
  }
  const secrets = config?.secretValues ?? [];
  if (isTenantscopeError(error)) {
    io.stderr(scrubText(formatErrorLine(error), secrets));
    return EXIT.failed;
  }
  io.stderr(scrubText(`error: unexpected failure: ${(error as Error)?.message ?? String(error)}`, secrets));
  return EXIT.failed;
}

function printUsage(io: CliIo, more?: string): number {
  io.stdout(more ? `${USAGE}\n\n${more}` : USAGE);
  return EXIT.ok;
}

function printVersion(io: CliIo, rest: string[]): number {
  if (rest.length > 0) throw new UsageError(`version takes no arguments`);
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  io.stdout(`tenantscope ${pkg.version}`);
  return EXIT.ok;
}
