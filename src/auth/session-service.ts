import { isSessionExpired, needsTouch } from './session-policy.ts';
import { deleteSession, findSession, type SessionRow, touchSession } from './session-repo.ts';
import { isSessionToken, sessionIdOf } from './session-tokens.ts';
import type { AuthDeps } from './sign-in-service.ts';

/**
 * The session a cookie names, if it is still alive. An ended session is deleted when met, so a
 * stolen old cookie finds nothing; a live one has its idle clock moved (at most every 5 minutes).
 */
export async function resumeSession(deps: AuthDeps, cookie: unknown): Promise<SessionRow | undefined> {
  if (!isSessionToken(cookie)) return undefined;
  const session = await findSession(deps.db, sessionIdOf(cookie));
  if (!session) return undefined;
  const now = deps.clock.now();
  if (isSessionExpired(session, now)) {
    await deleteSession(deps.db, session.id);
    return undefined;
  }
  if (needsTouch(session, now)) {
    await touchSession(deps.db, session.id, now);
    return { ...session, lastSeenAt: now };
  }
  return session;
}
