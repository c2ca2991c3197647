import { newId } from '../platform/ids.ts';
import type { MemberRole } from '../storage/schema.ts';
import type { Tx } from '../storage/transactions.ts';

export interface Workspace {
  id: string;
  slug: string;
  name: string;
}

/** Creating a workspace happens before any workspace context exists: call inside withSystem. */
export async function createWorkspace(tx: Tx, input: { slug: string; name: string }): Promise<Workspace> {
  const row = { id: newId(), slug: input.slug, name: input.name };
  await tx.insertInto('workspaces').values(row).execute();
  return row;
}

/** System lookup (withSystem): used by the demo and by sign-in to find a workspace by its slug. */
export async function findWorkspaceBySlug(tx: Tx, slug: string): Promise<Workspace | undefined> {
  return tx
    .selectFrom('workspaces')
    .select(['id', 'slug', 'name'])
    .where('slug', '=', slug)
    .executeTakeFirst();
}

export async function countWorkspaces(tx: Tx): Promise<number> {
  const row = await tx
    .selectFrom('workspaces')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface Person {
  id: string;
  email: string;
  displayName: string | null;
}

/** People are global (one person, several workspaces): withSystem. */
export async function findPersonByEmail(
  tx: Tx,
  email: string,
): Promise<(Person & { passwordHash: string | null }) | undefined> {
  const row = await tx
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'password_hash'])
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  return (
    row && { id: row.id, email: row.email, displayName: row.display_name, passwordHash: row.password_hash }
  );
}

export async function createPerson(
  tx: Tx,
  input: { email: string; displayName?: string; passwordHash: string },
): Promise<Person> {
  const row = {
    id: newId(),
    email: input.email.toLowerCase(),
    display_name: input.displayName ?? null,
    password_hash: input.passwordHash,
  };
  await tx.insertInto('users').values(row).execute();
  return { id: row.id, email: row.email, displayName: row.display_name };
}

export async function setPasswordHash(tx: Tx, personId: string, passwordHash: string): Promise<void> {
  await tx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', personId).execute();
}

/** Inside withWorkspace: adds (or re-roles) a member of the current workspace. */
export async function upsertMembership(
  tx: Tx,
  workspaceId: string,
  userId: string,
  role: MemberRole,
): Promise<void> {
  await tx
    .insertInto('memberships')
    .values({ workspace_id: workspaceId, user_id: userId, role })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role }))
    .execute();
}

export async function listMembers(tx: Tx): Promise<(Person & { role: MemberRole })[]> {
  const rows = await tx
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.display_name', 'memberships.role'])
    .orderBy('users.email')
    .execute();
  return rows.map((r) => ({ id: r.id, email: r.email, displayName: r.display_name, role: r.role }));
}
