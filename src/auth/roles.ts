import type { MemberRole } from '../storage/schema.ts';

/**
 * What each role may do, as a ladder: `owner` everything (members, audit log, disconnecting
 * tenants), `admin` tenants, syncs and reports, `reports` read-only. A route names the lowest
 * role it needs; every role above it may use it too.
 */
const RANK: Record<MemberRole, number> = { reports: 1, admin: 2, owner: 3 };

export const ROLES: readonly MemberRole[] = ['owner', 'admin', 'reports'];

export function roleAllows(held: MemberRole, needed: MemberRole): boolean {
  return RANK[held] >= RANK[needed];
}
