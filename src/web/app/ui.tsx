import { type ReactNode, useId } from 'react';
import { describeError } from './api.ts';
import { Link } from './router.tsx';
import type { Loaded } from './use-api.ts';

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function ErrorNote({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  return (
    <div className="error-note" role="alert">
      <strong>{title}.</strong> {describeError(error)}
    </div>
  );
}

/**
 * The three states of a read: loading (first time only), an error in words, or the content.
 * A reload keeps showing the content.
 */
export function Async<T>({
  loaded,
  what,
  children,
}: {
  loaded: Loaded<T>;
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (loaded.data !== undefined) return <>{children(loaded.data)}</>;
  if (loaded.error) return <ErrorNote error={loaded.error} title={`Could not load ${what}`} />;
  return <Loading what={what} />;
}

/** What an action did, in words: a success is a polite status, a failure an alert. */
export function Notice({ note }: { note: { ok: boolean; text: string } | null }) {
  if (!note) return null;
  return (
    <p className={note.ok ? 'ok-note' : 'error-note'} role={note.ok ? 'status' : 'alert'}>
      {note.text}
    </p>
  );
}

export function Badge({ tone, children }: { tone: string; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: ReactNode;
  children: (id: string, hintId: string | undefined) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, hintId)}
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

export interface TabSpec {
  key: string;
  label: string;
  href: string;
}

/** Tabs that are links: each has its own address, so back/forward and bookmarks work. */
export function TabNav({ tabs, current, label }: { tabs: TabSpec[]; current: string; label: string }) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((t) => (
        <Link key={t.key} href={t.href} className="tab" aria-current={t.key === current ? 'page' : undefined}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}

export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children && <div className="page-actions">{children}</div>}
    </header>
  );
}

export function NotYet({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card not-yet" aria-labelledby={`${title}-h`}>
      <h2 id={`${title}-h`}>
        {title} <Badge tone="muted">not yet</Badge>
      </h2>
      <p>{children}</p>
    </section>
  );
}

/** A 404 from the API reads as "not found" (another workspace's id looks exactly like a wrong one). */
export function NotFoundOr<T>({
  loaded,
  what,
  children,
}: {
  loaded: Loaded<T>;
  what: string;
  children: ReactNode;
}) {
  const error = loaded.error as { status?: number } | undefined;
  if (error?.status === 404)
    return (
      <section className="card notice">
        <h1>Not found</h1>
        <p>There is no {what} in this workspace.</p>
        <p>
          <Link href="/">Back to the tenants</Link>
        </p>
      </section>
    );
  return <>{children}</>;
}
