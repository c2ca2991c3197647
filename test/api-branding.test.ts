import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withWorkspace } from '../src/storage/transactions.ts';
import { type Agent, type Harness, openHarness } from './api-harness.ts';
import { makePng } from './helpers/images.ts';

const PASSWORD = 'branding suite password 2026';
let h: Harness;
let wsA: string;
let owner: Agent;
let admin: Agent;
let reader: Agent;
let ownerB: Agent;

const upload = (agent: Agent, bytes: Buffer, type = 'image/png') =>
  agent.request('PUT', '/api/branding/logo', bytes, { 'content-type': type });

const auditOf = (workspaceId: string, action: string) =>
  withWorkspace(h.database.db, workspaceId, (tx) =>
    tx
      .selectFrom('audit_log')
      .select(['actor', 'ip', 'detail'])
      .where('action', '=', action)
      .orderBy('id', 'desc')
      .execute(),
  );

beforeAll(async () => {
  h = await openHarness();
  wsA = await h.workspace('branded');
  const wsB = await h.workspace('other');
  for (const role of ['owner', 'admin', 'reports'] as const)
    await h.person(`${role}@a.example`, PASSWORD, [{ workspaceId: wsA, role }]);
  await h.person('owner@b.example', PASSWORD, [{ workspaceId: wsB, role: 'owner' }]);
  owner = await h.signIn('owner@a.example', PASSWORD);
  admin = await h.signIn('admin@a.example', PASSWORD);
  reader = await h.signIn('reports@a.example', PASSWORD);
  ownerB = await h.signIn('owner@b.example', PASSWORD);
});
afterAll(async () => {
  h.assertNoSecrets([PASSWORD]);
  await h.close();
});

describe('branding fields', () => {
  test('a new workspace has the defaults: its own name, the product colour, no logo', async () => {
    const res = await reader.request('GET', '/api/branding');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      displayName: null,
      accentColor: '#2457c5',
      footerText: null,
      senderName: null,
      defaults: { displayName: 'Workspace branded', accentColor: '#2457c5' },
      logo: null,
      limits: { logoBytes: 262144, logoPixels: 1024 },
    });
  });

  test('an admin changes them; texts are trimmed, the colour lower-cased, and the change audited', async () => {
    const res = await admin.request('PUT', '/api/branding', {
      displayName: '  Contoso IT ',
      accentColor: '#AA3300',
      footerText: 'Confidential — for Contoso only',
      senderName: 'Contoso "IT" reports',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      displayName: 'Contoso IT',
      accentColor: '#aa3300',
      footerText: 'Confidential — for Contoso only',
      senderName: 'Contoso "IT" reports',
      updatedBy: admin.personId,
    });
    const [entry] = await auditOf(wsA, 'branding.changed');
    expect(entry).toMatchObject({ actor: admin.personId, ip: admin.ip });
    expect(entry!.detail).toMatchObject({ changes: { displayName: { before: null, after: 'Contoso IT' } } });
  });

  test('only the fields given change, and null puts one back to its default', async () => {
    const res = await owner.request('PUT', '/api/branding', { footerText: null });
    expect(res.json()).toMatchObject({ displayName: 'Contoso IT', footerText: null, accentColor: '#aa3300' });
  });

  test.each([
    [{ accentColor: 'red' }, 'body.accentColor: give a colour as #rrggbb'],
    [{ accentColor: '#12345' }, 'body.accentColor: give a colour as #rrggbb'],
    [{ displayName: 'x'.repeat(81) }, 'body.displayName: at most 80 characters'],
    [{ footerText: 'x'.repeat(201) }, 'body.footerText: at most 200 characters'],
    [{ senderName: 'Contoso\r\nBcc: victim@example.com' }, 'body.senderName: one line'],
    [{ colour: '#ffffff' }, 'body'],
  ])('%j is refused with a validation error, and nothing changes', async (body, message) => {
    const res = await admin.request('PUT', '/api/branding', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('TS_ERR_VALIDATION');
    expect(res.json().message).toContain(message);
    expect((await admin.request('GET', '/api/branding')).json()).toMatchObject({
      displayName: 'Contoso IT',
      accentColor: '#aa3300',
      senderName: 'Contoso "IT" reports',
    });
  });

  test('a reports member reads the branding but may not change it', async () => {
    expect((await reader.request('GET', '/api/branding')).json().displayName).toBe('Contoso IT');
    for (const [method, url, body] of [
      ['PUT', '/api/branding', { footerText: 'mine' }],
      ['PUT', '/api/branding/logo', makePng(2, 2)],
      ['DELETE', '/api/branding/logo', undefined],
    ] as const) {
      const res = await reader.request(method, url, body, {
        'content-type': Buffer.isBuffer(body) ? 'image/png' : 'application/json',
      });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().code).toBe('TS_ERR_FORBIDDEN');
    }
  });
});

