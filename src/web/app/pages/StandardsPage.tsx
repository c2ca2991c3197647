import type { Standard } from '../drift-control-types.ts';
import { countOf, formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import { Async, Empty, PageHeader } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { rulesOf } from './standard-fns.ts';
import { usePeople } from './use-people.ts';

/** The workspace's standards: the settings every assigned tenant should have. */
export function StandardsPage() {
  const { role } = useSession();
  const loaded = useApi<{ standards: Standard[] }>('/api/standards');
  const person = usePeople();
  return (
    <>
      <PageHeader title="Standards">
        {can(role, 'admin') && (
          <Link className="btn btn-primary" href="/standards/new">
            New standard
          </Link>
        )}
      </PageHeader>
      <p className="muted lead">
        A standard lists the settings every tenant assigned to it should have — “users cannot register
        applications”, “legacy authentication is blocked”. Each sync checks them; a tenant may differ from a
        rule with a written reason.
      </p>
      <section className="card" aria-label="Standards">
        <Async loaded={loaded} what="the standards">
          {({ standards }) =>
            standards.length === 0 ? (
              <Empty>
                No standard yet.
                {can(role, 'admin') ? ' Create one from common rules with “New standard”.' : ''}
              </Empty>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Standard</th>
                      <th scope="col">Rules</th>
                      <th scope="col">Tenants</th>
                      <th scope="col">Last changed</th>
                    </tr>
                  </thead>
                  <tbody>
                    {standards.map((s) => (
                      <tr key={s.id}>
                        <th scope="row">
                          <Link href={`/standards/${s.id}`}>{s.name}</Link>{' '}
                          <span className="muted small">version {s.version}</span>
                        </th>
                        <td>{countOf(rulesOf(s.document).length, 'rule', 'rules')}</td>
                        <td>
                          {s.tenants.length
                            ? countOf(s.tenants.length, 'tenant', 'tenants')
                            : 'none assigned'}
                        </td>
                        <td>
                          {formatDateTime(s.updatedAt)} by {person(s.updatedBy)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Async>
      </section>
    </>
  );
}
