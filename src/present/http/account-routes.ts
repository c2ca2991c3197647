import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type AccountDeps, changePassword, endSession, listSessions } from '../../auth/account-service.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../auth/password-reset-service.ts';
import { SESSION_ABSOLUTE_MS, sessionExpiresAt } from '../../auth/session-policy.ts';
import { csrfTokenFor } from '../../auth/session-tokens.ts';
import { isoDate } from './api-schemas.ts';
import { sessionOf, setSessionCookie } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';

const codeSchema = z.string().trim().min(6).max(20);

/**
 * Like sign-in (session-routes.ts): each request is a guess at the current password or a code,
 * so 10 a minute per address, in front of the account lockout the service applies.
 */
const PASSWORD_LIMIT = { max: 10, timeWindow: '1 minute' };
/** Ending sessions guesses nothing (ids are random UUIDs, checked against the caller's own). */
const SESSIONS_LIMIT = { max: 30, timeWindow: '1 minute' };

const deviceSessionSchema = z.object({
  id: z.string().describe('the public id of the session: not its cookie, nor derived from it'),
  device: z
    .string()
    .nullable()
    .describe('"Chrome on Windows", from the browser at sign-in; null when it could not tell'),
  signedInAt: isoDate,
  lastSeenAt: isoDate.describe('written at most every 5 minutes'),
  signedInFrom: z.string().nullable().describe('the address the sign-in came from'),
  current: z.boolean().describe('the session making this request'),
});

export interface AccountRouteDeps extends AccountDeps {
  tls: boolean;
  /** hands the notice email to the email queue at once; without it the sweep sends it */
  queueEmails?: (() => Promise<number>) | undefined;
}

export function registerAccountRoutes(app: FastifyInstance, deps: AccountRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/me/password',
      access: 'signedIn',
      summary: 'Change your password',
      description:
        `The new password must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters and differ from the current one. ` +
        'The current password is checked against the sign-in lockout (a wrong one counts as a failed sign-in: TS_ERR_CURRENT_PASSWORD_WRONG, then TS_ERR_SIGNIN_LOCKED). ' +
        'With two-step sign-in on, a current code (totpCode) or a recovery code is needed too. ' +
        'On success every other session ends, unused password reset links stop working, a notice is emailed, ' +
        'and this session continues under a new cookie: use the csrfToken returned.',
      tags: ['session'],
      body: z
        .object({
          currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
          newPassword: z
            .string()
            .min(1)
            .max(PASSWORD_MAX_LENGTH)
            .describe(`at least ${PASSWORD_MIN_LENGTH} characters`),
          totpCode: codeSchema.optional().describe('the 6-digit code, when two-step sign-in is on'),
          recoveryCode: codeSchema.optional().describe('a single-use recovery code instead of the code'),
        })
        .strict(),
      response: z.object({
        csrfToken: z.string().describe('the new session cookie is set; this is its CSRF token'),
        expiresAt: isoDate,
        otherSessionsEnded: z.number().int(),
      }),
      rateLimit: PASSWORD_LIMIT,
    },
    async ({ request, reply, body }) => {
      const session = sessionOf(request);
      const changed = await changePassword(deps, session, { ...body, ip: request.ip });
      // best effort: the once-a-minute sweep sends what this misses
      await deps.queueEmails?.().catch(() => 0);
      setSessionCookie(
        reply,
        deps.tls,
        changed.token,
        new Date(session.createdAt.getTime() + SESSION_ABSOLUTE_MS),
      );
      return {
        csrfToken: csrfTokenFor(changed.token),
        expiresAt: sessionExpiresAt(session).toISOString(),
        otherSessionsEnded: changed.otherSessionsEnded,
      };
    },
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/me/sessions',
      access: 'signedIn',
      summary: 'Your signed-in sessions (devices), the most recently used first',
      tags: ['session'],
      response: z.object({ sessions: z.array(deviceSessionSchema) }),
    },
    async ({ request }) => {
      const sessions = await listSessions(deps, sessionOf(request));
      return {
        sessions: sessions.map((s) => ({
          id: s.publicId,
          device: s.deviceLabel,
          signedInAt: s.createdAt.toISOString(),
          lastSeenAt: s.lastSeenAt.toISOString(),
          signedInFrom: s.createdIp,
          current: s.current,
        })),
      };
    },
  );

  defineRoute(
    app,
    {
      method: 'DELETE',
      url: '/api/me/sessions/:id',
      access: 'signedIn',
      summary: 'Sign out one of your other sessions',
      description:
        'Ending the session making the request is refused (TS_ERR_SESSION_CURRENT): sign out with DELETE /api/session. ' +
        "Another person's session id, or one that has ended, is not found.",
      tags: ['session'],
      params: z.object({ id: z.guid() }),
      rateLimit: SESSIONS_LIMIT,
    },
    async ({ request, params }) => {
      await endSession(deps, sessionOf(request), params.id, request.ip);
      return undefined;
    },
  );
}
