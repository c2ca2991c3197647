import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { systemClock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import { erasePerson } from '../../rights/erase-service.ts';
import { exportPerson } from '../../rights/export-service.ts';
import { ERASURE_NOTICE } from '../../rights/rights-types.ts';
import { withWorkspace } from '../../storage/transactions.ts';
import { findTenant } from '../../tenants/tenant-repo.ts';
import type { CliIo } from '../io.ts';
import type { Runtime } from '../runtime.ts';
import { CommandUsageError, resolveWorkspace, withRuntime } from './tenant.ts';

export const PERSON_USAGE = `usage: tenantscope person export --tenant ID|NAME <who> [--out FILE] [--workspace SLUG]
       tenantscope person erase --tenant ID|NAME <who> --yes [--workspace SLUG]

  <who> is a user of the tenant: their Entra object id, or a UPN or email address they had.
  person export  everything Tenantscope holds about them, as one JSON document
                 (tenantscope.person-export/v1, docs/person-export.md); to --out FILE (created
                 readable by this user only) or standard output
  person erase   removes them from every stored snapshot, finding, drift event and alert of the
                 tenant, and adds their hashed identifiers to the tenant's erasure list so later
                 syncs never store them again; audited, cannot be undone`;

/** Who the command line acts as in the audit log. */
const ACTOR = 'cli';

export async function personCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'export') return exportCommand(rest, config, io);
  if (sub === 'erase') return eraseCommand(rest, config, io);
  throw new CommandUsageError(
    sub ? `unknown person command '${sub}'` : 'expected `person export` or `person erase`',
  );
}

const PERSON_OPTIONS = {
  tenant: { type: 'string' },
  workspace: { type: 'string' },
  out: { type: 'string' },
  yes: { type: 'boolean' },
} as const;

function parse(argv: string[], erase: boolean) {
  let parsed: {
    values: { tenant?: string; workspace?: string; out?: string; yes?: boolean };
    positionals: string[];
  };
  try {
    parsed = parseArgs({ args: argv, options: PERSON_OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new CommandUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (typeof values.tenant !== 'string') throw new CommandUsageError('name the tenant with --tenant ID|NAME');
  if (positionals.length !== 1)
    throw new CommandUsageError('name one person: their object id, or a UPN or email address');
  if (erase && values.out !== undefined) throw new CommandUsageError('person erase takes no --out');
  if (!erase && values.yes !== undefined) throw new CommandUsageError('person export takes no --yes');
  return {
    tenant: values.tenant,
    workspace: values.workspace,
    out: values.out,
    yes: values.yes === true,
    who: positionals[0]!,
  };
}

async function tenantIn(runtime: Runtime, slug: string | undefined, ref: string) {
  const workspace = await resolveWorkspace(runtime, slug);
  const tenant = await withWorkspace(runtime.database.db, workspace.id, (tx) => findTenant(tx, ref));
  if (!tenant)
    throw new TenantscopeError('TS_ERR_NOT_FOUND', `no tenant '${ref}' in workspace ${workspace.slug}`);
  return { workspace, tenant };
}

async function exportCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const args = parse(argv, false);
  return withRuntime(config, async (runtime) => {
    const { workspace, tenant } = await tenantIn(runtime, args.workspace, args.tenant);
    const doc = await exportPerson(runtime.database.db, systemClock, {
      workspaceId: workspace.id,
      tenantId: tenant.id,
      who: args.who,
      actor: ACTOR,
    });
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (!args.out) {
      io.stdout(text);
      return 0;
    }
    try {
      // personal data: readable by this user only, and never over an existing file of someone else's
      fs.writeFileSync(args.out, text, { mode: 0o600 });
    } catch (error) {
      throw new TenantscopeError(
        'TS_ERR_FILE_UNREADABLE',
        `cannot write ${args.out}: ${(error as Error).message}`,
      );
    }
    io.stderr(
      `Exported ${doc.records.length} records about the person from ${doc.snapshots.filter((s) => s.holdsPerson).length} of ${doc.snapshots.length} snapshots of ${tenant.displayName} to ${args.out}.`,
    );
    return 0;
  });
}

async function eraseCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const args = parse(argv, true);
  if (!args.yes)
    throw new CommandUsageError(
      'erasing removes the person from every stored snapshot and finding and cannot be undone: confirm with --yes',
    );
  return withRuntime(config, async (runtime) => {
    const { workspace, tenant } = await tenantIn(runtime, args.workspace, args.tenant);
    const result = await erasePerson(runtime.database.db, systemClock, {
      workspaceId: workspace.id,
      tenantId: tenant.id,
      who: args.who,
      actor: ACTOR,
    });
    const c = result.counts;
    io.stdout(
      result.erasedBefore && c.snapshotItemsRemoved + c.snapshotItemsChanged === 0
        ? `The person had been erased from ${tenant.displayName} before; nothing was left to change.`
        : `Erased the person from ${tenant.displayName}: ${c.snapshotItemsRemoved} objects removed and ${c.snapshotItemsChanged} references replaced in ${c.snapshotsChanged} of ${c.snapshotsScanned} snapshots; ${c.evidenceItemsRemoved} evidence items, ${c.driftEventsDeleted} drift events deleted, ${c.driftEventsChanged} re-attributed.`,
    );
    io.stdout(ERASURE_NOTICE);
    if (result.auditEntriesKept > 0)
      io.stdout(
        `${result.auditEntriesKept} audit log entries name the person; the audit log is append-only and keeps them until its retention ends.`,
      );
    return 0;
  });
}
