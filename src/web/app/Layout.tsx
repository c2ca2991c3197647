import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { api, describeError } from './api.ts';
import { Link, navigate, useLocation } from './router.tsx';
import { can, useSession } from './session.tsx';
import type { Me, Role } from './types.ts';

interface NavLink {
  href: string;
  label: string;
  show: boolean;
  active: boolean;
}

/** The pages this role may open, in the header's order. */
function mainLinks(role: Role | null, pathname: string): NavLink[] {
  const links: NavLink[] = [
    { href: '/', label: 'Tenants', show: true, active: pathname === '/' || pathname.startsWith('/tenants') },
    { href: '/findings', label: 'Findings', show: true, active: pathname === '/findings' },
    { href: '/licences', label: 'Licence book', show: true, active: pathname === '/licences' },
    {
      href: '/connect',
      label: 'Connect a tenant',
      show: can(role, 'admin'),
      active: pathname === '/connect',
    },
    { href: '/standards', label: 'Standards', show: true, active: pathname.startsWith('/standards') },
    { href: '/alerts', label: 'Alerts', show: can(role, 'admin'), active: pathname === '/alerts' },
    {
      href: '/settings',
      label: 'Settings',
      show: can(role, 'admin'),
      active: pathname.startsWith('/settings'),
    },
    { href: '/audit', label: 'Audit log', show: can(role, 'owner'), active: pathname === '/audit' },
  ];
  return links.filter((l) => l.show);
}

/**
 * Header with the product, the pages this role may open, the workspace and the person. Wide
 * screens show the navigation on one line; below 1100 px (styles.css) it folds behind a "Menu"
 * button, a disclosure: the button says whether it is open, opening moves focus to the first
 * link, Escape closes it and gives focus back to the button, and choosing a page closes it.
 */
export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const { pathname } = useLocation();
  const { me, role } = session;
  const menu = useMenu(pathname);
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
        <button
          type="button"
          ref={menu.buttonRef}
          className="btn btn-quiet menu-button"
          aria-expanded={menu.open}
          aria-controls="main-nav"
          onClick={menu.toggle}
          onKeyDown={menu.onKeyDown}
        >
          <span className="menu-icon" aria-hidden="true" />
          Menu
        </button>
        <nav
          id="main-nav"
          ref={menu.navRef}
          aria-label="Main"
          className={menu.open ? 'mainnav mainnav-open' : 'mainnav'}
          onKeyDown={menu.onKeyDown}
        >
          {mainLinks(role, pathname).map((l) => (
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
            title={`${me.person.email}${role ? ` (${role})` : ''}`}
            aria-current={pathname === '/account' ? 'page' : undefined}
          >
            <span className="visually-hidden">Your account: </span>
            {me.person.displayName ?? me.person.email}
            {role && <span className="who-role"> · {role}</span>}
          </Link>
          <button type="button" className="btn btn-quiet who-signout" onClick={() => void session.signOut()}>
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

/** The folded navigation's state and keyboard handling; it closes when the page changes. */
function useMenu(pathname: string) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const navRef = useRef<HTMLElement>(null);
  // a link was followed (or back/forward): the menu has done its job
  // biome-ignore lint/correctness/useExhaustiveDependencies: closing is the effect of a new pathname
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    navRef.current?.querySelector('a')?.focus();
    // a click anywhere outside the button and the menu closes it, as a menu does
    const away = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!navRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !open) return;
    event.preventDefault();
    setOpen(false);
    buttonRef.current?.focus();
  };
  return { open, buttonRef, navRef, onKeyDown, toggle: () => setOpen((o) => !o) };
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
      <select
        className="who-workspace-select"
        value={me.workspace?.id ?? ''}
        onChange={(e) => void change(e.target.value)}
      >
        {me.workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name} ({w.role})
          </option>
        ))}
      </select>
    </label>
  );
}
