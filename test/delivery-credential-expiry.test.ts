import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { attemptEmail, createTransport } from '../src/delivery/outbox-sender.ts';
import { manualClock } from '../src/platform/clock.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { newId } from '../src/platform/ids.ts';
import { createLogger } from '../src/platform/logger.ts';
import { hashPassword } from '../src/platform/passwords.ts';
import type { Database } from '../src/storage/database.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { noteCredentialExpiry } from '../src/sync/credential-expiry.ts';
import type { SyncDeps } from '../src/sync/sync-service.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import type { TenantRecord } from '../src/tenants/tenant-repo.ts';
import { createPerson, createWorkspace, upsertMembership } from '../src/workspaces/workspace-repo.ts';
import { startTestSmtp, type TestSmtp } from './delivery-smtp.ts';
import { openTestDatabase } from './helpers/database.ts';

const DAY = 86_400_000;
let database: Database;
let smtp: TestSmtp;
let tenant: TenantRecord;
const clock = manualClock(new Date('2026-05-01T06:00:00Z'));
const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, d) => d() }) });
let deps: SyncDeps;

beforeAll(async () => {
  database = await openTestDatabase();
  smtp = await startTestSmtp();
  deps = { db: database.db, clock, logger, vault: createVault([generateKey()]) };
  const ws = (await withSystem(database.db, (tx) => createWorkspace(tx, { slug: 'msp', name: 'MSP' }))).id;
  const passwordHash = await hashPassword('not used in this suite');
  for (const [email, role] of [
    ['owner1@msp.example', 'owner'],
    ['owner2@msp.example', 'owner'],
    ['admin@msp.example', 'admin'],
  ] as const) {
    const p = await withSystem(database.db, (tx) => createPerson(tx, { email, passwordHash }));
    await withWorkspace(database.db, ws, (tx) => upsertMembership(tx, ws, p.id, role));
  }
  const id = newId();
  await withWorkspace(database.db, ws, (tx) =>
    tx
      .insertInto('tenants')
      .values({ id, workspace_id: ws, display_name: 'Contoso', microsoft_tenant_id: newId() })
      .execute(),
  );
  tenant = { id, workspaceId: ws, displayName: 'Contoso' } as TenantRecord;
});
afterAll(async () => {
  await smtp?.close();
  await database?.close();
});

const outbox = () =>
  withWorkspace(database.db, tenant.workspaceId, (tx) =>
    tx
      .selectFrom('email_outbox')
      .select(['id', 'to_address', 'dedupe_key', 'status'])
      .orderBy('created_at')
      .orderBy('to_address')
      .execute(),
  );
const credential = (keyId: string, daysLeft: number) => ({
  keyId,
  displayName: 'tenantscope',
  endDateTime: new Date(clock.now().getTime() + daysLeft * DAY + 3_600_000).toISOString(),
});

test('owners are emailed once per credential per threshold, never admins, and the email arrives', async () => {
  await noteCredentialExpiry(deps, tenant, [credential('k1', 40)]);
  expect(await outbox()).toEqual([]); // beyond 30 days: nothing

  const end = new Date(clock.now().getTime() + 25 * DAY + 3_600_000);
  const k1 = { keyId: 'k1', endDateTime: end.toISOString() };
  await noteCredentialExpiry(deps, tenant, [k1]);
  await noteCredentialExpiry(deps, tenant, [k1]); // the next sync the same day
  clock.advance(DAY);
  await noteCredentialExpiry(deps, tenant, [k1]); // and the next day
  let rows = await outbox();
  expect(rows.map((r) => r.to_address)).toEqual(['owner1@msp.example', 'owner2@msp.example']);
  expect(rows.map((r) => r.dedupe_key)).toEqual([
    `credentialExpiring:${tenant.id}:k1:30:owner1@msp.example`,
    `credentialExpiring:${tenant.id}:k1:30:owner2@msp.example`,
  ]);

  // crossing 7 days left: one more each; crossing 1 day: one more each
  clock.set(new Date(end.getTime() - 6 * DAY));
  await noteCredentialExpiry(deps, tenant, [k1]);
  clock.set(new Date(end.getTime() - 12 * 3_600_000));
  await noteCredentialExpiry(deps, tenant, [k1]);
  await noteCredentialExpiry(deps, tenant, [k1]);
  rows = await outbox();
  expect(rows).toHaveLength(6);
  expect(rows.map((r) => r.dedupe_key!.split(':')[3])).toEqual(['30', '30', '7', '7', '1', '1']);

  // a new credential (the old one replaced, ending soon too) starts over at its own threshold
  clock.advance(60_000);
  await noteCredentialExpiry(deps, tenant, [credential('k2', 3)]);
  expect((await outbox()).slice(6).map((r) => r.dedupe_key!.split(':').slice(2, 4).join(':'))).toEqual([
    'k2:7',
    'k2:7',
  ]);

  // the notification record is still one per tenant
  const notices = await withWorkspace(database.db, tenant.workspaceId, (tx) =>
    tx.selectFrom('notifications').select('kind').execute(),
  );
  expect(notices).toEqual([{ kind: 'credentialExpiring' }]);

  // and what the owners receive
  const first = rows[0]!;
  const result = await attemptEmail(
    {
      db: database.db,
      clock,
      logger,
      smtp: smtp.settings(),
      from: 'Tenantscope <no-reply@ts.test>',
      keks: [],
    },
    createTransport(smtp.settings()),
    first.id,
    false,
  );
  expect(result.outcome).toBe('sent');
  const [got] = await smtp.waitFor(1);
  expect(got!.envelopeTo).toEqual(['owner1@msp.example']);
  expect(got!.mail.subject).toBe(
    `Tenantscope: The credential for Contoso expires on ${end.toISOString().slice(0, 10)}`,
  );
  expect(got!.mail.text).toContain('Add a new client secret or certificate');
});
