import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import type { Role } from '../types.ts';

export function NotAllowedPage({ needs }: { needs: Role }) {
  const { role } = useSession();
  return (
    <section className="card notice" aria-labelledby="na-h">
      <h1 id="na-h">Not allowed</h1>
      <p>
        This page needs the <strong>{needs}</strong> role in this workspace; yours is{' '}
        <strong>{role ?? 'none'}</strong>. Ask a workspace owner if you need it.
      </p>
      <p>
        <Link href="/">Back to the tenants</Link>
      </p>
    </section>
  );
}

export function NotFoundPage() {
  return (
    <section className="card notice" aria-labelledby="nf-h">
      <h1 id="nf-h">Page not found</h1>
      <p>There is nothing at this address.</p>
      <p>
        <Link href="/">Back to the tenants</Link>
      </p>
    </section>
  );
}
