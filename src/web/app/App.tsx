import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api, setCsrfToken, setUnauthenticatedHandler } from './api.ts';
import { Layout } from './Layout.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { safeNext } from './paths.ts';
import { Routes } from './Routes.tsx';
import { navigate, useLocation } from './router.tsx';
import { type Session, SessionContext } from './session.tsx';
import type { Me } from './types.ts';
import { ErrorNote, Loading } from './ui.tsx';

/**
 * The session decides everything: unknown → loading; none → the sign-in page (remembering
 * where the person was going); signed in → the layout and the page for the address.
 */
export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [bootError, setBootError] = useState<unknown>(null);
  const { pathname, search } = useLocation();

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

  const session = useMemo<Session | null>(
    () =>
      me
        ? {
            me,
            role: me.workspace?.role ?? null,
            update: accept,
            async signOut() {
              await api('DELETE', '/api/session').catch(() => {});
              accept(null);
              navigate('/signin', { replace: true });
            },
          }
        : null,
    [me, accept],
  );

  useEffect(() => {
    if (me === null && pathname !== '/signin') {
      const next = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname)}`;
      navigate(`/signin${next}`, { replace: true });
    }
    if (me && pathname === '/signin') navigate(safeNext(search.get('next')), { replace: true });
  }, [me, pathname, search]);

  if (bootError) return <ErrorNote error={bootError} title="Tenantscope could not start" />;
  if (me === undefined) return <Loading what="Tenantscope" />;
  if (me === null || !session) return <SignInPage onSignedIn={accept} />;
  return (
    <SessionContext.Provider value={session}>
      <Layout>
        <Routes pathname={pathname} />
      </Layout>
    </SessionContext.Provider>
  );
}
