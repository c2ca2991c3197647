import { describe, expect, it } from 'vitest';
import type { EmulatorRequest } from '../contract.ts';
import { graphError } from '../server/http.ts';
import { handleBatch } from './batch.ts';
import { buildFixtureStore, fakeRequest } from './test-fixture.ts';
import { createHarness, type Json, validator } from './test-harness.ts';

const store = buildFixtureStore();
const h = createHarness(store);

function batch(requests: unknown[]) {
  return h.call('/v1.0/$batch', { method: 'POST', body: JSON.stringify({ requests }) });
}

describe('$batch', () => {
  it('runs relative requests through the routes and validates each inner body', async () => {
    const res = await batch([
      { id: '1', method: 'GET', url: '/users?$select=id,displayName&$top=999' },
      { id: '2', method: 'GET', url: '/subscribedSkus' },
      {
        id: '3',
        method: 'GET',
        url: "/users?$select=id&$filter=endsWith(mail,'@contoso.com')&$count=true",
        headers: { ConsistencyLevel: 'eventual' },
      },
      { id: '4', method: 'GET', url: '/domains', dependsOn: ['2'] },
    ]);
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.responses.map((r: { id: string }) => [r.id, r]));
    expect(Object.keys(byId).sort()).toEqual(['1', '2', '3', '4']);
    expect(byId['3'].body['@odata.count']).toBe(25);
    for (const [id, endpoint] of [
      ['1', '/users'],
      ['2', '/subscribedSkus'],
      ['3', '/users'],
      ['4', '/domains'],
    ]) {
      expect(byId[id!].status).toBe(200);
      expect(validator.validate(endpoint!, byId[id!].body)).toEqual([]);
    }
  });

  it('refuses 21 requests and duplicate ids (case-insensitive) with 400', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/domains' }));
    expect((await batch(many)).status).toBe(400);
    expect((await batch(many.slice(0, 20))).status).toBe(200);
    const dup = await batch([
      { id: 'a', method: 'GET', url: '/domains' },
      { id: 'A', method: 'GET', url: '/domains' },
    ]);
    expect(dup.status).toBe(400);
    expect(dup.body.error.code).toBe('BadRequest');
  });

  it('refuses malformed payloads, unknown dependencies and absolute urls', async () => {
    const malformed = await h.call('/v1.0/$batch', { method: 'POST', body: '{' });
    expect(malformed.status).toBe(400);
    expect((await batch([{ id: '1', method: 'GET', url: '/domains', dependsOn: ['9'] }])).status).toBe(400);
    expect(
      (await batch([{ id: '1', method: 'GET', url: 'https://graph.microsoft.com/v1.0/domains' }])).status,
    ).toBe(400);
  });

  it('answers 424 for dependants of a failed request, transitively', async () => {
    const res = await batch([
      { id: '1', method: 'GET', url: '/users?$select=nope' },
      { id: '2', method: 'GET', url: '/domains', dependsOn: ['1'] },
      { id: '3', method: 'GET', url: '/domains', dependsOn: ['2'] },
      { id: '4', method: 'GET', url: '/domains' },
    ]);
    const status = Object.fromEntries(
      res.body.responses.map((r: { id: string; status: number }) => [r.id, r.status]),
    );
    expect(status).toEqual({ '1': 400, '2': 424, '3': 424, '4': 200 });
  });

  it('passes an inner 429 with its Retry-After through while the outer status stays 200', async () => {
    const throttled = async (req: EmulatorRequest) =>
      req.url.pathname.endsWith('/subscribedSkus')
        ? graphError(req, 429, 'TooManyRequests', 'Please retry again later.', { 'Retry-After': '5' })
        : h.dispatch(req);
    const outer = fakeRequest(store, '/v1.0/$batch', {
      method: 'POST',
      body: JSON.stringify({
        requests: [
          { id: '2', method: 'GET', url: '/subscribedSkus' },
          { id: '4', method: 'GET', url: '/domains', dependsOn: ['2'] },
        ],
      }),
    });
    const res = (await handleBatch(outer, throttled, 'v1.0')) as { status: number; body: Json };
    expect(res.status).toBe(200);
    const [first, second] = res.body.responses;
    expect(first).toMatchObject({ id: '2', status: 429, headers: { 'Retry-After': '5' } });
    expect(second).toMatchObject({ id: '4', status: 424 });
  });

  it('sends each inner request with the outer token and its own headers', async () => {
    const seen: EmulatorRequest[] = [];
    const outer = fakeRequest(store, '/beta/$batch', {
      method: 'POST',
      headers: { authorization: 'Bearer t' },
      body: JSON.stringify({
        requests: [{ id: '1', method: 'get', url: 'users', headers: { ConsistencyLevel: 'eventual' } }],
      }),
    });
    await handleBatch(
      outer,
      async (req) => {
        seen.push(req);
        return { status: 200, body: {} };
      },
      'beta',
    );
    expect(seen[0]!.url.href).toBe('https://127.0.0.1:8443/beta/users');
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer t', consistencylevel: 'eventual' });
    expect(seen[0]!.method).toBe('GET');
  });
});
