import type { ReactNode } from 'react';
import { api, describeError } from './api.ts';
import { Link, navigate, useLocation } from './router.tsx';
import { can, useSession } from './session.tsx';
import type { Me } from './types.ts';

/** Header with the product, the pages this role may open, the workspace and the person. */
export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const { pathname } = useLocation();
  const { me, role } = session;
  const links = [
    { href: '/', label: 'Tenants', show: true, active: pathname === '/' || pathname.startsWith('/tenants') },
    { href: '/findings', label: 'Findings', show: true, active: pathname === '/findings' },
    { href: '/licences', label: 'Licence book', show: true, active: pathname === '/licences' },
    {
      href: '/connect',
      label: 'Connect a tenant',
      show: can(role, 'admin'),
      active: pathname === '/connect',
    },
    {
      href: '/standards',
      label: 'Standards',
      show: true,
      active: pathname.startsWith('/standards'),
    },
    { href: '/alerts', label: 'Alerts', show: can(role, 'admin'), active: pathname === '/alerts' },
    {
      href: '/settings',
      label: 'Settings',
      show: can(role, 'admin'),
      active: pathname.startsWith('/settings'),
    },
    { href: '/audit', label: 'Audit log', show: can(role, 'owner'), active: pathname === '/audit' },
  ];
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Tenantscope
        </Link>
        <nav aria-label="Main" className="mainnav">
          {links
            .filter((l) => l.show)
            .map((l) => (
              <Link key={l.href} href={l.href} aria-current={l.active ? 'page' : undefined}>
                {l.label}
              </Link>
            ))}
        </nav>
        <div className="who">
          <WorkspaceSwitch me={me} onSwitched={session.update} />
          <Link
            href="/account"
            className="who-name"
            title={me.person.email}
            aria-current={pathname === '/account' ? 'page' : undefined}
          >
            <span className="visually-hidden">Your account: </span>
            {me.person.displayName ?? me.person.email}
            {role && <span className="who-role"> · {role}</span>}
          </Link>
          <button type="button" className="btn btn-quiet" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

function WorkspaceSwitch({ me, onSwitched }: { me: Me; onSwitched(me: Me): void }) {
  if (me.workspaces.length < 2)
    return <span className="who-workspace">{me.workspace?.name ?? 'No workspace'}</span>;
  const change = async (workspaceId: string) => {
    try {
      onSwitched(await api<Me>('PUT', '/api/session/workspace', { workspaceId }));
      navigate('/');
    } catch (error) {
      window.alert(describeError(error));
    }
  };
  return (
    <label className="who-workspace">
      <span className="visually-hidden">Workspace</span>
      <select value={me.workspace?.id ?? ''} onChange={(e) => void change(e.target.value)}>
        {me.workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name} ({w.role})
          </option>
        ))}
      </select>
    </label>
  );
}
