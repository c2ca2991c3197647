import type { Kysely } from 'kysely';
import { newId } from '../platform/ids.ts';
import type { MemberRole, Schema } from '../storage/schema.ts';
import { type Tx, withSystem } from '../storage/transactions.ts';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from './session-policy.ts';

/**
 * Sessions are system rows (0004_auth.sql): every function here runs in withSystem and touches
 * only the session named by its hashed id, or the memberships of the session's own person.
 */
export interface SessionRow {
  id: string;
  /** the id the API names this session by (GET /api/me/sessions); reveals nothing of the cookie */
  publicId: string;
  userId: string;
  email: string;
  displayName: string | null;
  selectedWorkspaceId: string | null;
  /** the person's role in the selected workspace; null when they are no longer a member */
  role: MemberRole | null;
  createdAt: Date;
  lastSeenAt: Date;
}

export interface WorkspaceChoice {
  id: string;
  slug: string;
  name: string;
  role: MemberRole;
}

export async function insertSession(
  db: Kysely<Schema>,
  row: {
    id: string;
    userId: string;
    workspaceId: string | null;
    now: Date;
    ip: string | null;
    deviceLabel?: string | null;
  },
): Promise<void> {
  await withSystem(db, (tx) =>
    tx
      .insertInto('sessions')
      .values({
        id: row.id,
        public_id: newId(),
        user_id: row.userId,
        selected_workspace_id: row.workspaceId,
        created_at: row.now,
        last_seen_at: row.now,
        created_ip: row.ip,
        device_label: row.deviceLabel ?? null,
      })
      .execute(),
  );
}

/** The session with its person and their role in the selected workspace (read fresh every request). */
export async function findSession(db: Kysely<Schema>, id: string): Promise<SessionRow | undefined> {
  const row = await withSystem(db, (tx) =>
    tx
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .leftJoin('memberships as m', (join) =>
        join.onRef('m.user_id', '=', 's.user_id').onRef('m.workspace_id', '=', 's.selected_workspace_id'),
      )
      .select([
        's.id',
        's.public_id',
        's.user_id',
        'u.email',
        'u.display_name',
        's.selected_workspace_id',
        'm.role',
        's.created_at',
        's.last_seen_at',
      ])
      .where('s.id', '=', id)
      .executeTakeFirst(),
  );
  if (!row) return undefined;
  return {
    id: row.id,
    publicId: row.public_id,
    userId: row.user_id,
    email: row.email,
    displayName: row.display_name,
    selectedWorkspaceId: row.selected_workspace_id,
    role: row.role ?? null,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
  };
}

export async function touchSession(db: Kysely<Schema>, id: string, now: Date): Promise<void> {
  await withSystem(db, (tx) =>
    tx.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute(),
  );
}

export async function selectWorkspace(db: Kysely<Schema>, id: string, workspaceId: string): Promise<void> {
  await withSystem(db, (tx) =>
    tx.updateTable('sessions').set({ selected_workspace_id: workspaceId }).where('id', '=', id).execute(),
  );
}

export async function deleteSession(db: Kysely<Schema>, id: string): Promise<void> {
  await withSystem(db, (tx) => tx.deleteFrom('sessions').where('id', '=', id).execute());
}

/** One of a person's signed-in sessions, as the person sees it: never its id (the cookie's hash). */
export interface DeviceSession {
  publicId: string;
  deviceLabel: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  createdIp: string | null;
}

/** Live-session condition: neither idle for 12 hours nor older than 7 days (session-policy.ts). */
const live = (now: Date) => ({
  seenAfter: new Date(now.getTime() - SESSION_IDLE_MS),
  createdAfter: new Date(now.getTime() - SESSION_ABSOLUTE_MS),
});

/** The person's live sessions, the most recently used first. */
export async function liveSessionsOf(
  db: Kysely<Schema>,
  userId: string,
  now: Date,
): Promise<DeviceSession[]> {
  const { seenAfter, createdAfter } = live(now);
  const rows = await withSystem(db, (tx) =>
    tx
      .selectFrom('sessions')
      .select(['public_id', 'device_label', 'created_at', 'last_seen_at', 'created_ip'])
      .where('user_id', '=', userId)
      .where('last_seen_at', '>', seenAfter)
      .where('created_at', '>', createdAfter)
      .orderBy('last_seen_at', 'desc')
      .orderBy('created_at', 'desc')
      .execute(),
  );
  return rows.map((r) => ({
    publicId: r.public_id,
    deviceLabel: r.device_label,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    createdIp: r.created_ip,
  }));
}

/**
 * Ends one live session of the person, named by its public id. Another person's id, an ended
 * session and an unknown id all find nothing (`undefined`): the caller answers "not found".
 */
export async function deleteSessionOf(
  db: Kysely<Schema>,
  userId: string,
  publicId: string,
  now: Date,
): Promise<{ deviceLabel: string | null } | undefined> {
  const { seenAfter, createdAfter } = live(now);
  const row = await withSystem(db, (tx) =>
    tx
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .where('public_id', '=', publicId)
      .where('last_seen_at', '>', seenAfter)
      .where('created_at', '>', createdAfter)
      .returning('device_label')
      .executeTakeFirst(),
  );
  return row && { deviceLabel: row.device_label };
}

/** Inside a system transaction: ends every session of the person but `keepId`; returns how many. */
export async function deleteOtherSessions(tx: Tx, userId: string, keepId: string): Promise<number> {
  const result = await tx
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('id', '!=', keepId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Inside a system transaction: gives a session a new id (the hash of a new cookie), keeping
 * everything else — its public id, sign-in time (so the 7-day limit does not move) and workspace.
 * A copy of the old cookie opens nothing afterwards.
 */
export async function renameSession(tx: Tx, oldId: string, nextId: string): Promise<boolean> {
  const result = await tx
    .updateTable('sessions')
    .set({ id: nextId })
    .where('id', '=', oldId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Removes every ended session (run at each sign-in: cheap, and the table never grows unbounded). */
export async function purgeExpiredSessions(db: Kysely<Schema>, now: Date): Promise<void> {
  await withSystem(db, (tx) =>
    tx
      .deleteFrom('sessions')
      .where((eb) =>
        eb.or([
          eb('last_seen_at', '<=', new Date(now.getTime() - SESSION_IDLE_MS)),
          eb('created_at', '<=', new Date(now.getTime() - SESSION_ABSOLUTE_MS)),
        ]),
      )
      .execute(),
  );
}

/** The workspaces a person belongs to, oldest membership first (the default choice at sign-in). */
export async function workspacesOf(db: Kysely<Schema>, userId: string): Promise<WorkspaceChoice[]> {
  const rows = await withSystem(db, (tx) =>
    tx
      .selectFrom('memberships as m')
      .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select(['w.id', 'w.slug', 'w.name', 'm.role'])
      .where('m.user_id', '=', userId)
      .orderBy('m.created_at')
      .orderBy('w.slug')
      .execute(),
  );
  return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, role: r.role }));
}
