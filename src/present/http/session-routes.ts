import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SESSION_ABSOLUTE_MS, sessionExpiresAt } from '../../auth/session-policy.ts';
import {
  deleteSession,
  findSession,
  type SessionRow,
  type WorkspaceChoice,
  workspacesOf,
} from '../../auth/session-repo.ts';
import { csrfTokenFor, isSessionToken, sessionIdOf } from '../../auth/session-tokens.ts';
import { type AuthDeps, signIn, signOut, switchWorkspace } from '../../auth/sign-in-service.ts';
import { meSchema } from './api-schemas.ts';
import { clearSessionCookie, sessionCookieName, sessionOf, setSessionCookie } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';

const signInBody = z
  .object({
    email: z.string().trim().min(3).max(320),
    password: z.string().min(1).max(1024),
    workspaceId: z.guid().optional().describe('the workspace to work in; the oldest membership when absent'),
    totpCode: z
      .string()
      .trim()
      .min(6)
      .max(20)
      .optional()
      .describe('the 6-digit code, when two-step sign-in is on'),
    recoveryCode: z
      .string()
      .trim()
      .min(10)
      .max(20)
      .optional()
      .describe('a single-use recovery code instead of the code'),
  })
  .strict();

/**
 * Sign-in is rate limited per address on top of the lockout (src/auth/throttle-policy.ts):
 * 10 a minute is more than a person mistyping, and far less than a guessing script.
 */
const SIGN_IN_LIMIT = { max: 10, timeWindow: '1 minute' };

export function registerSessionRoutes(app: FastifyInstance, deps: AuthDeps & { tls: boolean }): void {
  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/session',
      access: 'public',
      summary: 'Sign in with email and password',
      description:
        'Sets the HTTP-only session cookie and returns the person, their workspaces and the CSRF token. ' +
        'Five failed attempts lock the account for 30 s, doubling up to 15 min (TS_ERR_SIGNIN_LOCKED, with Retry-After). ' +
        'When two-step sign-in is on, a right password without a code answers TS_ERR_SECOND_FACTOR_REQUIRED; a wrong code counts as a failed attempt.',
      tags: ['session'],
      body: signInBody,
      response: meSchema,
      rateLimit: SIGN_IN_LIMIT,
    },
    async ({ request, reply, body }) => {
      // A new sign-in replaces the session this browser had: no old id survives a change of person.
      const previous = request.cookies[sessionCookieName(deps.tls)];
      if (isSessionToken(previous)) await deleteSession(deps.db, sessionIdOf(previous));
      const result = await signIn(deps, {
        ...body,
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      }).catch((error: unknown) => {
        const retry = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
        if (retry) void reply.header('retry-after', String(retry));
        throw error;
      });
      const now = deps.clock.now();
      setSessionCookie(reply, deps.tls, result.token, new Date(now.getTime() + SESSION_ABSOLUTE_MS));
      return {
        person: result.person,
        workspace: result.workspace,
        workspaces: result.workspaces,
        csrfToken: csrfTokenFor(result.token),
        expiresAt: sessionExpiresAt({ createdAt: now, lastSeenAt: now }).toISOString(),
      };
    },
  );

  defineRoute(
    app,
    {
      method: 'DELETE',
      url: '/api/session',
      access: 'signedIn',
      summary: 'Sign out: the session is deleted on the server and the cookie cleared',
      tags: ['session'],
    },
    async ({ request, reply }) => {
      await signOut(deps, sessionOf(request), request.ip);
      clearSessionCookie(reply, deps.tls);
      return undefined;
    },
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/me',
      access: 'signedIn',
      summary: 'The signed-in person, their workspaces and role, and the CSRF token',
      tags: ['session'],
      response: meSchema,
    },
    async ({ request }) => me(deps, sessionOf(request)),
  );

  defineRoute(
    app,
    {
      method: 'PUT',
      url: '/api/session/workspace',
      access: 'signedIn',
      summary: 'Work in another workspace the person belongs to',
      tags: ['session'],
      body: z.object({ workspaceId: z.guid() }).strict(),
      response: meSchema,
    },
    async ({ request, body }) => {
      const session = sessionOf(request);
      await switchWorkspace(deps, session, body.workspaceId, request.ip);
      const fresh = await findSession(deps.db, session.id);
      return me(deps, { ...(fresh ?? session), token: session.token });
    },
  );
}

async function me(deps: AuthDeps, session: SessionRow & { token: string }) {
  const workspaces: WorkspaceChoice[] = await workspacesOf(deps.db, session.userId);
  return {
    person: { id: session.userId, email: session.email, displayName: session.displayName },
    workspace: workspaces.find((w) => w.id === session.selectedWorkspaceId) ?? null,
    workspaces,
    csrfToken: csrfTokenFor(session.token),
    expiresAt: sessionExpiresAt(session).toISOString(),
  };
}
