import { afterEach, expect, test } from 'vitest';
import { withWorkspace } from '../src/storage/transactions.ts';
import { listAudit } from '../src/workspaces/audit-repo.ts';
import { type Harness, openHarness } from './api-harness.ts';

const PASSWORD = 'behind the proxy 2026';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Signs in from the proxy's address with a forwarded client address; returns the audited address. */
async function auditedAddress(trustProxy: readonly string[] | number | false): Promise<string | null> {
  h = await openHarness({ config: { tls: false, publicUrl: 'http://127.0.0.1:3000', trustProxy } });
  const workspaceId = await h.workspace('proxied');
  await h.person('p@example.com', PASSWORD, [{ workspaceId, role: 'owner' }]);
  const res = await h.inject({
    method: 'POST',
    url: '/api/session',
    remoteAddress: '10.1.2.3',
    headers: { 'x-forwarded-for': '203.0.113.9' },
    payload: { email: 'p@example.com', password: PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  const entries = await withWorkspace(h.database.db, workspaceId, (tx) => listAudit(tx, 10));
  return entries.find((e) => e.action === 'session.signed_in')?.ip ?? null;
}

test.each([
  ['no proxy is trusted: the forwarded header is ignored', false, '10.1.2.3'],
  ['the proxy is named: the client address is taken from it', ['10.0.0.0/8'], '203.0.113.9'],
  ['another proxy is named: the header is ignored', ['192.0.2.1'], '10.1.2.3'],
  ['one hop is trusted', 1, '203.0.113.9'],
] as const)('%s', async (_name, trustProxy, expected) => {
  expect(await auditedAddress(trustProxy)).toBe(expected);
});
