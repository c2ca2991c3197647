import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newId } from '../src/platform/ids.ts';
import type { Database } from '../src/storage/database.ts';
import { type Tx, withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { openTestDatabase } from './helpers/database.ts';

/**
 * Every workspace-owned table, found from the catalogue (a `workspace_id` column, or the
 * workspaces table itself). A table added without a fixture here fails the first test, so a new
 * table cannot skip these checks.
 */
type Fixture = {
  /** inserts one row owned by `workspaceId`, returns a predicate column and value that finds it */
  insert(tx: Tx, workspaceId: string, personId: string): Promise<{ column: string; value: string }>;
  /** a harmless column to try to update */
  update: { column: string; value: string };
};

const fixtures: Record<string, Fixture> = {
  workspaces: {
    insert: async (_tx, workspaceId) => ({ column: 'id', value: workspaceId }),
    update: { column: 'name', value: 'taken over' },
  },
  memberships: {
    insert: async (tx, workspaceId, personId) => {
      await sql`INSERT INTO memberships (workspace_id, user_id, role) VALUES (${workspaceId}, ${personId}, 'admin')`.execute(
        tx,
      );
      return { column: 'user_id', value: personId };
    },
    update: { column: 'role', value: 'owner' },
  },
  tenants: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      await sql`INSERT INTO tenants (id, workspace_id, display_name, microsoft_tenant_id) VALUES (${id}, ${workspaceId}, 'T', ${newId()})`.execute(
        tx,
      );
      return { column: 'id', value: id };
    },
    update: { column: 'display_name', value: 'taken over' },
  },
  tenant_credentials: {
    insert: async (tx, workspaceId) => {
      const tenantId = await insertTenant(tx, workspaceId);
      await sql`INSERT INTO tenant_credentials (tenant_id, workspace_id, kind, wrapped_data_key, secret_ciphertext)
        VALUES (${tenantId}, ${workspaceId}, 'secret', 'v1.k.i.c.t', 'v1.k.i.c.t')`.execute(tx);
      return { column: 'tenant_id', value: tenantId };
    },
    update: { column: 'secret_ciphertext', value: 'replaced' },
  },
  snapshots: {
    insert: async (tx, workspaceId) => ({ column: 'id', value: await insertSnapshot(tx, workspaceId) }),
    update: { column: 'status', value: 'abandoned' },
  },
  snapshot_datasets: {
    insert: async (tx, workspaceId) => {
      const snapshotId = await insertSnapshot(tx, workspaceId);
      await sql`INSERT INTO snapshot_datasets (snapshot_id, workspace_id, name, status, collected_at, item_count)
        VALUES (${snapshotId}, ${workspaceId}, 'users', 'ok', now(), 1)`.execute(tx);
      return { column: 'snapshot_id', value: snapshotId };
    },
    update: { column: 'item_count', value: '99' },
  },
  snapshot_chunks: {
    insert: async (tx, workspaceId) => {
      const snapshotId = await insertSnapshot(tx, workspaceId);
      await sql`INSERT INTO snapshot_chunks (snapshot_id, workspace_id, dataset, seq, items)
        VALUES (${snapshotId}, ${workspaceId}, 'users', 0, ${Buffer.from([0])})`.execute(tx);
      return { column: 'snapshot_id', value: snapshotId };
    },
    update: { column: 'dataset', value: 'groups' },
  },
  sync_runs: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      const tenantId = await insertTenant(tx, workspaceId);
      await sql`INSERT INTO sync_runs (id, workspace_id, tenant_id, trigger, status, started_at)
        VALUES (${id}, ${workspaceId}, ${tenantId}, 'manual', 'running', now())`.execute(tx);
      return { column: 'id', value: id };
    },
    update: { column: 'status', value: 'failed' },
  },
  connect_states: {
    insert: async (tx, workspaceId) => {
      const hash = newId().replaceAll('-', '').padEnd(64, '0');
      await sql`INSERT INTO connect_states (state_hash, workspace_id, actor, purpose, microsoft_tenant_id, cloud, redirect_uri, expires_at)
        VALUES (${hash}, ${workspaceId}, 'cli', 'admin-consent', 'organizations', 'global', 'http://127.0.0.1/cb', now())`.execute(
        tx,
      );
      return { column: 'state_hash', value: hash };
    },
    update: { column: 'actor', value: 'taken over' },
  },
  tenant_arm_credentials: {
    insert: async (tx, workspaceId) => {
      const tenantId = await insertTenant(tx, workspaceId);
      await sql`INSERT INTO tenant_arm_credentials (tenant_id, workspace_id, kind, client_id, wrapped_data_key, secret_ciphertext)
        VALUES (${tenantId}, ${workspaceId}, 'refresh-token', 'c', 'v1.k.i.c.t', 'v1.k.i.c.t')`.execute(tx);
      return { column: 'tenant_id', value: tenantId };
    },
    update: { column: 'secret_ciphertext', value: 'replaced' },
  },
  notifications: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      await sql`INSERT INTO notifications (id, workspace_id, kind, message, dedupe_key)
        VALUES (${id}, ${workspaceId}, 'secretExpiring', 'm', ${id})`.execute(tx);
      return { column: 'id', value: id };
    },
    update: { column: 'message', value: 'taken over' },
  },
  audit_log: {
    insert: async (tx, workspaceId) => {
      const action = `probe.${newId()}`;
      await sql`INSERT INTO audit_log (workspace_id, actor, action) VALUES (${workspaceId}, 'system', ${action})`.execute(
        tx,
      );
      return { column: 'action', value: action };
    },
    update: { column: 'actor', value: 'someone else' },
  },
  // ---- analysis results (0003_findings.sql, src/pipeline/) ----
  findings: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      const tenantId = await insertTenant(tx, workspaceId);
      await sql`INSERT INTO findings (id, workspace_id, tenant_id, check_id, state, severity, area, title, summary, evaluated_collected_at)
        VALUES (${id}, ${workspaceId}, ${tenantId}, 'ca-mfa-admins', 'fail', 'high', 'conditionalAccess', 'T', 'S', now())`.execute(
        tx,
      );
      return { column: 'id', value: id };
    },
    update: { column: 'state', value: 'pass' },
  },
  finding_history: {
    insert: async (tx, workspaceId) => {
      const tenantId = await insertTenant(tx, workspaceId);
      await sql`INSERT INTO finding_history (workspace_id, tenant_id, check_id, collected_at, to_state)
        VALUES (${workspaceId}, ${tenantId}, 'ca-mfa-admins', now(), 'fail')`.execute(tx);
      return { column: 'tenant_id', value: tenantId };
    },
    update: { column: 'to_state', value: 'pass' },
  },
  finding_acceptances: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      const tenantId = await insertTenant(tx, workspaceId);
      await sql`INSERT INTO finding_acceptances (id, workspace_id, tenant_id, check_id, reason, accepted_by, accepted_at, expires_at)
        VALUES (${id}, ${workspaceId}, ${tenantId}, 'ca-mfa-admins', 'r', 'cli', now(), now() + interval '1 day')`.execute(
        tx,
      );
      return { column: 'id', value: id };
    },
    update: { column: 'reason', value: 'taken over' },
  },
  tenant_exceptions: {
    insert: async (tx, workspaceId) => {
      const tenantId = await insertTenant(tx, workspaceId);
      await sql`INSERT INTO tenant_exceptions (tenant_id, workspace_id, break_glass, updated_by, updated_at)
        VALUES (${tenantId}, ${workspaceId}, '["bg@contoso.test"]', 'cli', now())`.execute(tx);
      return { column: 'tenant_id', value: tenantId };
    },
    update: { column: 'updated_by', value: 'someone else' },
  },
  posture_scores: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      const tenantId = await insertTenant(tx, workspaceId);
      await sql`INSERT INTO posture_scores (id, workspace_id, tenant_id, collected_at, score, passed_weight, possible_weight, counts, areas)
        VALUES (${id}, ${workspaceId}, ${tenantId}, now(), 50, 1, 2, '{}', '{}')`.execute(tx);
      return { column: 'id', value: id };
    },
    update: { column: 'licence_plan', value: 'P2' },
  },
  drift_comparisons: {
    insert: async (tx, workspaceId) => ({ column: 'id', value: await insertComparison(tx, workspaceId) }),
    update: { column: 'status', value: 'noPrevious' },
  },
  drift_events: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      const comparisonId = await insertComparison(tx, workspaceId);
      await sql`INSERT INTO drift_events (id, workspace_id, tenant_id, comparison_id, from_collected_at, to_collected_at,
          object_kind, object_id, object_name, path, kind, severity, before, after, attribution, actor_label, fingerprint)
        SELECT ${id}, ${workspaceId}, tenant_id, id, now(), now(), 'conditionalAccessPolicy', 'p', 'P', 'state', 'changed',
          'high', '"enabled"', '"disabled"', '{"actor":"unknown"}', 'unknown', 'fp' FROM drift_comparisons WHERE id = ${comparisonId}`.execute(
        tx,
      );
      return { column: 'id', value: id };
    },
    update: { column: 'triage_state', value: 'accepted' },
  },
  licence_summaries: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      const tenantId = await insertTenant(tx, workspaceId);
      await sql`INSERT INTO licence_summaries (id, workspace_id, tenant_id, collected_at, currency, totals, counts)
        VALUES (${id}, ${workspaceId}, ${tenantId}, now(), 'USD', '{}', '{}')`.execute(tx);
      return { column: 'id', value: id };
    },
    update: { column: 'currency', value: 'EUR' },
  },
  retention_policies: {
    insert: async (tx, workspaceId) => {
      await sql`INSERT INTO retention_policies (workspace_id, snapshots_days, findings_days, drift_days,
          deliveries_days, audit_days, disconnected_days)
        VALUES (${workspaceId}, 90, 365, 365, 90, 365, 30) ON CONFLICT (workspace_id) DO NOTHING`.execute(tx);
      return { column: 'workspace_id', value: workspaceId };
    },
    update: { column: 'updated_by', value: 'someone else' },
  },
  // ---- data-subject rights (0012_person_erasures.sql, src/rights/) ----
  person_erasures: {
    insert: async (tx, workspaceId) => {
      const tenantId = await insertTenant(tx, workspaceId);
      const hash = newId().replaceAll('-', '').padEnd(64, 'a');
      await sql`INSERT INTO person_erasures (workspace_id, tenant_id, identifier_hash, erased_at)
        VALUES (${workspaceId}, ${tenantId}, ${hash}, now())`.execute(tx);
      return { column: 'identifier_hash', value: hash };
    },
    update: { column: 'erased_at', value: '2000-01-01T00:00:00Z' },
  },
  // ---- branding (0013_branding.sql, src/branding/) ----
  workspace_branding: {
    insert: async (tx, workspaceId) => {
      await sql`INSERT INTO workspace_branding (workspace_id, accent_color, logo, logo_type, logo_sha256, logo_width, logo_height)
        VALUES (${workspaceId}, '#112233', ${Buffer.from('png')}, 'image/png', ${'a'.repeat(64)}, 1, 1)
        ON CONFLICT (workspace_id) DO NOTHING`.execute(tx);
      return { column: 'workspace_id', value: workspaceId };
    },
    update: { column: 'footer_text', value: 'taken over' },
  },
  price_books: {
    insert: async (tx, workspaceId) => {
      await sql`INSERT INTO price_books (workspace_id, book, updated_by, updated_at)
        VALUES (${workspaceId}, '{}', 'cli', now()) ON CONFLICT (workspace_id) DO NOTHING`.execute(tx);
      return { column: 'workspace_id', value: workspaceId };
    },
    update: { column: 'updated_by', value: 'someone else' },
  },
  analysis_runs: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      const tenantId = await insertTenant(tx, workspaceId);
      await sql`INSERT INTO analysis_runs (id, workspace_id, tenant_id, status, started_at)
        VALUES (${id}, ${workspaceId}, ${tenantId}, 'running', now())`.execute(tx);
      return { column: 'id', value: id };
    },
    update: { column: 'status', value: 'failed' },
  },
  // ---- baselines, standards, alerts (0007_baselines_alerts.sql) ----
  tenant_baselines: {
    insert: async (tx, workspaceId) => {
      const snapshotId = await insertSnapshot(tx, workspaceId);
      await sql`INSERT INTO tenant_baselines (tenant_id, workspace_id, snapshot_id, collected_at, pinned_by, pinned_at)
        SELECT tenant_id, ${workspaceId}, id, now(), 'cli', now() FROM snapshots WHERE id = ${snapshotId}`.execute(
        tx,
      );
      return { column: 'snapshot_id', value: snapshotId };
    },
    update: { column: 'pinned_by', value: 'someone else' },
  },
  baseline_comparisons: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      const snapshotId = await insertSnapshot(tx, workspaceId);
      await sql`INSERT INTO baseline_comparisons (id, workspace_id, tenant_id, baseline_snapshot_id, baseline_collected_at, snapshot_id, collected_at, compared_at)
        SELECT ${id}, ${workspaceId}, tenant_id, id, now(), id, now(), now() FROM snapshots WHERE id = ${snapshotId}`.execute(
        tx,
      );
      return { column: 'id', value: id };
    },
    update: { column: 'events', value: '[{"kind":"added"}]' },
  },
  standards: {
    insert: async (tx, workspaceId) => ({ column: 'id', value: await insertStandard(tx, workspaceId) }),
    update: { column: 'name', value: 'taken over' },
  },
  standard_assignments: {
    insert: async (tx, workspaceId) => {
      const standardId = await insertStandard(tx, workspaceId);
      const tenantId = await insertTenant(tx, workspaceId);
      await sql`INSERT INTO standard_assignments (standard_id, tenant_id, workspace_id, assigned_by, assigned_at)
        VALUES (${standardId}, ${tenantId}, ${workspaceId}, 'cli', now())`.execute(tx);
      return { column: 'standard_id', value: standardId };
    },
    update: { column: 'overrides', value: '{"r1":{"skip":true,"reason":"x"}}' },
  },
  standard_results: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      const standardId = await insertStandard(tx, workspaceId);
      const snapshotId = await insertSnapshot(tx, workspaceId);
      await sql`INSERT INTO standard_results (id, workspace_id, standard_id, tenant_id, snapshot_id, collected_at, standard_version, summary, results, evaluated_at)
        SELECT ${id}, ${workspaceId}, ${standardId}, tenant_id, id, now(), 1, '{}', '[]', now() FROM snapshots WHERE id = ${snapshotId}`.execute(
        tx,
      );
      return { column: 'id', value: id };
    },
    update: { column: 'results', value: '[]' },
  },
  alert_rules: {
    insert: async (tx, workspaceId) => ({ column: 'id', value: await insertAlertRule(tx, workspaceId) }),
    update: { column: 'webhook_url', value: 'https://attacker.example/hook' },
  },
  alert_deliveries: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      const ruleId = await insertAlertRule(tx, workspaceId);
      await sql`INSERT INTO alert_deliveries (id, workspace_id, rule_id, channel, kind, status, target, payload, created_at)
        VALUES (${id}, ${workspaceId}, ${ruleId}, 'webhook', 'test', 'pending', 'https://hooks.example/x', '{}', now())`.execute(
        tx,
      );
      return { column: 'id', value: id };
    },
    update: { column: 'status', value: 'delivered' },
  },
  // ---- email delivery and invitations (0009_delivery.sql, src/delivery/, src/auth/) ----
  email_outbox: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      await sql`INSERT INTO email_outbox (id, workspace_id, kind, to_address, content, created_at)
        VALUES (${id}, ${workspaceId}, 'invitation', 'someone@example.com', '{}', now())`.execute(tx);
      return { column: 'id', value: id };
    },
    update: { column: 'to_address', value: 'attacker@example.com' },
  },
  invitations: {
    insert: async (tx, workspaceId) => {
      const id = newId();
      const hash = newId().replaceAll('-', '').padEnd(64, '0');
      await sql`INSERT INTO invitations (id, workspace_id, email, role, token_hash, invited_by, created_at, expires_at)
        VALUES (${id}, ${workspaceId}, ${`${id}@example.com`}, 'reports', ${hash}, 'cli', now(), now() + interval '7 days')`.execute(
        tx,
      );
      return { column: 'id', value: id };
    },
    update: { column: 'role', value: 'owner' },
  },
};

