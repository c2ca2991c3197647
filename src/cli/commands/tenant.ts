import { parseArgs } from 'node:util';
import { systemClock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import { withSystem, withWorkspace } from '../../storage/transactions.ts';
import { syncTenant } from '../../sync/sync-service.ts';
import { connectAppRegistration } from '../../tenants/connect-service.ts';
import { createVault } from '../../tenants/credential-vault.ts';
import { findTenant, listTenants } from '../../tenants/tenant-repo.ts';
import { CONNECTION_USAGE, connectionOptions, parseConnectionFlags } from '../connection-flags.ts';
import type { CliIo } from '../io.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { syncDepsFor } from '../sync-deps.ts';
import { progressPrinter } from './snapshot.ts';
import { addByConsent, arm, purge } from './tenant-connect.ts';

export const TENANT_USAGE = `usage: tenantscope tenant add [--workspace SLUG] [--name NAME] [--arm] <connection options>
       tenantscope tenant add --admin-consent [--tenant-id ID] [--redirect-url URL] [--workspace SLUG]
       tenantscope tenant arm --tenant ID|NAME (--sign-in | --redirect-url URL | --reads off|app|delegated)
       tenantscope tenant list [--workspace SLUG] [--format table|json]
       tenantscope tenant purge --tenant ID|NAME --yes [--workspace SLUG]
       tenantscope sync --tenant ID|NAME [--workspace SLUG]

  tenant add     connect a tenant through its own app registration; the credential is checked by
                 signing in before anything is saved, then sealed in the vault. --arm: sync also
                 reads Azure with it (the app needs Reader and Cost Management Reader)
  tenant add --admin-consent
                 in two steps: first prints the admin-consent URL of Tenantscope's multi-tenant app
                 (TENANTSCOPE_APP_CLIENT_ID); open it, accept, then run the command again with
                 --redirect-url and the address the browser ended on (it need not load)
  tenant arm     --sign-in prints a delegated ARM sign-in URL (finish it with --redirect-url the
                 same way); --reads chooses how sync reads Azure, or turns it off
  tenant list    tenants of the workspace with their state and last sync
  tenant purge   disconnects the tenant and deletes everything held about it (snapshots, findings,
                 drift, licence summaries, sync runs); the audit log stays
  sync           read one tenant now, with progress per dataset (the server's worker does this on schedule)

${CONNECTION_USAGE}`;

/** A usage problem: the caller prints it with the usage and exits 2. */
export class CommandUsageError extends Error {}

export async function tenantCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') return list(rest, config, io);
  if (sub === 'purge') return purge(rest, config, io);
  if (sub === 'arm') return arm(rest, config, io);
  if (sub === 'add' && rest.includes('--admin-consent')) return addByConsent(rest, config, io);
  if (sub === 'add') return add(rest, config, io);
  throw new CommandUsageError(
    sub ? `unknown tenant command '${sub}'` : 'expected `tenant add`, `arm`, `list` or `purge`',
  );
}

async function add(argv: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parse(argv, {
    ...connectionOptions,
    workspace: { type: 'string' },
    name: { type: 'string' },
    arm: { type: 'boolean' },
  });
  const connection = parseConnectionFlags(values, io.env);
  if ('error' in connection) throw new CommandUsageError(connection.error);
  return withRuntime(config, async (runtime) => {
    const workspace = await resolveWorkspace(runtime, values.workspace as string | undefined);
    const tenant = await connectAppRegistration(
      {
        db: runtime.database.db,
        vault: createVault([runtime.masterKey.key]),
        clock: systemClock,
        extraCaFile: connection.caFile ?? config.extraCaFile,
      },
      {
        workspaceId: workspace.id,
        actor: 'cli',
        microsoftTenantId: connection.tenantId,
        clientId: connection.clientId,
        credential: connection.credential,
        cloud: connection.cloud,
        endpoints: pickOverrides(connection.endpoints, values),
        ...(typeof values.name === 'string' ? { displayName: values.name } : {}),
        ...(values.arm === true ? { arm: true } : {}),
      },
    );
    io.stdout(
      `Connected ${tenant.displayName} (${tenant.microsoftTenantId}) to workspace ${workspace.slug}; id ${tenant.id}. The first sync is due now.`,
    );
    return 0;
  });
}

