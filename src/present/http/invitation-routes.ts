import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  acceptInvitation,
  createInvitation,
  type InvitationDeps,
  type InvitationView,
  listInvitations,
  revokeInvitation,
} from '../../auth/invitation-service.ts';
import { PASSWORD_MAX_LENGTH } from '../../auth/password-reset-service.ts';
import { csrfTokenMatches } from '../../auth/session-tokens.ts';
import { idParams, roleSchema } from './api-schemas.ts';
import { inWorkspace, memberOf, sessionCookieName } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';

export interface InvitationRouteDeps extends InvitationDeps {
  tls: boolean;
  /** hands new outbox messages to the email queue at once; without it the sweep sends them */
  queueEmails?: (() => Promise<number>) | undefined;
}

const isoDate = z.string().describe('ISO 8601 date-time');
const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  invitedBy: z.string().describe('the id of the member who invited'),
  createdAt: isoDate,
  expiresAt: isoDate,
  emailStatus: z
    .enum(['pending', 'queued', 'sending', 'sent', 'failed', 'expired', 'cancelled'])
    .nullable()
    .describe(
      'the invitation email: `pending` waits (see emailDetail, e.g. "delivery not configured"), `sent` left for the SMTP server',
    ),
  emailDetail: z.string().nullable(),
});
const view = (v: InvitationView) => ({
  ...v,
  createdAt: v.createdAt.toISOString(),
  expiresAt: v.expiresAt.toISOString(),
});

/** Inviting is an owner's change of who may see the workspace: limited like member changes. */
const CHANGE_LIMIT = { max: 30, timeWindow: '1 minute' };
/** Accepting takes a guessable thing (a password of an existing account): limited like sign-in. */
const ACCEPT_LIMIT = { max: 10, timeWindow: '1 minute' };

export function registerInvitationRoutes(app: FastifyInstance, deps: InvitationRouteDeps): void {
  const kick = async () => {
    // sending is best effort here: the once-a-minute sweep sends whatever this misses
    await deps.queueEmails?.().catch(() => 0);
  };

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/invitations',
      access: 'owner',
      summary: 'Invite someone by email',
      description:
        'Emails a link (`/invite/<token>`) that works once, for 7 days. Inviting an address with a pending invitation replaces it; ' +
        'inviting a member answers TS_ERR_ALREADY_MEMBER. Without an SMTP server the email waits in the outbox.',
      tags: ['members'],
      body: z.object({ email: z.string().trim().min(3).max(320), role: roleSchema }).strict(),
      status: 201,
      response: invitationSchema,
      rateLimit: CHANGE_LIMIT,
    },
    async ({ request, body }) => {
      const m = memberOf(request);
      const created = await createInvitation(
        deps,
        { workspaceId: m.workspaceId, personId: m.personId, ip: m.ip },
        body,
      );
      await kick();
      return view(created);
    },
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/invitations',
      access: 'owner',
      summary: "The workspace's pending invitations and the state of their emails",
      tags: ['members'],
      response: z.object({ invitations: z.array(invitationSchema) }),
    },
    async ({ request }) => ({
      invitations: (await inWorkspace(deps.db, request, (tx) => listInvitations(tx, deps.clock.now()))).map(
        view,
      ),
    }),
  );

  defineRoute(
    app,
    {
      method: 'DELETE',
      url: '/api/invitations/:id',
      access: 'owner',
      summary: 'Revoke a pending invitation',
      description: 'Its link stops working, and its email is withdrawn if not sent yet.',
      tags: ['members'],
      params: idParams,
      rateLimit: CHANGE_LIMIT,
    },
    async ({ request, params }) => {
      await inWorkspace(deps.db, request, (tx, m) =>
        revokeInvitation(
          tx,
          { workspaceId: m.workspaceId, personId: m.personId, ip: m.ip },
          params.id,
          deps.clock.now(),
        ),
      );
      return undefined;
    },
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/invitations/accept',
      access: 'public',
      summary: 'Accept an invitation from its emailed link',
      description:
        'A new email gets an account with the password given (at least 12 characters). An email that already has an account joins ' +
        'only when the request carries that person’s session, or that account’s password (TS_ERR_INVITATION_SIGN_IN_REQUIRED ' +
        'otherwise; a wrong password counts as a failed sign-in). A session counts only with its x-csrf-token. ' +
        'Sign in afterwards with POST /api/session.',
      tags: ['members'],
      body: z
        .object({
          token: z.string().min(1).max(200).describe('the last part of the emailed link'),
          password: z.string().min(1).max(PASSWORD_MAX_LENGTH).optional(),
          displayName: z.string().trim().min(1).max(200).optional(),
        })
        .strict(),
      response: z.object({
        person: z.object({ id: z.string(), email: z.string(), displayName: z.string().nullable() }),
        workspace: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
        role: roleSchema,
        newAccount: z.boolean(),
      }),
      rateLimit: ACCEPT_LIMIT,
    },
    async ({ request, body }) => {
      // the session counts as proof only with its CSRF token, as on every signed-in change
      const cookie = request.cookies[sessionCookieName(deps.tls)];
      const withToken =
        cookie && csrfTokenMatches(cookie, request.headers['x-csrf-token']) ? cookie : undefined;
      return acceptInvitation(deps, { ...body, ip: request.ip, sessionCookie: withToken });
    },
  );
}
