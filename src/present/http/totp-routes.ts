import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type AccountDeps, renewRecoveryCodes } from '../../auth/account-service.ts';
import { auditPerson } from '../../auth/sign-in-service.ts';
import {
  confirmTotpEnrolment,
  disableTotp,
  recoveryCodesLeft,
  secondFactorEnabled,
  startTotpEnrolment,
} from '../../auth/totp-service.ts';
import { sessionOf } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';

const codeSchema = z.string().trim().min(6).max(20);
/** Enrolment and turning off are rate limited like sign-in: each accepts a guess at a code. */
const CODE_LIMIT = { max: 10, timeWindow: '1 minute' };

/**
 * The signed-in person's own second factor. The TOTP secret leaves the server once, in the
 * answer to enrolment, to the person whose factor it is; recovery codes once, on confirmation.
 */
export function registerTotpRoutes(app: FastifyInstance, deps: AccountDeps): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/me/totp',
      access: 'signedIn',
      summary: 'Whether two-step sign-in is on, and how many recovery codes are left',
      tags: ['session'],
      response: z.object({ enabled: z.boolean(), recoveryCodesLeft: z.number().int() }),
    },
    async ({ request }) => {
      const { userId } = sessionOf(request);
      const enabled = await secondFactorEnabled(deps.db, userId);
      return { enabled, recoveryCodesLeft: enabled ? await recoveryCodesLeft(deps.db, userId) : 0 };
    },
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/me/totp',
      access: 'signedIn',
      summary: 'Start enrolling an authenticator app',
      description:
        'Returns the secret (base32) and the otpauth:// URI to scan, once. Nothing changes at sign-in ' +
        'until POST /api/me/totp/confirm proves the app makes the right codes.',
      tags: ['session'],
      response: z.object({ secret: z.string(), otpauthUri: z.string() }),
      rateLimit: CODE_LIMIT,
    },
    async ({ request }) => {
      const session = sessionOf(request);
      const enrolment = await startTotpEnrolment(deps, { id: session.userId, email: session.email });
      await auditPerson(deps, session.userId, 'session.totp_enrolment_started', request.ip);
      return enrolment;
    },
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/me/totp/confirm',
      access: 'signedIn',
      summary: 'Turn two-step sign-in on with a code from the enrolled app',
      description: 'Returns ten single-use recovery codes, once: keep them somewhere safe.',
      tags: ['session'],
      body: z.object({ code: codeSchema }).strict(),
      response: z.object({ recoveryCodes: z.array(z.string()) }),
      rateLimit: CODE_LIMIT,
    },
    async ({ request, body }) => {
      const { userId } = sessionOf(request);
      const result = await confirmTotpEnrolment(deps, userId, body.code);
      await auditPerson(deps, userId, 'session.totp_enabled', request.ip);
      return result;
    },
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/me/totp/recovery-codes',
      access: 'signedIn',
      summary: 'Make ten new recovery codes, with a current code from the authenticator app',
      description:
        'Every earlier recovery code stops working; the new ones are returned once. Two-step sign-in stays on. ' +
        'A recovery code is not accepted here. A wrong code counts as a failed sign-in (lockout as at sign-in).',
      tags: ['session'],
      body: z.object({ totpCode: codeSchema }).strict(),
      response: z.object({ recoveryCodes: z.array(z.string()) }),
      rateLimit: CODE_LIMIT,
    },
    async ({ request, body }) =>
      renewRecoveryCodes(deps, sessionOf(request), { totpCode: body.totpCode, ip: request.ip }),
  );

  defineRoute(
    app,
    {
      method: 'DELETE',
      url: '/api/me/totp',
      access: 'signedIn',
      summary: 'Turn two-step sign-in off, with a current code or a recovery code',
      tags: ['session'],
      body: z.object({ totpCode: codeSchema.optional(), recoveryCode: codeSchema.optional() }).strict(),
      rateLimit: CODE_LIMIT,
    },
    async ({ request, body }) => {
      const { userId } = sessionOf(request);
      await disableTotp(deps, userId, body);
      await auditPerson(deps, userId, 'session.totp_disabled', request.ip);
      return undefined;
    },
  );
}
