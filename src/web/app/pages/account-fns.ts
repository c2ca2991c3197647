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

/**
 * The second factor typed when changing the password, in one box: six digits (spaces allowed)
 * are the app's code, anything else a recovery code. Empty: none sent (two-step sign-in off).
 */
export function typedFactor(
  code: string,
): { totpCode: string } | { recoveryCode: string } | Record<string, never> {
  const trimmed = code.trim();
  if (!trimmed) return {};
  const digits = trimmed.replace(/\s/g, '');
  return /^\d{6}$/.test(digits) ? { totpCode: digits } : { recoveryCode: trimmed };
}

export interface PasswordChangeForm {
  current: string;
  next: string;
  repeat: string;
  /** the app's code or a recovery code; asked only while two-step sign-in is on */
  code: string;
}

/** What stops the change-password form from being sent, in words; null when it can go. */
export function passwordChangeProblem(form: PasswordChangeForm, needsCode: boolean): string | null {
  if (!form.current) return 'Type your current password.';
  const rule = passwordProblem(form.next, form.repeat);
  if (rule) return rule.replace('The password', 'The new password');
  if (form.next === form.current) return 'The new password is the same as the current one.';
  if (needsCode && !form.code.trim()) return 'Type the code from your authenticator app, or a recovery code.';
  return null;
}

/** The body of `POST /api/me/password`. Passwords go as typed: spaces are part of them. */
export function passwordChangeBody(form: PasswordChangeForm, needsCode: boolean): Record<string, string> {
  return {
    currentPassword: form.current,
    newPassword: form.next,
    ...(needsCode ? typedFactor(form.code) : {}),
  };
}

/** What the page says after the password changed. */
export function passwordChangedWords(otherSessionsEnded: number): string {
  const ended =
    otherSessionsEnded === 0
      ? 'No other device was signed in.'
      : otherSessionsEnded === 1
        ? 'The one other signed-in device was signed out.'
        : `The ${otherSessionsEnded} other signed-in devices were signed out.`;
  return `Your password is changed. ${ended} An email tells you about the change.`;
}

export interface DeviceSession {
  id: string;
  device: string | null;
  signedInAt: string;
  lastSeenAt: string;
  signedInFrom: string | null;
  current: boolean;
}

/** The device a session is on, in words: the server's label, or that it could not tell. */
export const deviceWords = (device: string | null): string => device ?? 'Unknown device';

/** This device first, then the others by their last use, newest first. */
export function orderDevices(sessions: readonly DeviceSession[]): DeviceSession[] {
  return [...sessions].sort(
    (a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt),
  );
}

/**
 * When a session was last used, in words. The server writes the time at most every 5 minutes
 * (src/auth/session-policy.ts), so anything more recent than that is "active now".
 */
export function lastActiveWords(lastSeenAt: string, now: Date): string {
  const minutes = Math.floor((now.getTime() - new Date(lastSeenAt).getTime()) / 60_000);
  if (minutes < 5) return 'Active now';
  if (minutes < 60) return `Last active ${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `Last active ${hours === 1 ? '1 hour' : `${hours} hours`} ago`;
  const days = Math.floor(hours / 24);
  return `Last active ${days === 1 ? '1 day' : `${days} days`} ago`;
}
