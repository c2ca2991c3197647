import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  confirmPasswordReset,
  PASSWORD_MAX_LENGTH,
  type PasswordResetDeps,
  RESET_PER_EMAIL,
  requestPasswordReset,
} from '../../auth/password-reset-service.ts';
import { defineRoute } from './route-kit.ts';

export interface PasswordResetRouteDeps extends PasswordResetDeps {
  /** hands new outbox messages to the email queue at once; without it the sweep sends them */
  queueEmails?: (() => Promise<number>) | undefined;
}

/**
 * Per address, in front of the per-email limit kept in the database (3 emails per address typed
 * in 15 minutes): asking for a link is cheap to send and costs a stranger's inbox.
 */
const REQUEST_LIMIT = { max: 5, timeWindow: '1 minute' };
const CONFIRM_LIMIT = { max: 10, timeWindow: '1 minute' };
const ACCEPTED = {
  accepted: true as const,
  message:
    'If an account uses this email, a link to choose a new password is on its way. It works once, for 30 minutes.',
};

export function registerPasswordResetRoutes(app: FastifyInstance, deps: PasswordResetRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/password-reset',
      access: 'public',
      summary: 'Ask for a password reset link by email',
      description:
        'Always answers 202 with the same body, whether or not the email has an account (and the same work is done either way). ' +
        `At most ${RESET_PER_EMAIL.max} emails per address typed in ${RESET_PER_EMAIL.windowMs / 60_000} minutes; further requests change nothing.`,
      tags: ['session'],
      body: z.object({ email: z.string().trim().min(3).max(320) }).strict(),
      status: 202,
      response: z.object({ accepted: z.literal(true), message: z.string() }),
      rateLimit: REQUEST_LIMIT,
    },
    async ({ request, body }) => {
      await requestPasswordReset(deps, { email: body.email, ip: request.ip });
      // best effort, and done for every answer alike; the once-a-minute sweep sends what this misses
      await deps.queueEmails?.().catch(() => 0);
      return ACCEPTED;
    },
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/password-reset/confirm',
      access: 'public',
      summary: 'Choose a new password with the emailed link',
      description:
        'The link works once, for 30 minutes. Every session of the person ends (sign in again), their sign-in lockout is cleared, ' +
        'and the change is audited in each of their workspaces. Two-step sign-in, if on, stays on.',
      tags: ['session'],
      body: z
        .object({
          token: z.string().min(1).max(200).describe('the last part of the emailed link'),
          password: z.string().min(1).max(PASSWORD_MAX_LENGTH).describe('at least 12 characters'),
        })
        .strict(),
      rateLimit: CONFIRM_LIMIT,
    },
    async ({ request, body }) => {
      await confirmPasswordReset(deps, { ...body, ip: request.ip });
      return undefined;
    },
  );
}
