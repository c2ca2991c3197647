import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api, setCsrfToken, setUnauthenticatedHandler } from './api.ts';
import { Layout } from './Layout.tsx';
import { signInThenBackTo } from './pages/account-fns.ts';
import { PublicPages } from './pages/PublicPages.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { publicPage, safeNext } from './paths.ts';
import { Routes } from './Routes.tsx';
import { navigate, useLocation } from './router.tsx';
import { type Session, SessionContext } from './session.tsx';
import type { Me } from './types.ts';
import { ErrorNote, Loading } from './ui.tsx';

/**
 * The session decides everything: unknown → loading; none → the sign-in page (remembering
 * where the person was going), except the public pages that emailed links open (password
 * reset, invitation); signed in → the layout and the page for the address. An invitation
 * opens both ways: a signed-in person accepts it inside the app.
 */
export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [bootError, setBootError] = useState<unknown>(null);
  const { pathname, search } = useLocation();
  const open = publicPage(pathname);
  const isPublic = open !== null;

  const accept = useCallback((next: Me | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    setMe(next);
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => accept(null));
    api<Me>('GET', '/api/me').then(accept, (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) accept(null);
      else setBootError(error);
    });
    return () => setUnauthenticatedHandler(null);
  }, [accept]);

  const signOut = useCallback(
    async (next?: string) => {
      await api('DELETE', '/api/session').catch(() => {});
      accept(null);
      navigate(next ? signInThenBackTo(next) : '/signin', { replace: true });
    },
    [accept],
  );

  const session = useMemo<Session | null>(
    () => (me ? { me, role: me.workspace?.role ?? null, update: accept, signOut } : null),
    [me, accept, signOut],
  );

  useEffect(() => {
    if (me === null && pathname !== '/signin' && !isPublic) {
      const next = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname)}`;
      navigate(`/signin${next}`, { replace: true });
    }
    if (me && pathname === '/signin') navigate(safeNext(search.get('next')), { replace: true });
  }, [me, pathname, search, isPublic]);

  if (bootError) return <ErrorNote error={bootError} title="Tenantscope could not start" />;
  if (me === undefined) return <Loading what="Tenantscope" />;
  if (open && !(open.page === 'invite' && session))
    return (
      <PublicPages
        page={open}
        onSignedIn={accept}
        onPasswordChanged={() => {
          // a new password ends every session of the account; this page forgets its own too
          if (me) void api('DELETE', '/api/session').catch(() => {});
          accept(null);
          navigate('/signin?reset=done', { replace: true });
        }}
      />
    );
  if (me === null || !session) return <SignInPage onSignedIn={accept} />;
  return (
    <SessionContext.Provider value={session}>
      <Layout>
        <Routes pathname={pathname} />
      </Layout>
    </SessionContext.Provider>
  );
}