async function insertComparison(tx: Tx, workspaceId: string): Promise<string> {
  const id = newId();
  const tenantId = await insertTenant(tx, workspaceId);
  await sql`INSERT INTO drift_comparisons (id, workspace_id, tenant_id, to_collected_at, status)
    VALUES (${id}, ${workspaceId}, ${tenantId}, now(), 'noPrevious')`.execute(tx);
  return id;
}

async function insertStandard(tx: Tx, workspaceId: string): Promise<string> {
  const id = newId();
  await sql`INSERT INTO standards (id, workspace_id, name, document, updated_by, updated_at)
    VALUES (${id}, ${workspaceId}, ${`S ${id}`}, '{}', 'cli', now())`.execute(tx);
  return id;
}

async function insertAlertRule(tx: Tx, workspaceId: string): Promise<string> {
  const id = newId();
  await sql`INSERT INTO alert_rules (id, workspace_id, name, min_severity, created_by, updated_at)
    VALUES (${id}, ${workspaceId}, 'R', 'high', 'cli', now())`.execute(tx);
  return id;
}

async function insertTenant(tx: Tx, workspaceId: string): Promise<string> {
  const id = newId();
  await sql`INSERT INTO tenants (id, workspace_id, display_name, microsoft_tenant_id) VALUES (${id}, ${workspaceId}, 'T', ${newId()})`.execute(
    tx,
  );
  return id;
}

