import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FLOW_LIFETIME_MS } from '../../auth/microsoft-identity-repo.ts';
import type { FlowOutcome, MicrosoftSignIn } from '../../auth/microsoft-sign-in-service.ts';
import { SESSION_ABSOLUTE_MS } from '../../auth/session-policy.ts';
import { deleteSession } from '../../auth/session-repo.ts';
import { isSessionToken, sessionIdOf } from '../../auth/session-tokens.ts';
import type { AuthDeps } from '../../auth/sign-in-service.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import { iso } from './api-schemas.ts';
import { sessionCookieName, sessionOf, setSessionCookie } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';

/**
 * Sign-in with Microsoft Entra ID (src/auth/README.md, "Sign-in with Microsoft"). The browser
 * goes to Microsoft and comes back to `GET /api/session/microsoft/callback`, which always
 * answers with a redirect into the app: `/` (or a safe `next`) when signed in, `/signin?error=CODE`
 * when not; linking lands on the page that started it with `?microsoft=linked` or
 * `?microsoftError=CODE`. A cookie holding the flow's `state` binds it to the browser that
 * started it (login CSRF): SameSite=Lax lets it ride along on Microsoft's top-level redirect.
 */
export interface MicrosoftRouteDeps extends AuthDeps {
  tls: boolean;
  microsoft: MicrosoftSignIn;
}

export const flowCookieName = (tls: boolean) => (tls ? '__Host-ts_microsoft_flow' : 'ts_microsoft_flow');

/** Starting writes a state row and may fetch Microsoft's metadata: as many as sign-ins. */
const START_LIMIT = { max: 10, timeWindow: '1 minute' };
/** The callback redeems a code at Microsoft: a person retrying after a mistake, not a script. */
const CALLBACK_LIMIT = { max: 20, timeWindow: '1 minute' };

const nextSchema = z.string().max(500).optional().describe('a path of this site to go to afterwards');

/** What Microsoft may put on the redirect; anything else is ignored, and none of it is echoed. */
const callbackQuery = z
  .object({
    state: z.string().max(200).optional(),
    code: z.string().max(4096).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(2000).optional(),
    error_uri: z.string().max(2000).optional(),
    session_state: z.string().max(200).optional(),
  })
  .loose();

const linkStatusSchema = z.object({
  enabled: z.boolean().describe('sign-in with Microsoft is configured on this server'),
  link: z
    .object({
      upn: z.string().nullable().describe('the username Microsoft showed when linking (display only)'),
      tenantId: z.string().describe('the Entra tenant (`tid`)'),
      linkedAt: z.string(),
      lastSignInAt: z.string().nullable(),
    })
    .nullable(),
  secondFactorBlocksSignIn: z
    .boolean()
    .describe('two-step sign-in is on: Microsoft sign-in is refused, sign in with password and code'),
});

const redirectDoc =
  'Answers 302 to a page of the app (never JSON, except TS_ERR_MICROSOFT_SIGN_IN_OFF and rate limits).';

export function registerMicrosoftSignInRoutes(app: FastifyInstance, deps: MicrosoftRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/session/options',
      access: 'public',
      summary: 'Which ways of signing in this server offers (for the sign-in page)',
      tags: ['session'],
      response: z.object({ password: z.boolean(), microsoft: z.boolean() }),
    },
    async () => ({ password: true, microsoft: deps.microsoft.enabled }),
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/session/microsoft',
      access: 'public',
      summary: 'Sign in with Microsoft: redirects to Microsoft’s sign-in page',
      description:
        'Only a person who linked their Microsoft account (while signed in) can sign in this way. ' +
        `The flow works once, for 10 minutes, in this browser. ${redirectDoc}`,
      tags: ['session'],
      querystring: z.object({ next: nextSchema }).strict(),
      status: 302,
      rateLimit: START_LIMIT,
    },
    async ({ request, reply, query }) => {
      deps.microsoft.assertOn();
      try {
        const started = await deps.microsoft.startSignIn(query.next);
        setFlowCookie(reply, deps.tls, started.state);
        return reply.redirect(started.url, 302);
      } catch (error) {
        if (!(error instanceof TenantscopeError)) throw error;
        request.log.info({ code: error.code, reason: error.message }, 'Microsoft sign-in could not start');
        return reply.redirect(`/signin?error=${error.code}`, 302);
      }
    },
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/session/microsoft/callback',
      access: 'public',
      summary: 'Where Microsoft sends the browser back after signing in (sign-in or linking)',
      description:
        'Checks `state` (single use, 10 minutes, this browser), redeems the code with PKCE, verifies the id_token ' +
        '(signature, issuer, audience, nonce, expiry) and finds the person by the linked tenant and object id only. ' +
        redirectDoc,
      tags: ['session'],
      querystring: callbackQuery,
      status: 302,
      rateLimit: CALLBACK_LIMIT,
    },
    async ({ request, reply, query }) => {
      const flowCookie = request.cookies[flowCookieName(deps.tls)];
      const sessionCookie = request.cookies[sessionCookieName(deps.tls)];
      const outcome = await deps.microsoft.complete({
        query,
        flowCookie,
        sessionCookie,
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      clearFlowCookie(reply, deps.tls);
      logOutcome(request, outcome);
      if (outcome.ok && outcome.purpose === 'sign-in') {
        // A new sign-in replaces the session this browser had, as password sign-in does.
        if (isSessionToken(sessionCookie)) await deleteSession(deps.db, sessionIdOf(sessionCookie));
        const expires = new Date(deps.clock.now().getTime() + SESSION_ABSOLUTE_MS);
        setSessionCookie(reply, deps.tls, outcome.signedIn.token, expires);
      }
      return reply.redirect(outcome.location, 302);
    },
  );

  registerLinkRoutes(app, deps);
}

