import { expect, test } from 'vitest';
import type { Route } from '../contract.ts';
import { createRouter } from './router.ts';

const r = (method: Route['method'], path: string): Route => ({
  method,
  path,
  auth: 'none',
  handler: () => ({ status: 200 }),
});
const router = createRouter([
  r('GET', '/v1.0/users/:id'),
  r('GET', '/v1.0/users/delta'),
  r('GET', '/:tenant/oauth2/v2.0/authorize'),
  r('GET', '/subscriptions/*'),
  r('POST', '/v1.0/$batch'),
]);

test.each([
  ['/v1.0/users/delta', '/v1.0/users/delta', {}],
  ['/v1.0/users/abc', '/v1.0/users/:id', { id: 'abc' }],
  ['/V1.0/Users/abc%40x', '/v1.0/users/:id', { id: 'abc@x' }],
  ['/contoso.com/oauth2/v2.0/authorize', '/:tenant/oauth2/v2.0/authorize', { tenant: 'contoso.com' }],
  ['/subscriptions/s1/providers/x', '/subscriptions/*', { '*': 's1/providers/x' }],
])('%s matches %s', (path, pattern, params) => {
  const m = router.match('GET', path);
  expect(m && 'route' in m ? [m.route.path, m.params] : m).toEqual([pattern, params]);
});

test('a path under another method is a method mismatch, an unknown one no match', () => {
  expect(router.match('GET', '/v1.0/$batch')).toEqual({ methodMismatch: true });
  expect(router.match('GET', '/v1.0/groups')).toBeUndefined();
});