async function insertSnapshot(tx: Tx, workspaceId: string): Promise<string> {
  const id = newId();
  const tenantId = await insertTenant(tx, workspaceId);
  await sql`INSERT INTO snapshots (id, workspace_id, tenant_id, status, format, started_at)
    VALUES (${id}, ${workspaceId}, ${tenantId}, 'collecting', 'tenantscope.snapshot/v1', now())`.execute(tx);
  return id;
}

let database: Database;
let tables: string[];
const a = newId();
const b = newId();

beforeAll(async () => {
  database = await openTestDatabase();
  const result = await sql<{ table_name: string }>`
    SELECT DISTINCT c.table_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
    WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.column_name = 'workspace_id'
    ORDER BY 1`.execute(database.db);
  tables = ['workspaces', ...result.rows.map((r) => r.table_name)];
  await withSystem(database.db, async (tx) => {
    await sql`INSERT INTO workspaces (id, slug, name) VALUES (${a}, 'alpha', 'Alpha'), (${b}, 'beta', 'Beta')`.execute(
      tx,
    );
  });
});
/** People are global rows, created by the system before a workspace can add them. */
async function newPerson(): Promise<string> {
  const id = newId();
  await withSystem(database.db, (tx) =>
    sql`INSERT INTO users (id, email) VALUES (${id}, ${`${id}@example.com`})`.execute(tx),
  );
  return id;
}

