/**
 * "Possible" shared mailboxes and service accounts among licensed users. Graph's user object does
 * not say what a mailbox is (recipientTypeDetails lives in Exchange, which we do not read), so this
 * is a heuristic and its results are always labelled "possible" (docs/licences.md):
 *
 * - the account never signed in interactively (when sign-in data is known): people do, shared
 *   mailboxes are created with sign-in blocked, service accounts only refresh tokens;
 * - and its name looks like one: the UPN's local part starts with a role word followed by a
 *   separator, a digit or the `@` (`shared-finance@`, `info@`, `svc-backup1@`), or the display
 *   name says "shared" / "mailbox" (shared) or starts with "service" (service).
 *
 * Guests are never either: they are counted as guests.
 */
import type { SignInState } from './licence-types.ts';
import type { RawUser } from './licence-view.ts';

const SHARED_LOCAL =
  /^(shared|mailbox|mbx|info|contact|enquiries|inquiries|sales|support|helpdesk|servicedesk|reception|office|noreply|no-reply|donotreply|accounts|billing|invoices?|careers|jobs|hr|marketing|events|bookings)([-_.\d@]|$)/i;
const SHARED_NAME = /\b(shared|mailbox)\b/i;
const SERVICE_LOCAL =
  /^(svc|service|srv|sa|app|api|sync|scan|scanner|bot|automation|system|sys)([-_.\d@]|$)/i;
const SERVICE_NAME = /^(svc|service)\b/i;

export type AccountKind = 'sharedMailbox' | 'serviceAccount' | null;

export function accountKind(u: RawUser, signIn: SignInState): AccountKind {
  if (u.userType === 'Guest') return null;
  const signedInInteractively = signIn.state === 'seen' && signIn.lastInteractive !== null;
  if (signedInInteractively) return null;
  const upn = u.userPrincipalName ?? '';
  const local = upn.includes('@') ? `${upn.split('@')[0]}@` : upn;
  const name = u.displayName ?? '';
  if (SHARED_LOCAL.test(local) || SHARED_NAME.test(name)) return 'sharedMailbox';
  if (SERVICE_LOCAL.test(local) || SERVICE_NAME.test(name)) return 'serviceAccount';
  return null;
}