function registerLinkRoutes(app: FastifyInstance, deps: MicrosoftRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/me/microsoft',
      access: 'signedIn',
      summary: 'The Microsoft account linked to the signed-in person, if any',
      tags: ['session'],
      response: linkStatusSchema,
    },
    async ({ request }) => {
      const status = await deps.microsoft.status(sessionOf(request).userId);
      const link = status.link;
      return {
        enabled: status.enabled,
        link: link && {
          upn: link.upn,
          tenantId: link.tenantId,
          linkedAt: iso(link.linkedAt)!,
          lastSignInAt: iso(link.lastSignInAt),
        },
        secondFactorBlocksSignIn: status.secondFactorBlocksSignIn,
      };
    },
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/me/microsoft',
      access: 'signedIn',
      summary: 'Start linking a Microsoft account to the signed-in person',
      description:
        'Needs the person’s password again (a wrong one counts as a failed sign-in). Returns Microsoft’s sign-in URL ' +
        'for this browser to open; the callback links the Entra identity (tenant and object id) that signs in there, ' +
        'then returns to `next` (default /settings) with ?microsoft=linked or ?microsoftError=CODE.',
      tags: ['session'],
      body: z.object({ password: z.string().min(1).max(1024), next: nextSchema }).strict(),
      response: z.object({
        url: z.string().describe('Microsoft’s sign-in page: open it in this browser'),
        expiresAt: z.string().describe('the flow works once, until then'),
      }),
      rateLimit: START_LIMIT,
    },
    async ({ request, reply, body }) => {
      const session = sessionOf(request);
      const started = await deps.microsoft
        .startLink({ userId: session.userId, email: session.email, ip: request.ip, ...body })
        .catch((error: unknown) => {
          const retry = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
          if (retry) void reply.header('retry-after', String(retry));
          throw error;
        });
      setFlowCookie(reply, deps.tls, started.state);
      return { url: started.url, expiresAt: started.expiresAt.toISOString() };
    },
  );

  defineRoute(
    app,
    {
      method: 'DELETE',
      url: '/api/me/microsoft',
      access: 'signedIn',
      summary: 'Unlink the Microsoft account: signing in with it stops working at once',
      tags: ['session'],
    },
    async ({ request }) => {
      await deps.microsoft.unlink(sessionOf(request).userId, request.ip);
      return undefined;
    },
  );
}

function setFlowCookie(reply: FastifyReply, tls: boolean, state: string): void {
  void reply.setCookie(flowCookieName(tls), state, {
    httpOnly: true,
    secure: tls,
    sameSite: 'lax',
    path: '/',
    maxAge: FLOW_LIFETIME_MS / 1000,
  });
}

function clearFlowCookie(reply: FastifyReply, tls: boolean): void {
  void reply.clearCookie(flowCookieName(tls), { httpOnly: true, secure: tls, sameSite: 'lax', path: '/' });
}

/**
 * Refusals are not audited when nobody is known (an unlinked identity, a bad state), so the log
 * keeps them: the code and the reason. A token failing verification is a
 * warning (forgery, or a misconfigured authority); an unexpected failure an error.
 */
function logOutcome(request: FastifyRequest, outcome: FlowOutcome): void {
  if (outcome.ok) return;
  const { error } = outcome;
  const entry = { code: error.code, reason: error.message };
  if (outcome.cause) request.log.error({ err: outcome.cause }, 'Microsoft sign-in failed unexpectedly');
  else if (error.code === 'TS_ERR_MICROSOFT_TOKEN_INVALID')
    request.log.warn(entry, 'Microsoft sign-in refused');
  else request.log.info(entry, 'Microsoft sign-in refused');
}
