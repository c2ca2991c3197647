/**
 * The one catalogue of errors. Codes are stable: a retired code is never reused, a changed
 * meaning gets a new code. Messages are for people; programs branch on `code`.
 */
export const errorCatalogue = {
  TS_ERR_CONFIG_INVALID: {
    status: 500,
    hint: 'Fix the named setting; `tenantscope config check` shows them all.',
  },
  TS_ERR_DATA_DIR_UNWRITABLE: {
    status: 500,
    hint: 'Point TENANTSCOPE_DATA_DIR at a folder this user can write.',
  },
  TS_ERR_DATA_DIR_LOCKED: {
    status: 500,
    hint: 'Another Tenantscope process uses this data dir; stop it first.',
  },
  TS_ERR_DATABASE_UNREACHABLE: { status: 503, hint: 'Check DATABASE_URL and that PostgreSQL is running.' },
  TS_ERR_DATABASE_MIGRATION: { status: 500, hint: 'Run `tenantscope migrate` and read its output.' },
  TS_ERR_MASTER_KEY_MISSING: {
    status: 500,
    hint: 'Set TENANTSCOPE_MASTER_KEY (32 bytes, base64) or TENANTSCOPE_MASTER_KEY_FILE.',
  },
  TS_ERR_MASTER_KEY_INVALID: {
    status: 500,
    hint: 'The key-encryption key must be exactly 32 bytes, base64-encoded.',
  },
  TS_ERR_DECRYPT_FAILED: { status: 500, hint: 'The ciphertext was made with another key, or was altered.' },
  TS_ERR_USAGE: { status: 400, hint: 'Run `tenantscope --help` for the commands and their flags.' },
  TS_ERR_VALIDATION: { status: 400, hint: 'Correct the request as the message says.' },
  TS_ERR_NOT_FOUND: { status: 404, hint: 'Check the address; ids from another workspace are not found.' },
  TS_ERR_WORKSPACE_ID_INVALID: { status: 400, hint: 'Workspace ids are UUIDs.' },
  TS_ERR_RATE_LIMITED: { status: 429, hint: 'Wait and try again.' },
  TS_ERR_MS_THROTTLED: {
    status: 503,
    hint: 'Microsoft asked us to slow down and retries ran out; the next sync resumes.',
  },
  TS_ERR_MS_UNAVAILABLE: {
    status: 503,
    hint: 'Microsoft (or the network) failed transiently; the next sync retries.',
  },
  TS_ERR_MS_CONSENT_REVOKED: {
    status: 409,
    hint: 'An admin of the tenant must grant consent to the app again.',
  },
  TS_ERR_MS_SECRET_EXPIRED: {
    status: 409,
    hint: 'Create a new client secret or certificate in the app registration and update the connection.',
  },
  TS_ERR_MS_CREDENTIAL_INVALID: {
    status: 409,
    hint: 'Check the client id, secret or certificate of the connection.',
  },
  TS_ERR_MS_TENANT_NOT_FOUND: {
    status: 409,
    hint: 'Check the tenant id or domain, and the cloud it lives in.',
  },
  TS_ERR_MS_LICENCE_MISSING: {
    status: 409,
    hint: 'The tenant lacks the licence this data needs (often Entra ID P1 or P2).',
  },
  TS_ERR_MS_PERMISSION_MISSING: {
    status: 409,
    hint: 'Grant the read-only permission named in the message and consent again.',
  },
  TS_ERR_MS_NOT_FOUND: { status: 404, hint: 'The object no longer exists in the tenant.' },
  TS_ERR_MS_DELTA_EXPIRED: {
    status: 409,
    hint: 'The change-tracking token expired; a full read follows automatically.',
  },
  TS_ERR_MS_REQUEST_REJECTED: {
    status: 502,
    hint: 'Microsoft refused a request; the message quotes its error code.',
  },
  TS_ERR_MS_BAD_RESPONSE: {
    status: 502,
    hint: 'Microsoft answered something we could not read; the message says what.',
  },
  TS_ERR_SNAPSHOT_INVALID: {
    status: 400,
    hint: 'The file is not a Tenantscope snapshot (docs/snapshot-format.md); the message names the first problem.',
  },
  TS_ERR_FILE_UNREADABLE: { status: 400, hint: 'Check the path and that this user may read (or write) it.' },
  TS_ERR_SYNC_INTERRUPTED: {
    status: 500,
    hint: 'The worker stopped mid-sync; the next run reads the tenant again from the start.',
  },
  TS_ERR_INTERNAL: { status: 500, hint: 'The server log has the details under this request id.' },
  TS_ERR_SNAPSHOT_OTHER_TENANT: {
    status: 400,
    hint: 'Give --previous a snapshot of the same tenant (its tenant.tenantId), or leave it out for a full read.',
  },
  TS_ERR_PRICE_BOOK_INVALID: {
    status: 400,
    hint: 'Fix the price file as the message says (docs/licences.md, "Price book"); prices are per unit per month.',
  },
  TS_ERR_RETENTION_INVALID: {
    status: 400,
    hint: 'Give whole numbers of days within the bounds GET /api/retention lists; nothing was changed.',
  },
  TS_ERR_SKU_CATALOGUE_INVALID: {
    status: 400,
    hint: 'Give Microsoft\'s "Product names and service plan identifiers for licensing" CSV, or a tenantscope.sku-catalogue/v1 JSON file.',
  },
  TS_ERR_STANDARD_INVALID: {
    status: 400,
    hint: 'Correct the standard file as the message says (format: docs/drift.md, "Standards").',
  },
  TS_ERR_DRIFT_SNAPSHOTS_MISMATCHED: {
    status: 400,
    hint: 'Give --from and --to two snapshots of the same tenant, --from the older one.',
  },
  TS_ERR_POSTURE_SETTINGS_INVALID: {
    status: 400,
    hint: 'Correct the posture settings file as the message says (format: docs/scan-report.md, "Settings file").',
  },
  TS_ERR_UNAUTHENTICATED: {
    status: 401,
    hint: 'Sign in first (POST /api/session); a session ends after 12 hours idle or 7 days.',
  },
  TS_ERR_FORBIDDEN: {
    status: 403,
    hint: 'Your role in this workspace does not allow this; ask a workspace owner.',
  },
  TS_ERR_CSRF: {
    status: 403,
    hint: 'Send the csrfToken from POST /api/session or GET /api/me in the x-csrf-token header, from this site.',
  },
  TS_ERR_SIGNIN_FAILED: { status: 401, hint: 'Check the email and password.' },
  TS_ERR_SIGNIN_LOCKED: {
    status: 429,
    hint: 'Too many failed sign-ins; wait for the time given in Retry-After, then try again.',
  },
  TS_ERR_SECOND_FACTOR_REQUIRED: {
    status: 401,
    hint: 'Two-step sign-in is on for this account: send the 6-digit code from the authenticator app (totpCode) or a recovery code (recoveryCode).',
  },
  TS_ERR_SECOND_FACTOR_INVALID: {
    status: 401,
    hint: 'The code is wrong or was already used; codes change every 30 seconds and each recovery code works once.',
  },
  TS_ERR_SECOND_FACTOR_STATE: {
    status: 409,
    hint: 'Two-step sign-in is already on (turn it off first to enrol another app), or was never started.',
  },
  TS_ERR_TENANT_STATE: {
    status: 409,
    hint: 'The tenant is not in a state that allows this (a disconnected tenant must be connected again).',
  },
  TS_ERR_LAST_OWNER: {
    status: 409,
    hint: 'Make another member an owner first: a workspace always keeps one owner.',
  },
  TS_ERR_WEBHOOK_URL_REFUSED: {
    status: 400,
    hint: 'Give an https:// URL that resolves to a public address (http:// only for a loopback receiver); see src/alerts/README.md.',
  },
  TS_ERR_CONNECT_STATE: {
    status: 400,
    hint: 'Start connecting again: the sign-in link is single-use, expires after 10 minutes and belongs to the person who started it.',
  },
  TS_ERR_CONSENT_DECLINED: {
    status: 409,
    hint: 'Microsoft did not grant access; the message gives its reason. Sign in as an administrator of that tenant and accept.',
  },
  TS_ERR_APP_NOT_CONFIGURED: {
    status: 409,
    hint: 'Set TENANTSCOPE_APP_CLIENT_ID and TENANTSCOPE_APP_CLIENT_SECRET (or _FILE) to the multi-tenant app, or connect with an app registration.',
  },
  TS_ERR_INVITATION_INVALID: {
    status: 400,
    hint: 'Ask a workspace owner for a new invitation: a link works once, for 7 days, until it is revoked or replaced.',
  },
  TS_ERR_INVITATION_SIGN_IN_REQUIRED: {
    status: 401,
    hint: 'This email already has an account: sign in as that person first, or send its password with the invitation.',
  },
  TS_ERR_ALREADY_MEMBER: {
    status: 409,
    hint: 'This person is already a member of the workspace; change their role instead (PATCH /api/members/:id).',
  },
  TS_ERR_RESET_TOKEN_INVALID: {
    status: 400,
    hint: 'Ask for a new password reset email: a link works once, for 30 minutes.',
  },
  TS_ERR_PASSWORD_POLICY: {
    status: 400,
    hint: 'Choose a password of at least 12 characters (a few unrelated words work well).',
  },
  TS_ERR_MICROSOFT_SIGN_IN_OFF: {
    status: 409,
    hint: 'Sign-in with Microsoft is off on this server: an operator sets TENANTSCOPE_MICROSOFT_SIGN_IN (and TENANTSCOPE_APP_CLIENT_ID with its secret); meanwhile sign in with email and password.',
  },
  TS_ERR_MICROSOFT_SIGN_IN_STATE: {
    status: 400,
    hint: 'Start again from the sign-in page: a Microsoft sign-in works once, for 10 minutes, in the browser that started it.',
  },
  TS_ERR_MICROSOFT_SIGN_IN_DECLINED: {
    status: 401,
    hint: 'Microsoft did not sign you in (cancelled, refused, or the app is not allowed in your organisation); the message names its error code. Try again, or ask your Entra administrator.',
  },
  TS_ERR_MICROSOFT_TOKEN_INVALID: {
    status: 401,
    hint: "Microsoft's answer failed verification (signature, issuer, audience, nonce or expiry) and was refused; start again, and tell the operator if it keeps happening.",
  },
  TS_ERR_MICROSOFT_ACCOUNT_NOT_LINKED: {
    status: 401,
    hint: 'No Tenantscope account is linked to this Microsoft account: sign in with email and password, then link it under your account settings.',
  },
  TS_ERR_MICROSOFT_ACCOUNT_LINKED_ELSEWHERE: {
    status: 409,
    hint: 'This Microsoft account is linked to another Tenantscope person; unlink it there first, or sign in with another Microsoft account.',
  },
  TS_ERR_PERSON_NOT_FOUND: {
    status: 404,
    hint: "Name the person by their Entra object id, or a UPN or email address they had, as stored in the tenant's snapshots (a person never read by a sync is not held).",
  },
  TS_ERR_PERSON_AMBIGUOUS: {
    status: 409,
    hint: 'Name the person by their Entra object id: this UPN or email address belongs to more than one account in the stored snapshots.',
  },
  TS_ERR_ERASE_NOT_CONFIRMED: {
    status: 400,
    hint: 'Confirm by sending {"confirm": "<the same object id or address as in the path>"} (on the command line: --yes); erasure cannot be undone.',
  },
  TS_ERR_TENANT_BUSY: {
    status: 409,
    hint: 'A sync of this tenant is running; wait until it and its analysis end (GET /api/tenants/:id/syncs), then try again.',
  },
  TS_ERR_NO_SNAPSHOT: {
    status: 409,
    hint: 'Sync the tenant first (POST /api/tenants/:id/sync) and try again once the sync has succeeded; a tenant in minimal mode keeps no snapshot to read.',
  },
  TS_ERR_LOGO_TYPE: {
    status: 415,
    hint: 'Upload the logo as a PNG, JPEG or WebP image (the file itself is checked, not its name or declared type).',
  },
  TS_ERR_LOGO_SVG_REFUSED: {
    status: 415,
    hint: 'SVG can carry scripts, so it is refused: export the logo as PNG (transparent background works) or WebP, at most 1024 × 1024 px and 256 KB.',
  },
  TS_ERR_LOGO_TOO_LARGE: {
    status: 413,
    hint: 'A logo may be at most 256 KB and 1024 × 1024 px; scale it down (a report header shows it about 48 px high).',
  },
  TS_ERR_LOGO_INVALID: {
    status: 400,
    hint: 'The image is damaged or cut short (its header could not be read); export it again as PNG, JPEG or WebP.',
  },
  TS_ERR_PASSWORD_NOT_SET: {
    status: 409,
    hint: 'To add a password, sign out and use "Forgot your password?" on the sign-in page; the emailed link sets one.',
  },
  TS_ERR_CURRENT_PASSWORD_WRONG: {
    status: 401,
    hint: 'Type the password you sign in with now; wrong attempts count toward the sign-in lockout. Forgot it? Sign out and use "Forgot your password?".',
  },
  TS_ERR_SESSION_CURRENT: {
    status: 409,
    hint: 'This is the session making the request: sign out instead (DELETE /api/session).',
  },
} as const satisfies Record<string, { status: number; hint: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export class TenantscopeError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly hint: string;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TenantscopeError';
    this.code = code;
    this.statusCode = errorCatalogue[code].status;
    this.hint = errorCatalogue[code].hint;
  }
}

export const isTenantscopeError = (e: unknown): e is TenantscopeError => e instanceof TenantscopeError;

/** One line for a terminal: the message, then the hint, then the code to search for. */
export function formatErrorLine(e: TenantscopeError): string {
  return `error: ${e.message} — ${e.hint} (${e.code})`;
}
