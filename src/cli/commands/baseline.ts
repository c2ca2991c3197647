import { parseArgs } from 'node:util';
import { compareWithBaseline } from '../../pipeline/baseline-compare.ts';
import { getBaseline, latestBaselineComparison, pinBaseline } from '../../pipeline/baseline-queries.ts';
import { objectTimeline } from '../../pipeline/drift-queries.ts';
import { systemClock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import { withSystem, withWorkspace } from '../../storage/transactions.ts';
import { findTenant } from '../../tenants/tenant-repo.ts';
import type { CliIo } from '../io.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { CommandUsageError } from './tenant.ts';

export const BASELINE_USAGE = `usage: tenantscope baseline set --tenant ID|NAME [--snapshot ID] [--note TEXT] [--workspace SLUG]
       tenantscope baseline show --tenant ID|NAME [--format text|json] [--workspace SLUG]
       tenantscope drift timeline --tenant ID|NAME --kind KIND --object ID [--format text|json] [--workspace SLUG]

  baseline set    pin a complete snapshot (the newest by default) as the tenant's baseline, replacing
                  any earlier one (audited), and compare the newest snapshot with it
  baseline show   the pinned baseline and the newest comparison with it
  drift timeline  the stored history of one configuration object across the tenant's snapshots`;

export async function baselineCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parse(rest, {
    tenant: { type: 'string' },
    snapshot: { type: 'string' },
    note: { type: 'string' },
    format: { type: 'string' },
    workspace: { type: 'string' },
  });
  if (sub !== 'set' && sub !== 'show')
    throw new CommandUsageError(
      sub ? `unknown baseline command '${sub}'` : 'expected `baseline set` or `baseline show`',
    );
  if (!values.tenant) throw new CommandUsageError(`baseline ${sub} needs --tenant ID|NAME`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new CommandUsageError('--format must be text or json');
  if (sub === 'show' && (values.snapshot || values.note))
    throw new CommandUsageError('--snapshot and --note are for `baseline set`');
  return withTenant(config, values, async (runtime, workspaceId, tenant) => {
    const db = runtime.database.db;
    if (sub === 'set') {
      const pinned = await withWorkspace(db, workspaceId, (tx) =>
        pinBaseline(tx, {
          workspaceId,
          tenantId: tenant.id,
          ...(values.snapshot ? { snapshotId: values.snapshot } : {}),
          ...(values.note ? { note: values.note } : {}),
          by: 'cli',
          now: systemClock.now(),
        }),
      );
      await compareWithBaseline(
        { db, clock: systemClock, logger: runtime.logger },
        { workspaceId, tenantId: tenant.id },
      );
      io.stdout(
        `Pinned snapshot ${pinned.snapshotId} (${pinned.collectedAt.toISOString()}) as the baseline of ${tenant.displayName}.`,
      );
    }
    const [baseline, comparison] = await withWorkspace(
      db,
      workspaceId,
      async (tx) =>
        [await getBaseline(tx, tenant.id), await latestBaselineComparison(tx, tenant.id)] as const,
    );
    if (format === 'json') {
      io.stdout(JSON.stringify({ baseline, comparison }, null, 2));
      return 0;
    }
    if (!baseline) {
      io.stdout(
        `${tenant.displayName} has no baseline. Pin one with \`tenantscope baseline set --tenant …\`.`,
      );
      return 0;
    }
    io.stdout(
      `Baseline of ${tenant.displayName}: snapshot ${baseline.snapshotId} of ${baseline.collectedAt.toISOString()}, pinned by ${baseline.pinnedBy}${baseline.note ? ` — ${baseline.note}` : ''}`,
    );
    if (!comparison) {
      io.stdout('Not compared yet.');
      return 0;
    }
    const s = comparison.summary;
    io.stdout(
      `Snapshot of ${comparison.collectedAt.toISOString()}: ${s.added ?? 0} added, ${s.removed ?? 0} removed, ${s.changed ?? 0} changed since the baseline.`,
    );
    for (const nc of comparison.notCompared as { dataset: string; reason: string }[])
      io.stdout(`  not compared: ${nc.dataset} (${nc.reason})`);
    for (const e of comparison.events as {
      kind: string;
      objectKind: string;
      objectName: string;
      path: string;
    }[])
      io.stdout(`  ${e.kind.padEnd(8)} ${e.objectKind} "${e.objectName}"${e.path ? ` ${e.path}` : ''}`);
    return 0;
  });
}

/** `tenantscope drift timeline`: the stored history of one object (needs the database). */
export async function driftTimelineCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parse(argv, {
    tenant: { type: 'string' },
    kind: { type: 'string' },
    object: { type: 'string' },
    format: { type: 'string' },
    workspace: { type: 'string' },
  });
  if (!values.tenant || !values.kind || !values.object)
    throw new CommandUsageError('drift timeline needs --tenant ID|NAME, --kind KIND and --object ID');
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new CommandUsageError('--format must be text or json');
  return withTenant(config, values, async (runtime, workspaceId, tenant) => {
    const points = await withWorkspace(runtime.database.db, workspaceId, (tx) =>
      objectTimeline(tx, tenant.id, values.kind!, values.object!),
    );
    if (format === 'json') {
      io.stdout(JSON.stringify(points, null, 2));
      return 0;
    }
    if (points.length === 0)
      io.stdout(`No recorded change of ${values.kind} ${values.object} in ${tenant.displayName}.`);
    for (const p of points) {
      io.stdout(`${p.collectedAt.toISOString()}  ${p.state}`);
      for (const e of p.events)
        io.stdout(
          `  ${e.kind.padEnd(8)} ${e.path || '(object)'}: ${JSON.stringify(e.before)} → ${JSON.stringify(e.after)}  by ${e.actor}`,
        );
    }
    return 0;
  });
}

async function withTenant(
  config: Config,
  values: { tenant?: string | undefined; workspace?: string | undefined },
  fn: (runtime: Runtime, workspaceId: string, tenant: { id: string; displayName: string }) => Promise<number>,
): Promise<number> {
  const runtime = await openRuntime(config, { migrate: true });
  try {
    const workspaces = await withSystem(runtime.database.db, (tx) =>
      tx.selectFrom('workspaces').select(['id', 'slug']).orderBy('slug').execute(),
    );
    const workspace = values.workspace
      ? workspaces.find((w) => w.slug === values.workspace)
      : workspaces.length === 1
        ? workspaces[0]
        : undefined;
    if (!workspace) {
      if (values.workspace)
        throw new TenantscopeError('TS_ERR_NOT_FOUND', `no workspace '${values.workspace}'`);
      throw new CommandUsageError(
        workspaces.length === 0
          ? 'no workspace exists yet'
          : `several workspaces exist; name one with --workspace (${workspaces.map((w) => w.slug).join(', ')})`,
      );
    }
    const tenant = await withWorkspace(runtime.database.db, workspace.id, (tx) =>
      findTenant(tx, values.tenant!),
    );
    if (!tenant)
      throw new TenantscopeError(
        'TS_ERR_NOT_FOUND',
        `no tenant '${values.tenant}' in workspace ${workspace.slug}`,
      );
    return await fn(runtime, workspace.id, tenant);
  } finally {
    await runtime.close();
  }
}

function parse<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new CommandUsageError((error as Error).message);
  }
}