afterAll(async () => {
  await database.close();
});

describe('workspace isolation', () => {
  test('every workspace-owned table has row-level security, a policy and an isolation fixture', async () => {
    expect(tables.length).toBeGreaterThanOrEqual(4);
    const result = await sql<{ relname: string; relrowsecurity: boolean; policies: string }>`
      SELECT c.relname, c.relrowsecurity, (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)::text AS policies
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r'`.execute(database.db);
    const byName = new Map(result.rows.map((r) => [r.relname, r]));
    for (const table of tables) {
      expect(byName.get(table)?.relrowsecurity, `${table} has row-level security`).toBe(true);
      expect(Number(byName.get(table)?.policies), `${table} has a policy`).toBeGreaterThan(0);
      expect(fixtures[table], `test/isolation.test.ts has a fixture for ${table}`).toBeDefined();
    }
  });

  test.each(Object.keys(fixtures))(
    '%s: another workspace reads nothing and changes nothing',
    async (table) => {
      const fixture = fixtures[table]!;
      const personId = await newPerson();
      const row = await withWorkspace(database.db, a, (tx) => fixture.insert(tx, a, personId));
      const find = (tx: Tx) =>
        sql<{
          n: string;
        }>`SELECT count(*)::text AS n FROM ${sql.table(table)} WHERE ${sql.ref(row.column)} = ${row.value}`.execute(
          tx,
        );

      const seenByB = await withWorkspace(database.db, b, find);
      expect(Number(seenByB.rows[0]!.n)).toBe(0);
      const totalSeenByB = await withWorkspace(database.db, b, (tx) =>
        sql<{
          n: string;
        }>`SELECT count(*)::text AS n FROM ${sql.table(table)} WHERE ${sql.ref(table === 'workspaces' ? 'id' : 'workspace_id')} = ${a}`.execute(
          tx,
        ),
      );
      expect(Number(totalSeenByB.rows[0]!.n)).toBe(0);

      // Forged ids: B names A's row exactly; the database changes nothing (or refuses outright).
      const updated = await withWorkspace(database.db, b, (tx) =>
        sql`UPDATE ${sql.table(table)} SET ${sql.ref(fixture.update.column)} = ${fixture.update.value} WHERE ${sql.ref(row.column)} = ${row.value}`.execute(
          tx,
        ),
      ).catch(() => ({ numAffectedRows: 0n }));
      expect(Number(updated.numAffectedRows ?? 0n)).toBe(0);
      const deleted = await withWorkspace(database.db, b, (tx) =>
        sql`DELETE FROM ${sql.table(table)} WHERE ${sql.ref(row.column)} = ${row.value}`.execute(tx),
      ).catch(() => ({ numAffectedRows: 0n }));
      expect(Number(deleted.numAffectedRows ?? 0n)).toBe(0);

      // And A still has its row, unchanged.
      const seenByA = await withWorkspace(database.db, a, find);
      expect(Number(seenByA.rows[0]!.n)).toBe(1);
    },
  );

  test.each(Object.keys(fixtures).filter((t) => t !== 'workspaces'))(
    '%s: a row cannot be written into another workspace',
    async (table) => {
      const personId = await newPerson();
      const error = await withWorkspace(database.db, b, (tx) =>
        fixtures[table]!.insert(tx, a, personId),
      ).catch((e: Error) => e);
      expect(String(error)).toMatch(/row-level security|permission denied/);
    },
  );

  test('outside a workspace transaction the application role sees no rows at all', async () => {
    const counts = await database.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL ROLE tenantscope_app`.execute(tx);
      const out: number[] = [];
      for (const table of tables) {
        const r = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(table)}`.execute(tx);
        out.push(Number(r.rows[0]!.n));
      }
      return out;
    });
    expect(counts.every((n) => n === 0)).toBe(true);
  });

  test('people are visible only through a membership of the current workspace', async () => {
    const userId = newId();
    await withSystem(database.db, (tx) =>
      sql`INSERT INTO users (id, email) VALUES (${userId}, 'only-a@example.com')`.execute(tx),
    );
    await withWorkspace(database.db, a, (tx) =>
      sql`INSERT INTO memberships (workspace_id, user_id, role) VALUES (${a}, ${userId}, 'reports')`.execute(
        tx,
      ),
    );
    const emails = (ws: string) =>
      withWorkspace(database.db, ws, (tx) =>
        sql<{ email: string }>`SELECT email FROM users WHERE id = ${userId}`.execute(tx),
      );
    expect((await emails(a)).rows.map((r) => r.email)).toEqual(['only-a@example.com']);
    expect((await emails(b)).rows).toEqual([]);
  });
});
