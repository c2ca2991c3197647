import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { roleAllows } from '../../auth/roles.ts';
import type { SessionRow } from '../../auth/session-repo.ts';
import { resumeSession } from '../../auth/session-service.ts';
import { csrfTokenMatches } from '../../auth/session-tokens.ts';
import type { Clock } from '../../platform/clock.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import type { MemberRole, Schema } from '../../storage/schema.ts';
import { type Tx, withWorkspace } from '../../storage/transactions.ts';
import { appendAudit } from '../../workspaces/audit-repo.ts';
import type { Access } from './route-kit.ts';

export interface Authenticated extends SessionRow {
  /** the cookie's value, kept for this request only (the CSRF token is derived from it) */
  token: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Authenticated | undefined;
  }
}

export interface AuthPluginOptions {
  db: Kysely<Schema>;
  clock: Clock;
  tls: boolean;
  publicUrl?: string | undefined;
}

/** Safe methods change nothing, so they need neither a CSRF token nor an origin check. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `__Host-` (RFC 6265bis): the browser accepts it only with Secure, Path=/ and no Domain. */
export const sessionCookieName = (tls: boolean) => (tls ? '__Host-ts_session' : 'ts_session');

/**
 * Authentication and authorisation for every `/api` route, in one place. A route declares
 * `config.access`; registering an `/api` route without it throws at start. For each request:
 * a state-changing one from a foreign `Origin` is refused; then (unless public) the session
 * cookie must name a live session, a state-changing request must carry the session's CSRF token,
 * and a workspace route needs a member of the session's workspace with at least the role named.
 */
export async function registerAuth(app: FastifyInstance, options: AuthPluginOptions): Promise<string[]> {
  await app.register(cookie);
  app.decorateRequest('auth', undefined);
  const cookieName = sessionCookieName(options.tls);
  const publicOrigin = options.publicUrl ? new URL(options.publicUrl).origin : undefined;
  const routes: string[] = [];

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api')) return;
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access) throw new Error(`${String(route.method)} ${route.url} has no access rule (config.access)`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
  });

  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (!access) return;
    const changes = !SAFE_METHODS.has(request.method);
    if (changes) checkOrigin(request, publicOrigin);
    if (access === 'public') return;
    const token = request.cookies[cookieName];
    const session = await resumeSession(options, token);
    if (!session || !token) {
      if (token !== undefined) clearSessionCookie(reply, options.tls);
      throw new TenantscopeError('TS_ERR_UNAUTHENTICATED', 'sign in first');
    }
    if (changes && !csrfTokenMatches(token, request.headers['x-csrf-token']))
      throw new TenantscopeError('TS_ERR_CSRF', 'missing or wrong x-csrf-token header');
    request.auth = { ...session, token };
    if (access === 'signedIn') return;
    if (!session.selectedWorkspaceId || !session.role)
      throw new TenantscopeError('TS_ERR_FORBIDDEN', 'choose a workspace you belong to first');
    if (!roleAllows(session.role, access))
      throw new TenantscopeError('TS_ERR_FORBIDDEN', `this needs the ${access} role in the workspace`);
  });
  return routes;
}

/**
 * A browser always sends `Origin` on a cross-site POST/PUT/PATCH/DELETE; one that names another
 * site is refused (this also covers sign-in, which has no session to bind a token to). Clients
 * that send no `Origin` (curl, scripts) still need the CSRF token on session routes.
 */
function checkOrigin(request: FastifyRequest, publicOrigin: string | undefined): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (origin === publicOrigin || (host !== undefined && host === request.headers.host)) return;
  throw new TenantscopeError('TS_ERR_CSRF', 'this request came from another site');
}

export function setSessionCookie(reply: FastifyReply, tls: boolean, token: string, expires: Date): void {
  void reply.setCookie(sessionCookieName(tls), token, {
    httpOnly: true,
    secure: tls,
    sameSite: 'lax',
    path: '/',
    // the browser forgets it at the absolute limit; the server enforces idle and absolute anyway
    expires,
  });
}

export function clearSessionCookie(reply: FastifyReply, tls: boolean): void {
  void reply.clearCookie(sessionCookieName(tls), { httpOnly: true, secure: tls, sameSite: 'lax', path: '/' });
}

export interface Member {
  workspaceId: string;
  personId: string;
  role: MemberRole;
  ip: string;
}

/** The caller of a workspace route (the hook has already checked the session and the role). */
export function memberOf(request: FastifyRequest): Member {
  const auth = request.auth;
  if (!auth?.selectedWorkspaceId || !auth.role)
    throw new TenantscopeError('TS_ERR_FORBIDDEN', 'choose a workspace you belong to first');
  return { workspaceId: auth.selectedWorkspaceId, personId: auth.userId, role: auth.role, ip: request.ip };
}

/** Who does a change, when and from where: the fields the audited services take. */
export function actorOf(request: FastifyRequest, now: Date) {
  const m = memberOf(request);
  return { workspaceId: m.workspaceId, by: m.personId, now, ip: m.ip };
}

export function sessionOf(request: FastifyRequest): Authenticated {
  if (!request.auth) throw new TenantscopeError('TS_ERR_UNAUTHENTICATED', 'sign in first');
  return request.auth;
}

/** Runs `fn` inside the caller's workspace: row-level security sees only that workspace's rows. */
export function inWorkspace<T>(
  db: Kysely<Schema>,
  request: FastifyRequest,
  fn: (tx: Tx, member: Member) => Promise<T>,
): Promise<T> {
  const member = memberOf(request);
  return withWorkspace(db, member.workspaceId, (tx) => fn(tx, member));
}

/** One audit record of the caller's action, with their id and address (inside their workspace). */
export async function recordAudit(
  tx: Tx,
  member: Member,
  action: string,
  target: string | undefined,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await appendAudit(tx, {
    workspaceId: member.workspaceId,
    actor: member.personId,
    action,
    ...(target ? { target } : {}),
    ip: member.ip,
    detail,
  });
}