async function list(argv: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parse(argv, { workspace: { type: 'string' }, format: { type: 'string' } });
  const format = (values.format as string | undefined) ?? 'table';
  if (format !== 'table' && format !== 'json') throw new CommandUsageError('--format must be table or json');
  return withRuntime(config, async (runtime) => {
    const workspace = await resolveWorkspace(runtime, values.workspace as string | undefined);
    const tenants = await withWorkspace(runtime.database.db, workspace.id, (tx) => listTenants(tx));
    if (format === 'json') {
      io.stdout(
        JSON.stringify(
          tenants.map(({ workspaceId: _w, ...t }) => t),
          null,
          2,
        ),
      );
      return 0;
    }
    if (tenants.length === 0)
      io.stdout(`No tenants in workspace ${workspace.slug}. Connect one with \`tenantscope tenant add\`.`);
    for (const t of tenants) {
      const last = t.lastSyncAt ? t.lastSyncAt.toISOString() : 'never';
      io.stdout(
        `${t.displayName.padEnd(28)} ${t.status.padEnd(12)} last sync ${last}${t.statusReason ? `  — ${t.statusReason}` : ''}`,
      );
    }
    return 0;
  });
}

export async function syncCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parse(argv, { workspace: { type: 'string' }, tenant: { type: 'string' } });
  if (typeof values.tenant !== 'string') throw new CommandUsageError('sync needs --tenant ID|NAME');
  return withRuntime(config, async (runtime) => {
    const workspace = await resolveWorkspace(runtime, values.workspace as string | undefined);
    const tenant = await withWorkspace(runtime.database.db, workspace.id, (tx) =>
      findTenant(tx, values.tenant as string),
    );
    if (!tenant)
      throw new TenantscopeError(
        'TS_ERR_NOT_FOUND',
        `no tenant '${values.tenant}' in workspace ${workspace.slug}`,
      );
    io.stderr(`Syncing ${tenant.displayName} …`);
    const deps = syncDepsFor(runtime, config);
    const result = await syncTenant(
      deps,
      { workspaceId: workspace.id, tenantId: tenant.id, trigger: 'manual' },
      progressPrinter(io),
    );
    if (result.status === 'succeeded') {
      io.stdout(
        `Synced ${tenant.displayName}: snapshot ${result.snapshotId ?? '(minimal mode: not stored)'}.`,
      );
      return 0;
    }
    io.stderr(`Sync ${result.status}: ${result.error?.message ?? ''} (${result.error?.code ?? ''})`);
    return 1;
  });
}

export async function withRuntime(
  config: Config,
  fn: (runtime: Runtime) => Promise<number>,
): Promise<number> {
  const runtime = await openRuntime(config, { migrate: true });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

/** The named workspace, or the only one there is. */
export async function resolveWorkspace(
  runtime: Runtime,
  slug: string | undefined,
): Promise<{ id: string; slug: string }> {
  const all = await withSystem(runtime.database.db, (tx) =>
    tx.selectFrom('workspaces').select(['id', 'slug']).orderBy('slug').execute(),
  );
  if (slug) {
    const found = all.find((w) => w.slug === slug);
    if (!found)
      throw new TenantscopeError(
        'TS_ERR_NOT_FOUND',
        `no workspace '${slug}' (there are: ${all.map((w) => w.slug).join(', ') || 'none'})`,
      );
    return found;
  }
  if (all.length === 1) return all[0]!;
  throw new CommandUsageError(
    all.length === 0
      ? 'no workspace exists yet: run `tenantscope demo` once, or create one'
      : `several workspaces exist; name one with --workspace (${all.map((w) => w.slug).join(', ')})`,
  );
}

function pickOverrides(
  endpoints: { authorityHost: string; graphUrl: string; armUrl: string },
  values: Record<string, unknown>,
) {
  return {
    ...(values['authority-host'] ? { authorityHost: endpoints.authorityHost } : {}),
    ...(values['graph-url'] ? { graphUrl: endpoints.graphUrl } : {}),
    ...(values['arm-url'] ? { armUrl: endpoints.armUrl } : {}),
  };
}

export function parse<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new CommandUsageError((error as Error).message);
  }
}
