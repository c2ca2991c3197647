import type { ReactNode } from 'react';
import { AccountPage } from './pages/AccountPage.tsx';
import { AlertsPage } from './pages/AlertsPage.tsx';
import { AuditPage } from './pages/AuditPage.tsx';
import { ConnectPage } from './pages/ConnectPage.tsx';
import { FindingsPage } from './pages/FindingsPage.tsx';
import { InvitePage } from './pages/InvitePage.tsx';
import { LicenceBookPage } from './pages/LicenceBookPage.tsx';
import { NotAllowedPage, NotFoundPage } from './pages/NotAllowedPage.tsx';
import { OverviewPage } from './pages/OverviewPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { StandardEditorPage } from './pages/StandardEditorPage.tsx';
import { StandardPage } from './pages/StandardPage.tsx';
import { StandardsPage } from './pages/StandardsPage.tsx';
import { TenantPage } from './pages/TenantPage.tsx';
import { matchPath } from './paths.ts';
import { Redirect } from './router.tsx';
import { can, useSession } from './session.tsx';
import type { Role } from './types.ts';

/** Pages a role may not open show why, instead of an empty page or a wall of 403 errors. */
function Needs({ needs, children }: { needs: Role; children: ReactNode }) {
  const session = useSession();
  return can(session.role, needs) ? children : <NotAllowedPage needs={needs} />;
}

export function Routes({ pathname }: { pathname: string }) {
  const session = useSession();
  if (pathname === '/' || pathname === '/tenants') return <OverviewPage />;
  const tenant =
    matchPath('/tenants/:id/:tab/:item', pathname) ??
    matchPath('/tenants/:id/:tab', pathname) ??
    matchPath('/tenants/:id', pathname);
  if (tenant?.id) {
    if (!tenant.tab) return <Redirect to={`/tenants/${tenant.id}/posture`} />;
    return <TenantPage tenantId={tenant.id} tab={tenant.tab} item={tenant.item ?? null} />;
  }
  if (pathname === '/findings') return <FindingsPage />;
  if (pathname === '/licences') return <LicenceBookPage />;
  if (pathname === '/connect')
    return (
      <Needs needs="admin">
        <ConnectPage />
      </Needs>
    );
  if (pathname === '/settings' || pathname.startsWith('/settings/'))
    return (
      <Needs needs="admin">
        <SettingsPage />
      </Needs>
    );
  const standard = standardRoute(pathname);
  if (standard) return standard;
  if (pathname === '/alerts')
    return (
      <Needs needs="admin">
        <AlertsPage />
      </Needs>
    );
  if (pathname === '/audit')
    return (
      <Needs needs="owner">
        <AuditPage />
      </Needs>
    );
  if (pathname === '/account') return <AccountPage />;
  const invite = matchPath('/invite/:token', pathname);
  if (invite?.token)
    return (
      <section className="card notice narrow">
        <InvitePage token={invite.token} onSignedIn={session.update} />
      </section>
    );
  if (pathname === '/not-allowed') return <NotAllowedPage needs="admin" />;
  return <NotFoundPage />;
}

/** `/standards` (read by every role), `/standards/new` and `…/:id/edit` (admin), `/standards/:id`. */
function standardRoute(pathname: string): ReactNode {
  if (pathname === '/standards') return <StandardsPage />;
  if (pathname === '/standards/new')
    return (
      <Needs needs="admin">
        <StandardEditorPage standardId={null} />
      </Needs>
    );
  const edit = matchPath('/standards/:id/edit', pathname);
  if (edit?.id)
    return (
      <Needs needs="admin">
        <StandardEditorPage key={edit.id} standardId={edit.id} />
      </Needs>
    );
  const one = matchPath('/standards/:id', pathname);
  if (one?.id) return <StandardPage key={one.id} standardId={one.id} />;
  return null;
}
