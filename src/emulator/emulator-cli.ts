import { parseArgs } from 'node:util';
import type { TenantProfile } from './contract.ts';
import { type RunningEmulator, startEmulator } from './index.ts';

/**
 * `tenantscope emulator --users N --profile P --seed S [--port N] [--print-json]`: starts one
 * generated tenant and prints what a client needs to reach it, then runs until SIGINT/SIGTERM.
 */
/** Matches the `tenantscope` CLI's io (src/cli/io.ts): text writers and a stop signal. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** resolves on SIGINT/SIGTERM; without it the command listens to the process signals itself */
  untilStopped?: () => Promise<void>;
}

export const USAGE =
  'usage: tenantscope emulator --users N --profile hardened|typical|neglected --seed S [--port N] [--print-json]';

const PROFILES: TenantProfile[] = ['hardened', 'typical', 'neglected'];

export interface EmulatorArgs {
  users: number;
  profile: TenantProfile;
  seed: string;
  port: number;
  printJson: boolean;
}

/** Parses and validates; returns an error line instead of throwing so the caller prints usage. */
export function parseEmulatorArgs(argv: string[]): EmulatorArgs | { error: string } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        users: { type: 'string', default: '50' },
        profile: { type: 'string', default: 'typical' },
        seed: { type: 'string', default: 'tenantscope' },
        port: { type: 'string', default: '0' },
        'print-json': { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0]! };
  }
  const users = Number(values.users);
  const port = Number(values.port);
  const profile = values.profile as TenantProfile;
  // the generator's documented range is 10 to 100,000 users (issue 3)
  if (!Number.isInteger(users) || users < 10 || users > 100_000)
    return { error: '--users must be an integer from 10 to 100000' };
  if (!PROFILES.includes(profile)) return { error: `--profile must be one of ${PROFILES.join(', ')}` };
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    return { error: '--port must be an integer from 0 to 65535' };
  return { users, profile, seed: String(values.seed), port, printJson: values['print-json'] === true };
}

export function describeEmulator(emu: RunningEmulator, printJson: boolean): string {
  const t = emu.tenants[0]!;
  if (printJson) {
    return `${JSON.stringify({
      authorityHost: emu.authorityHost,
      graphUrl: emu.graphUrl,
      armUrl: emu.armUrl,
      tenantId: t.tenantId,
      clientId: t.clientId,
      clientSecret: t.clientSecret,
      caFile: emu.caFile,
      controlUrl: emu.controlUrl,
      controlToken: emu.controlToken,
    })}\n`;
  }
  return [
    `Microsoft emulator listening on ${emu.authorityHost}`,
    `  tenant id      ${t.tenantId}`,
    `  client id      ${t.clientId}`,
    `  client secret  ${t.clientSecret}`,
    `  authority      ${emu.authorityHost}/${t.tenantId}`,
    `  graph / arm    ${emu.graphUrl}  ${emu.armUrl}`,
    `  CA certificate ${emu.caFile}  (trust it in your client)`,
    `  control API    ${emu.controlUrl}  (Authorization: Bearer ${emu.controlToken})`,
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

/** Exit code: 0 after a signal stopped it, 1 if it could not start, 2 for bad flags. */
export async function runEmulatorCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseEmulatorArgs(argv);
  if ('error' in args) {
    io.stderr(`tenantscope emulator: ${args.error}\n${USAGE}\n`);
    return 2;
  }
  let emu: RunningEmulator;
  try {
    emu = await startEmulator({
      tenants: [{ users: args.users, profile: args.profile, seed: args.seed }],
      port: args.port,
    });
  } catch (e) {
    io.stderr(`tenantscope emulator: could not start: ${(e as Error).message}\n`);
    return 1;
  }
  io.stdout(describeEmulator(emu, args.printJson));
  await (io.untilStopped ?? untilSignal)();
  await emu.close();
  return 0;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
