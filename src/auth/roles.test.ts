import { expect, test } from 'vitest';
import type { MemberRole } from '../storage/schema.ts';
import { roleAllows } from './roles.ts';

test.each<[MemberRole, MemberRole, boolean]>([
  ['owner', 'owner', true],
  ['owner', 'admin', true],
  ['owner', 'reports', true],
  ['admin', 'owner', false],
  ['admin', 'admin', true],
  ['admin', 'reports', true],
  ['reports', 'owner', false],
  ['reports', 'admin', false],
  ['reports', 'reports', true],
])('a member with role %s may use a route that needs %s: %s', (held, needed, allowed) => {
  expect(roleAllows(held, needed)).toBe(allowed);
});
