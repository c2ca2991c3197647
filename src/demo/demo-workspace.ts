import type { Kysely } from 'kysely';
import { generatePassword, hashPassword, verifyPassword } from '../platform/passwords.ts';
import type { Schema } from '../storage/schema.ts';
import { withSystem, withWorkspace } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import {
  createPerson,
  findPersonByEmail,
  findWorkspaceBySlug,
  setPasswordHash,
  upsertMembership,
  type Workspace,
} from '../workspaces/workspace-repo.ts';

export const DEMO_SLUG = 'demo';

export interface DemoWorkspace {
  workspace: Workspace;
  ownerEmail: string;
  /** Set only when this call chose or changed the password: print it once, never store it. */
  newPassword?: string;
  created: boolean;
}

/**
 * Makes sure the demo workspace and its owner exist, idempotently: a restart finds them again
 * and creates nothing. A password given in the environment is applied when it differs from the
 * stored one; otherwise a generated one is shown only when the owner is first created.
 */
export async function ensureDemoWorkspace(
  db: Kysely<Schema>,
  owner: { email: string; password: string | undefined },
): Promise<DemoWorkspace> {
  const { workspace, created } = await ensureWorkspace(db);
  const existing = await withSystem(db, (tx) => findPersonByEmail(tx, owner.email));
  let newPassword: string | undefined;
  let personId: string;
  if (!existing) {
    newPassword = owner.password ?? generatePassword();
    const passwordHash = await hashPassword(newPassword);
    personId = (
      await withSystem(db, (tx) =>
        createPerson(tx, { email: owner.email, displayName: 'Demo owner', passwordHash }),
      )
    ).id;
  } else {
    personId = existing.id;
    const matches =
      owner.password !== undefined &&
      existing.passwordHash !== null &&
      (await verifyPassword(existing.passwordHash, owner.password));
    if (owner.password !== undefined && !matches) {
      const passwordHash = await hashPassword(owner.password);
      await withSystem(db, (tx) => setPasswordHash(tx, personId, passwordHash));
      newPassword = owner.password;
    }
  }
  await withWorkspace(db, workspace.id, async (tx) => {
    await upsertMembership(tx, workspace.id, personId, 'owner');
    if (created)
      await appendAudit(tx, {
        workspaceId: workspace.id,
        actor: 'system',
        action: 'workspace.created',
        target: workspace.slug,
      });
  });
  return {
    workspace,
    ownerEmail: owner.email.toLowerCase(),
    created,
    ...(newPassword ? { newPassword } : {}),
  };
}

async function ensureWorkspace(db: Kysely<Schema>): Promise<{ workspace: Workspace; created: boolean }> {
  return withSystem(db, async (tx) => {
    // ON CONFLICT makes two processes starting at once (on PostgreSQL) agree on one workspace.
    const inserted = await tx
      .insertInto('workspaces')
      .values({ id: crypto.randomUUID(), slug: DEMO_SLUG, name: 'Demo workspace' })
      .onConflict((oc) => oc.column('slug').doNothing())
      .returning(['id', 'slug', 'name'])
      .executeTakeFirst();
    if (inserted) return { workspace: inserted, created: true };
    return { workspace: (await findWorkspaceBySlug(tx, DEMO_SLUG))!, created: false };
  });
}
