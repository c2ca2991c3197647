import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toCsv } from '../src/present/http/csv-export.ts';
import { withWorkspace } from '../src/storage/transactions.ts';
import { appendAudit } from '../src/workspaces/audit-repo.ts';
import { type Agent, type Harness, openHarness } from './api-harness.ts';

const PASSWORD = 'members suite password 77';
let h: Harness;
let ws: string;
let owner: Agent;
let ownerId: string;
let adminId: string;

beforeAll(async () => {
  h = await openHarness();
  ws = await h.workspace('members');
  ownerId = await h.person('first-owner@example.com', PASSWORD, [{ workspaceId: ws, role: 'owner' }]);
  adminId = await h.person('second@example.com', PASSWORD, [{ workspaceId: ws, role: 'admin' }]);
  owner = await h.signIn('first-owner@example.com', PASSWORD);
});
afterAll(async () => {
  h.assertNoSecrets([PASSWORD]);
  await h.close();
});

describe('members and roles', () => {
  test('an admin lists the members with their roles', async () => {
    const admin = await h.signIn('second@example.com', PASSWORD);
    const res = await admin.request('GET', '/api/members');
    expect(res.json().members).toEqual([
      { id: ownerId, email: 'first-owner@example.com', displayName: null, role: 'owner' },
      { id: adminId, email: 'second@example.com', displayName: null, role: 'admin' },
    ]);
  });

  test('the last owner cannot be demoted', async () => {
    const res = await owner.request('PATCH', `/api/members/${ownerId}`, { role: 'admin' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'TS_ERR_LAST_OWNER' });
  });

  test('a role change takes effect at the member’s next request, and is audited with the old and new role', async () => {
    const admin = await h.signIn('second@example.com', PASSWORD);
    expect((await admin.request('GET', '/api/audit')).statusCode).toBe(403);
    const res = await owner.request('PATCH', `/api/members/${adminId}`, { role: 'owner' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: adminId, role: 'owner' });
    expect((await admin.request('GET', '/api/audit')).statusCode).toBe(200);
    // with two owners, the first may now step down
    const down = await owner.request('PATCH', `/api/members/${ownerId}`, { role: 'admin' });
    expect(down.json()).toMatchObject({ role: 'admin' });
    expect((await owner.request('GET', '/api/audit')).statusCode).toBe(403);
    const entries = (await admin.request('GET', '/api/audit')).json().entries;
    expect(entries).toContainEqual(
      expect.objectContaining({
        action: 'member.role_changed',
        actor: ownerId,
        actorEmail: 'first-owner@example.com',
        target: adminId,
        ip: owner.ip,
        detail: { from: 'admin', to: 'owner' },
      }),
    );
  });

  test('an unknown role is a validation error', async () => {
    const admin = await h.signIn('second@example.com', PASSWORD);
    const res = await admin.request('PATCH', `/api/members/${ownerId}`, { role: 'superuser' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('TS_ERR_VALIDATION');
  });
});

describe('audit log export', () => {
  test('?format=csv downloads the log as CSV, neutralises formulas, and the export is itself audited', async () => {
    await withWorkspace(h.database.db, ws, (tx) =>
      appendAudit(tx, {
        workspaceId: ws,
        actor: 'system',
        action: 'probe',
        target: '=HYPERLINK("x")',
        detail: {},
      }),
    );
    const boss = await h.signIn('second@example.com', PASSWORD); // an owner since the test above
    const res = await boss.request('GET', '/api/audit?format=csv&limit=500');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="tenantscope-audit-\d{4}-\d\d-\d\d\.csv"$/,
    );
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('at,actor,actorEmail,action,target,ip,detail');
    expect(res.body).toContain(`"'=HYPERLINK(""x"")"`);
    expect(res.body).toContain('member.role_changed');
    const after = (await boss.request('GET', '/api/audit')).json().entries;
    expect(after[0]).toMatchObject({ action: 'audit.exported', actor: boss.personId, ip: boss.ip });
  });

  test('the JSON log is newest first and limited', async () => {
    const boss = await h.signIn('second@example.com', PASSWORD);
    const entries = (await boss.request('GET', '/api/audit?limit=2')).json().entries;
    expect(entries).toHaveLength(2);
    expect(Date.parse(entries[0].at)).toBeGreaterThanOrEqual(Date.parse(entries[1].at));
    expect((await boss.request('GET', '/api/audit?limit=0')).statusCode).toBe(400);
  });

  test.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['=1+1', "'=1+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['line\nbreak', '"line\nbreak"'],
  ])('a CSV cell %j is written as %j', (value, cell) => {
    expect(toCsv(['h'], [[value]])).toBe(`h\r\n${cell}\r\n`);
  });
});
