/**
 * Matches `/tenants/:id/:tab` against a path: the named parts, or null. A trailing `*` matches
 * the rest. Pure, so it is tested with a table.
 */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const got = pathname.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w === '*') return params;
    const g = got[i];
    if (g === undefined) return null;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(g);
    else if (w !== g) return null;
  }
  return got.length === want.length ? params : null;
}

/** Only a path of this site: `?next=https://elsewhere` must not send anyone away. */
export function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])/.test(next) && !next.startsWith('/signin') ? next : '/';
}

/** A page anyone may open without a session: asking for a reset link, using one, an invitation. */
export type PublicPage =
  | { page: 'forgot-password' }
  | { page: 'reset-password'; token: string }
  | { page: 'invite'; token: string };

export function publicPage(pathname: string): PublicPage | null {
  if (matchPath('/forgot-password', pathname)) return { page: 'forgot-password' };
  const reset = matchPath('/reset-password/:token', pathname);
  if (reset?.token) return { page: 'reset-password', token: reset.token };
  const invite = matchPath('/invite/:token', pathname);
  if (invite?.token) return { page: 'invite', token: invite.token };
  return null;
}
