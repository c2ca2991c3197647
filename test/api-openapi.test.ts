import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, openHarness } from './api-harness.ts';

let h: Harness;
type Operation = {
  summary?: string;
  security?: unknown[];
  responses: Record<string, unknown>;
  parameters?: { in: string; name: string }[];
};
let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };

beforeAll(async () => {
  h = await openHarness();
  const res = await h.inject({ url: '/api/docs/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => {
  h.assertNoSecrets([]);
  await h.close();
});

/** `METHOD /api/x/:id` for every operation of the document under /api. */
const documented = () =>
  Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api'))
    .flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );

describe('the OpenAPI document (generated from the route schemas)', () => {
  test('lists exactly the routes the app serves under /api', () => {
    expect(h.app.apiRoutes.length).toBeGreaterThan(15);
    expect(documented().sort()).toEqual([...h.app.apiRoutes].sort());
  });

  test('every operation has a summary, its error responses, and the session (and CSRF header to change anything) unless public', () => {
    const publicOps = new Set([
      'POST /api/session',
      'GET /api/docs',
      'GET /api/docs/openapi.json',
      // the emailed links (invitation-routes.ts, password-reset-routes.ts): the link is the credential
      'POST /api/invitations/accept',
      'POST /api/password-reset',
      'POST /api/password-reset/confirm',
      // sign-in with Microsoft (microsoft-sign-in-routes.ts): before anyone is signed in
      'GET /api/session/options',
      'GET /api/session/microsoft',
      'GET /api/session/microsoft/callback',
    ]);
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api')) continue;
      for (const [method, op] of Object.entries(ops)) {
        const name = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
        expect(op.summary, name).toBeTruthy();
        expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(['4XX', '5XX']));
        if (publicOps.has(name)) expect(op.security, name).toBeUndefined();
        else if (method === 'get') expect(op.security, name).toEqual([{ session: [] }]);
        else expect(op.security, name).toEqual([{ session: [], csrf: [] }]);
      }
    }
  });

  test('path parameters are documented', () => {
    const params = doc.paths['/api/tenants/{id}']!.get!.parameters ?? [];
    expect(params).toContainEqual(expect.objectContaining({ in: 'path', name: 'id' }));
  });

  test('no response schema names a credential field', () => {
    const keys: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        // a yes/no flag such as `secretSet` says a secret exists without carrying it
        if ((v as { type?: unknown } | null)?.type !== 'boolean') keys.push(`${where} ${k}`);
        walk(v, where);
      }
    };
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) walk(op.responses, `${method.toUpperCase()} ${path}`);
    const named = keys.filter((k) => /secret|password|ciphertext|wrapped|private/i.test(k.split(' ')[2]!));
    // The one exception, by design: enrolling an authenticator app shows its own person the
    // TOTP secret once (src/auth/README.md); it is sealed at rest and never readable again.
    expect(named).toEqual(['POST /api/me/totp secret']);
  });

  test('/api/docs is a plain page listing every operation, under the strict CSP', async () => {
    const res = await h.inject({ url: '/api/docs' });
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.body).not.toMatch(/<script|style=/i);
    for (const route of h.app.apiRoutes) {
      const [method, url] = route.split(' ');
      expect(res.body).toContain(
        `<code>${method}</code></td><td><code>${url!.replace(/:(\w+)/g, '{$1}')}</code>`,
      );
    }
  });
});
