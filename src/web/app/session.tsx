import { createContext, useContext } from 'react';
import type { Me, Role } from './types.ts';

export interface Session {
  me: Me;
  role: Role | null;
  /** replaces what the app knows about the session (after a workspace switch) */
  update(me: Me): void;
  /** ends the session on the server, then opens the sign-in page (with `?next=` when given) */
  signOut(next?: string): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** The session when there is one: pages open to everyone (an invitation) work both ways. */
export function useOptionalSession(): Session | null {
  return useContext(SessionContext);
}

const RANK: Record<Role, number> = { reports: 0, admin: 1, owner: 2 };

/** The server's rule (src/auth/roles.ts): owner ⊃ admin ⊃ reports. */
export function can(role: Role | null, needs: Role): boolean {
  return role !== null && RANK[role] >= RANK[needs];
}
