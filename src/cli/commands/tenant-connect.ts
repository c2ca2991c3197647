import { systemClock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import { withWorkspace } from '../../storage/transactions.ts';
import {
  completeArmDelegated,
  getArmCredential,
  startArmDelegated,
} from '../../tenants/arm-delegated-service.ts';
import { type ConsentDeps, completeAdminConsent, startAdminConsent } from '../../tenants/consent-service.ts';
import { createVault } from '../../tenants/credential-vault.ts';
import { purgeTenant } from '../../tenants/purge-service.ts';
import { findTenant, type TenantRecord } from '../../tenants/tenant-repo.ts';
import { connectionOptions, parseConnectionFlags } from '../connection-flags.ts';
import type { CliIo } from '../io.ts';
import type { Runtime } from '../runtime.ts';
import { CommandUsageError, parse, resolveWorkspace, withRuntime } from './tenant.ts';

/**
 * Admin consent and delegated ARM from the command line, in two steps: the first run prints
 * Microsoft's URL (its `state` is stored, hashed, for 10 minutes, bound to the actor `cli`); the
 * person opens it, accepts, and runs the command again with `--redirect-url` and the address the
 * browser ended on. Nothing listens on a port: the redirect URI is the server's
 * (`TENANTSCOPE_PUBLIC_URL/api/connect/callback`), which need not even be running, and pasting
 * works the same on a machine without a browser.
 */
const ACTOR = 'cli';

function consentDeps(runtime: Runtime, config: Config, caFile: string | undefined): ConsentDeps {
  return {
    db: runtime.database.db,
    vault: createVault([runtime.masterKey.key]),
    clock: systemClock,
    extraCaFile: caFile ?? config.extraCaFile,
    app: config.app,
  };
}

/** The query of a pasted redirect address; a usage error when it is not one. */
function redirectQuery(raw: string): Record<string, string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CommandUsageError('--redirect-url must be the full address the browser ended on');
  }
  return Object.fromEntries(url.searchParams);
}

export async function addByConsent(argv: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parse(argv, {
    ...connectionOptions,
    'admin-consent': { type: 'boolean' },
    'redirect-url': { type: 'string' },
    workspace: { type: 'string' },
    name: { type: 'string' },
  });
  const all = values as Record<string, string | boolean | undefined>;
  const str = (k: string) => (typeof all[k] === 'string' ? (all[k] as string) : undefined);
  // The app and its secret come from configuration: only the endpoint flags matter here.
  const flags = parseConnectionFlags(
    {
      ...values,
      'tenant-id': str('tenant-id') ?? 'organizations',
      'client-id': 'app',
      'client-secret-env': 'X',
    },
    { X: 'unused' },
  );
  if ('error' in flags) throw new CommandUsageError(flags.error);
  return withRuntime(config, async (runtime) => {
    const workspace = await resolveWorkspace(runtime, str('workspace'));
    const deps = consentDeps(runtime, config, flags.caFile);
    const redirect = str('redirect-url');
    if (redirect) {
      const tenant = await completeAdminConsent(deps, {
        workspaceId: workspace.id,
        actor: ACTOR,
        query: redirectQuery(redirect),
      });
      io.stdout(
        `Connected ${tenant.displayName} (${tenant.microsoftTenantId}) by admin consent to workspace ${workspace.slug}; id ${tenant.id}. The first sync is due now.`,
      );
      return 0;
    }
    const endpoints = {
      ...(str('authority-host') ? { authorityHost: flags.endpoints.authorityHost } : {}),
      ...(str('graph-url') ? { graphUrl: flags.endpoints.graphUrl } : {}),
      ...(str('arm-url') ? { armUrl: flags.endpoints.armUrl } : {}),
    };
    const started = await startAdminConsent(deps, {
      workspaceId: workspace.id,
      actor: ACTOR,
      microsoftTenantId: str('tenant-id'),
      cloud: flags.cloud,
      endpoints,
      redirectUri: `${config.publicUrl}/api/connect/callback`,
      displayName: str('name'),
    });
    io.stdout(started.url);
    io.stderr(
      `Open the address above as an administrator of the tenant and accept (until ${started.expiresAt.toISOString()}). ` +
        `Then run: tenantscope tenant add --admin-consent --redirect-url '<the address your browser ended on>'`,
    );
    return 0;
  });
}

