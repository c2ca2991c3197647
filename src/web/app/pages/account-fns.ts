import type { Role } from '../types.ts';

/**
 * The pure parts of the account pages: sign-in with a second factor, enrolling an authenticator
 * app, choosing a password, invitations. Tested with tables in account-fns.test.ts.
 */

/** Which second factor the person types: the app's 6-digit code, or a single-use recovery code. */
export type Factor = 'totp' | 'recovery';

export interface SecondFactor {
  factor: Factor;
  code: string;
}

/** The body of `DELETE /api/me/totp`: the field the server reads for the kind of code typed. */
export function secondFactorBody(second: SecondFactor): { totpCode: string } | { recoveryCode: string } {
  const code = second.code.trim();
  return second.factor === 'totp' ? { totpCode: code.replace(/\s/g, '') } : { recoveryCode: code };
}

/** The body of `POST /api/session`: the password, and the second factor once it is asked for. */
export function signInBody(
  email: string,
  password: string,
  second: SecondFactor | null,
  workspaceId?: string,
): Record<string, string> {
  return {
    email: email.trim(),
    password,
    ...(workspaceId ? { workspaceId } : {}),
    ...(second ? secondFactorBody(second) : {}),
  };
}

/** The base32 secret as people copy it into an app by hand: groups of four. */
export function groupSecret(secret: string): string {
  return (secret.replace(/\s/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

/** The text file of recovery codes a person downloads, saying whose and from when. */
export function recoveryCodesText(email: string, codes: readonly string[], at: Date): string {
  return [
    `Tenantscope recovery codes for ${email}`,
    `Made ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC. Each code works once, instead of the code from your authenticator app.`,
    '',
    ...codes,
    '',
  ].join('\n');
}

/**
 * The server's password rule (src/auth/password-reset-service.ts: 12 to 1,024 characters),
 * repeated here because the web app is bundled without server code; a test keeps them equal.
 */
export const PASSWORD_RULE = { min: 12, max: 1024 } as const;
export const PASSWORD_RULE_WORDS = `At least ${PASSWORD_RULE.min} characters. A few unrelated words make a good one.`;

/** What is wrong with a new password typed twice, in words; null when it can be sent. */
export function passwordProblem(password: string, repeat: string): string | null {
  if (password.length < PASSWORD_RULE.min)
    return `The password is too short: ${password.length} of at least ${PASSWORD_RULE.min} characters.`;
  if (password.length > PASSWORD_RULE.max)
    return `The password is too long: at most ${PASSWORD_RULE.max} characters.`;
  if (password !== repeat) return 'The two passwords are not the same.';
  return null;
}

export type Tone = 'ok' | 'bad' | 'warn' | 'info' | 'muted';
export type EmailStatus = 'pending' | 'queued' | 'sending' | 'sent' | 'failed' | 'expired' | 'cancelled';

/** The state of an invitation's email, in words, with the server's detail when it has one. */
export function emailStatusWords(
  status: EmailStatus | null,
  detail: string | null,
): { tone: Tone; text: string } {
  const why = detail ? `: ${detail}` : '';
  switch (status) {
    case 'sent':
      return { tone: 'ok', text: 'email sent' };
    case 'queued':
    case 'sending':
      return { tone: 'info', text: 'email sending' };
    case 'pending':
      return { tone: 'warn', text: `email waiting${why}` };
    case 'failed':
      return { tone: 'bad', text: `email failed${why}` };
    case 'expired':
      return { tone: 'bad', text: 'email never sent (expired)' };
    case 'cancelled':
      return { tone: 'muted', text: 'email withdrawn' };
    default:
      return { tone: 'muted', text: 'no email' };
  }
}

/**
 * An invitation list is worth re-reading every few seconds while an email is about to change
 * state on its own: just queued, or sending. One waiting with a reason ("delivery not
 * configured", a retry later) stays so for minutes or for good: no point polling for it.
 */
export const emailInFlight = (status: EmailStatus | null, detail: string | null): boolean =>
  status === 'queued' || status === 'sending' || (status === 'pending' && detail === null);

/** The sign-in address that comes back to an invitation afterwards. */
export const signInThenBackTo = (path: string): string => `/signin?next=${encodeURIComponent(path)}`;

export const ROLE_WORDS: Record<Role, string> = {
  owner: 'Owner — everything, including members and the audit log',
  admin: 'Admin — tenants, syncs, decisions, price book',
  reports: 'Reports — reads reports and findings only',
};