describe('the logo', () => {
  const png = makePng(120, 40);
  const sha = createHash('sha256').update(png).digest('hex');

  test('a PNG is stored with its type, size and hash, audited, and served back byte for byte', async () => {
    const res = await upload(admin, png);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().logo).toEqual({
      type: 'image/png',
      width: 120,
      height: 40,
      sha256: sha,
      url: `/api/branding/logo?v=${sha.slice(0, 16)}`,
    });
    const [entry] = await auditOf(wsA, 'branding.logo_uploaded');
    expect(entry).toMatchObject({ actor: admin.personId, ip: admin.ip });
    expect(entry!.detail).toMatchObject({
      type: 'image/png',
      width: 120,
      height: 40,
      bytes: png.length,
      sha256: sha,
    });

    const got = await reader.request('GET', res.json().logo.url);
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(png)).toBe(true);
    expect(got.headers).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      etag: `"${sha}"`,
    });
    expect(got.headers['content-security-policy']).toMatch(/^default-src 'none'/);
  });

  test('the type comes from the bytes, not from the declared content type', async () => {
    const res = await upload(admin, png, 'application/octet-stream');
    expect(res.statusCode).toBe(200);
    expect((await reader.request('GET', '/api/branding/logo')).headers['content-type']).toBe('image/png');
  });

  test('If-None-Match with the ETag answers 304 without the image; another tag gets it', async () => {
    const same = await reader.request('GET', '/api/branding/logo', undefined, {
      'if-none-match': `W/"${sha}"`,
    });
    expect(same.statusCode).toBe(304);
    expect(same.rawPayload.length).toBe(0);
    const other = await reader.request('GET', '/api/branding/logo', undefined, { 'if-none-match': '"0000"' });
    expect(other.statusCode).toBe(200);
  });

  test.each([
    [
      'an SVG',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'image/svg+xml',
      415,
      'TS_ERR_LOGO_SVG_REFUSED',
    ],
    [
      'text declared as PNG',
      Buffer.from('this is not a picture at all'),
      'image/png',
      415,
      'TS_ERR_LOGO_TYPE',
    ],
    ['a PNG cut after its signature', png.subarray(0, 10), 'image/png', 400, 'TS_ERR_LOGO_INVALID'],
    ['a PNG over 1024 px', makePng(1100, 2), 'image/png', 413, 'TS_ERR_LOGO_TOO_LARGE'],
    [
      'a PNG over 256 KB',
      Buffer.concat([png, Buffer.alloc(300 * 1024)]),
      'image/png',
      413,
      'TS_ERR_LOGO_TOO_LARGE',
    ],
    ['a body over 1 MB', Buffer.alloc(1_100_000, 1), 'image/png', 413, 'TS_ERR_LOGO_TOO_LARGE'],
    ['JSON', Buffer.from('{"logo":"x"}'), 'application/json', 415, 'TS_ERR_LOGO_TYPE'],
  ])(
    '%s is refused with a code and hint, and the stored logo stays',
    async (_name, bytes, type, status, code) => {
      const res = await upload(admin, bytes, type);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().code).toBe(code);
      expect((await reader.request('GET', '/api/branding')).json().logo.sha256).toBe(sha);
    },
  );

  test('another workspace never sees it: its own branding is the defaults and it has no logo', async () => {
    const branding = (await ownerB.request('GET', '/api/branding')).json();
    expect(branding).toMatchObject({
      displayName: null,
      logo: null,
      defaults: { displayName: 'Workspace other' },
    });
    expect(JSON.stringify(branding)).not.toContain('Contoso');
    const logo = await ownerB.request('GET', '/api/branding/logo', undefined, {
      'if-none-match': `"${sha}"`,
    });
    expect(logo.statusCode).toBe(404);
    expect(logo.json().code).toBe('TS_ERR_NOT_FOUND');
    expect((await ownerB.request('DELETE', '/api/branding/logo')).statusCode).toBe(404);
  });

  test('an owner removes it: audited, then 404; removing again is 404', async () => {
    expect((await owner.request('DELETE', '/api/branding/logo')).statusCode).toBe(204);
    const [entry] = await auditOf(wsA, 'branding.logo_removed');
    expect(entry).toMatchObject({ actor: owner.personId, ip: owner.ip });
    expect((await reader.request('GET', '/api/branding')).json().logo).toBeNull();
    expect((await reader.request('GET', '/api/branding/logo')).statusCode).toBe(404);
    expect((await owner.request('DELETE', '/api/branding/logo')).statusCode).toBe(404);
    // the fields stay
    expect((await reader.request('GET', '/api/branding')).json().displayName).toBe('Contoso IT');
  });
});
