import { useMemo } from 'react';
import { can, useSession } from '../session.tsx';
import type { Member } from '../types.ts';
import { useApi } from '../use-api.ts';
import { personWords } from './baseline-fns.ts';

/**
 * Names for the person ids the API returns (`pinnedBy`, `updatedBy`, `assignedBy`). The member
 * list is an admin read, so a `reports` member sees "you" or "a workspace member" instead.
 */
export function usePeople(): (id: string) => string {
  const { me, role } = useSession();
  const members = useApi<{ members: Member[] }>(can(role, 'admin') ? '/api/members' : null);
  return useMemo(() => {
    const map = members.data ? new Map(members.data.members.map((m) => [m.id, m])) : null;
    return (id: string) => personWords(id, me.person, map);
  }, [members.data, me.person]);
}