export async function arm(argv: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parse(argv, {
    tenant: { type: 'string' },
    workspace: { type: 'string' },
    'sign-in': { type: 'boolean' },
    'redirect-url': { type: 'string' },
    reads: { type: 'string' },
  });
  const reads = values.reads as string | undefined;
  const modes = [values['sign-in'] === true, values['redirect-url'] !== undefined, reads !== undefined];
  if (modes.filter(Boolean).length !== 1)
    throw new CommandUsageError('tenant arm needs one of --sign-in, --redirect-url or --reads');
  if (reads !== undefined && reads !== 'off' && reads !== 'app' && reads !== 'delegated')
    throw new CommandUsageError('--reads must be off, app or delegated');
  return withRuntime(config, async (runtime) => {
    const workspace = await resolveWorkspace(runtime, values.workspace as string | undefined);
    const deps = consentDeps(runtime, config, undefined);
    if (typeof values['redirect-url'] === 'string') {
      const done = await completeArmDelegated(deps, {
        workspaceId: workspace.id,
        actor: ACTOR,
        query: redirectQuery(values['redirect-url']),
      });
      io.stdout(
        `Azure of ${done.tenant.displayName} will be read as ${done.signedInAs ?? 'the signed-in person'} (${done.subscriptions} subscriptions visible).`,
      );
      return 0;
    }
    const tenant = await mustFindTenant(runtime, workspace, values.tenant);
    if (values['sign-in'] === true) {
      const started = await startArmDelegated(deps, {
        workspaceId: workspace.id,
        actor: ACTOR,
        tenant: tenant.id,
        redirectUri: `${config.publicUrl}/api/connect/callback`,
      });
      io.stdout(started.url);
      io.stderr(
        `Sign in there as someone whose Azure roles Tenantscope may read with. Then run: tenantscope tenant arm --redirect-url '<the address your browser ended on>'`,
      );
      return 0;
    }
    await withWorkspace(runtime.database.db, workspace.id, async (tx) => {
      if (reads === 'delegated' && !(await getArmCredential(tx, tenant.id)))
        throw new TenantscopeError(
          'TS_ERR_TENANT_STATE',
          'no delegated ARM sign-in is stored; run tenant arm --sign-in',
        );
      await tx
        .updateTable('tenants')
        .set({ arm_reads: reads as TenantRecord['armReads'] })
        .where('id', '=', tenant.id)
        .execute();
    });
    io.stdout(`Azure reads of ${tenant.displayName}: ${reads}.`);
    return 0;
  });
}

export async function purge(argv: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parse(argv, {
    tenant: { type: 'string' },
    workspace: { type: 'string' },
    yes: { type: 'boolean' },
  });
  if (values.yes !== true)
    throw new CommandUsageError(
      'purging deletes every snapshot, finding and sync of the tenant: confirm with --yes',
    );
  return withRuntime(config, async (runtime) => {
    const workspace = await resolveWorkspace(runtime, values.workspace as string | undefined);
    const tenant = await mustFindTenant(runtime, workspace, values.tenant);
    // The CLI acts as the installation's operator: disconnect (soft delete) first, then purge.
    await withWorkspace(runtime.database.db, workspace.id, async (tx) => {
      await tx.deleteFrom('tenant_credentials').where('tenant_id', '=', tenant.id).execute();
      await tx.deleteFrom('tenant_arm_credentials').where('tenant_id', '=', tenant.id).execute();
      await tx
        .updateTable('tenants')
        .set({ status: 'disconnected', status_reason: 'purged from the command line', next_sync_at: null })
        .where('id', '=', tenant.id)
        .execute();
    });
    const result = await purgeTenant(runtime.database.db, {
      workspaceId: workspace.id,
      tenantId: tenant.id,
      actor: ACTOR,
    });
    io.stdout(
      `Purged ${tenant.displayName}: ${result.snapshots} snapshots and ${result.syncRuns} sync runs with their findings, drift and licence summaries. The audit log keeps its entries.`,
    );
    return 0;
  });
}

async function mustFindTenant(
  runtime: Runtime,
  workspace: { id: string; slug: string },
  ref: unknown,
): Promise<TenantRecord> {
  if (typeof ref !== 'string') throw new CommandUsageError('name the tenant with --tenant ID|NAME');
  const tenant = await withWorkspace(runtime.database.db, workspace.id, (tx) => findTenant(tx, ref));
  if (!tenant)
    throw new TenantscopeError('TS_ERR_NOT_FOUND', `no tenant '${ref}' in workspace ${workspace.slug}`);
  return tenant;
}
