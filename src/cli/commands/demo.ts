import { connectDemoTenants, demoMicrosoftSignIn, startDemoEmulator } from '../../demo/demo-tenants.ts';
import { ensureDemoWorkspace } from '../../demo/demo-workspace.ts';
import type { Config } from '../../platform/config.ts';
import { withWorkspace } from '../../storage/transactions.ts';
import type { TenantRecord } from '../../tenants/tenant-repo.ts';
import type { CliIo } from '../io.ts';
import { type RunningServer, startServer } from './serve.ts';

export interface RunningDemo extends RunningServer {
  ownerEmail: string;
  newPassword?: string;
  workspaceId: string;
  tenants: TenantRecord[];
  /** the emulated Microsoft account that can be linked and sign in (sign-in with Microsoft) */
  microsoftUser?: { upn: string; password: string };
}

/**
 * The embedded product with a demo workspace, as `npm start` runs it: the Microsoft emulator with
 * two generated tenants, both connected and queued for a first sync by the inline worker.
 */
export async function startDemo(
  config: Config,
  listen: { host: string; port: number },
): Promise<RunningDemo> {
  const { emulator, caFile } = await startDemoEmulator(config.extraCaFile);
  let server: RunningServer | undefined;
  try {
    let demo: Awaited<ReturnType<typeof ensureDemoWorkspace>> | undefined;
    let tenants: TenantRecord[] = [];
    // Sign-in with Microsoft against the emulator, unless the operator configured a real one.
    const microsoft = config.microsoftSignIn ? undefined : demoMicrosoftSignIn(emulator, config.publicUrl);
    const demoConfig = {
      ...config,
      extraCaFile: caFile,
      microsoftSignIn: config.microsoftSignIn ?? microsoft?.settings,
    };
    server = await startServer(demoConfig, listen, async (runtime, sync) => {
      demo = await ensureDemoWorkspace(runtime.database.db, config.demo);
      tenants = await connectDemoTenants(sync, demo.workspace.id, emulator);
    });
    const workspace = demo!;
    for (const t of tenants)
      await server.jobs.enqueueSync({ workspaceId: workspace.workspace.id, tenantId: t.id, trigger: 'demo' });
    const running = server;
    return {
      ...running,
      ownerEmail: workspace.ownerEmail,
      workspaceId: workspace.workspace.id,
      tenants,
      ...(workspace.newPassword ? { newPassword: workspace.newPassword } : {}),
      ...(microsoft ? { microsoftUser: microsoft.user } : {}),
      async close() {
        await running.close();
        await emulator.close();
      },
    };
  } catch (error) {
    await server?.close();
    await emulator.close();
    throw error;
  }
}

export async function demoCommand(
  config: Config,
  listen: { host: string; port: number },
  io: CliIo,
): Promise<number> {
  const demo = await startDemo(config, listen);
  const storage = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  const lines = [
    '',
    `  Tenantscope demo is running at ${demo.url}`,
    '',
    `  Owner account:  ${demo.ownerEmail}`,
    demo.newPassword
      ? `  Password:       ${demo.newPassword}   (shown once; set TENANTSCOPE_DEMO_PASSWORD to choose it)`
      : '  Password:       unchanged (shown when first created; set TENANTSCOPE_DEMO_PASSWORD to reset it)',
    `  Data:           ${storage}`,
    `  Tenants:        ${demo.tenants.map((t) => t.displayName).join(', ')} (emulated by the built-in Microsoft emulator; syncing now)`,
    ...microsoftLines(demo.microsoftUser),
    '',
    '  Press Ctrl+C to stop.',
    '',
  ];
  io.stdout(lines.join('\n'));
  const stopWatching = watchFirstSyncs(demo, io);
  await io.untilStopped();
  stopWatching();
  await demo.close();
  return 0;
}

/** How to try sign-in with Microsoft: the emulated account to link, then to sign in with. */
function microsoftLines(user: RunningDemo['microsoftUser']): string[] {
  if (!user) return [];
  return [
    `  Microsoft:      link ${user.upn} in your account settings, then use "Sign in with Microsoft"`,
    `                  (emulated account; its password on the emulator's page: ${user.password})`,
  ];
}

/** Prints one line as each demo tenant's first sync ends, so the person at the terminal knows. */
function watchFirstSyncs(demo: RunningDemo, io: CliIo): () => void {
  const pending = new Map(demo.tenants.map((t) => [t.id, t.displayName]));
  const since = new Date();
  const timer = setInterval(async () => {
    const runs = await withWorkspace(demo.runtime.database.db, demo.workspaceId, (tx) =>
      tx
        .selectFrom('sync_runs')
        .select(['tenant_id', 'status', 'started_at', 'finished_at', 'requests', 'error_message'])
        .where('finished_at', '>=', since)
        .execute(),
    ).catch(() => []);
    for (const run of runs) {
      const name = pending.get(run.tenant_id);
      if (!name) continue;
      pending.delete(run.tenant_id);
      const seconds = ((run.finished_at!.getTime() - run.started_at.getTime()) / 1000).toFixed(1);
      io.stdout(
        run.status === 'succeeded'
          ? `  ${name}: synced in ${seconds} s (${run.requests} requests)`
          : `  ${name}: sync failed — ${run.error_message}`,
      );
    }
    if (pending.size === 0) clearInterval(timer);
  }, 2_000);
  timer.unref();
  return () => clearInterval(timer);
}
