import { useState } from 'react';
import { type Bar, Bars } from '../charts/Bars.tsx';
import { countOf, formatDate, formatDateTime, formatMoney, formatNumber } from '../format.ts';
import type { LicenceSummary, Tenant, UsersPage } from '../types.ts';
import { Async, Empty, Field } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { TenantTrendCard } from './LicenceTrend.tsx';
import { SkuTable } from './SkuTable.tsx';

export const REASON_LABELS: Record<string, string> = {
  unassigned: 'Bought, not assigned',
  disabled: 'Disabled accounts',
  neverSignedIn: 'Never signed in',
  idle: 'Idle',
  overlapping: 'Paid twice (overlap)',
  possibleSharedOrService: 'Shared or service account (possible)',
  guest: 'Guests (possible)',
};

const FILTERS = [
  ['all', 'All licensed users'],
  ['idle', 'Idle'],
  ['disabled', 'Disabled'],
  ['neverSignedIn', 'Never signed in'],
  ['overlap', 'Overlapping licences'],
  ['guest', 'Guests'],
] as const;

const PAGE = 25;

export function LicencesTab({ tenant }: { tenant: Tenant }) {
  const loaded = useApi<{ current: LicenceSummary | null; trend: LicenceSummary[] }>(
    `/api/tenants/${tenant.id}/licences`,
  );
  return (
    <Async loaded={loaded} what="the licences">
      {({ current, trend }) =>
        current ? (
          <div className="grid-2">
            <Inventory s={current} />
            <TenantTrendCard trend={trend} />
            <SkuTable tenant={tenant} />
            <WasteChart s={current} />
            <IdleChart s={current} />
            <Departments s={current} />
            <UsersTable tenant={tenant} />
          </div>
        ) : (
          <Empty>No licence analysis yet: it appears after the first sync.</Empty>
        )
      }
    </Async>
  );
}

function Inventory({ s }: { s: LicenceSummary }) {
  const c = s.counts;
  const t = s.totals;
  return (
    <section className="card span-2" aria-labelledby="inv-h">
      <h2 id="inv-h">
        Inventory <span className="muted small">as of {formatDateTime(s.collectedAt)}</span>
      </h2>
      <dl className="stats">
        <Stat label="Products (SKUs)" value={formatNumber(c.skus)} />
        <Stat label="Units bought" value={formatNumber(c.purchased)} />
        <Stat label="Assigned" value={formatNumber(c.consumed)} />
        <Stat label="Unassigned" value={formatNumber(c.available)} />
        <Stat label="Licensed users" value={formatNumber(c.licensedUsers)} />
        <Stat label="Spend" value={`${formatMoney(t.spendMonthly, s.currency)}/mo`} />
        <Stat label="Certain waste" value={`${formatMoney(t.wasteMonthly, s.currency)}/mo`} tone="bad" />
        <Stat label="Possible waste" value={`${formatMoney(t.possibleWasteMonthly, s.currency)}/mo`} />
        <Stat label="Savings a year" value={formatMoney(t.savingsAnnual, s.currency)} tone="ok" />
      </dl>
      {t.unpricedUnits > 0 && (
        <p className="muted small">
          {countOf(t.unpricedUnits, 'unit has', 'units have')} no price ({t.unpricedSkus.join(', ')}): they
          are a gap in these figures, not zero. Add prices in Settings → Price book.
        </p>
      )}
      {c.unavailable.length > 0 && (
        <p className="muted small">
          Not read in this sync: {c.unavailable.map((u) => `${u.dataset} (${u.status})`).join(', ')}.
        </p>
      )}
    </section>
  );
}

function Stat({ label, value, tone }: { label: string; value: string; tone?: string }) {
  return (
    <div className={`stat ${tone ? `stat-${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function WasteChart({ s }: { s: LicenceSummary }) {
  const bars: Bar[] = Object.entries(REASON_LABELS).map(([reason, label]) => {
    const m = s.totals.byReason[reason];
    return {
      key: reason,
      label,
      value: m?.monthly ?? 0,
      display: m
        ? `${formatMoney(m.monthly, s.currency)} · ${countOf(m.units, 'unit', 'units')}`
        : 'cannot tell',
      tone: reason === 'possibleSharedOrService' || reason === 'guest' ? 'tone-possible' : 'tone-waste',
    };
  });
  return (
    <section className="card" aria-labelledby="waste-h">
      <h2 id="waste-h">Waste per month, by reason</h2>
      <Bars label="Licence waste per month by reason" bars={bars} />
    </section>
  );
}

function IdleChart({ s }: { s: LicenceSummary }) {
  const c = s.counts;
  const known = (n: number | null) => (n === null ? 'cannot tell' : formatNumber(n));
  const bars: Bar[] = [
    {
      key: 'licensed',
      label: 'Licensed users',
      value: c.licensedUsers,
      display: formatNumber(c.licensedUsers),
      tone: 'tone-accent',
    },
    {
      key: 'idle',
      label: `Idle over ${countOf(s.totals.idleDays, 'day', 'days')}`,
      value: c.idle ?? 0,
      display: known(c.idle),
      tone: 'tone-waste',
    },
    {
      key: 'never',
      label: 'Never signed in',
      value: c.neverSignedIn ?? 0,
      display: known(c.neverSignedIn),
      tone: 'tone-waste',
    },
    {
      key: 'disabled',
      label: 'Disabled, still licensed',
      value: c.disabledWithLicences,
      display: formatNumber(c.disabledWithLicences),
      tone: 'tone-waste',
    },
    {
      key: 'overlap',
      label: 'Overlapping licences',
      value: c.overlapping,
      display: formatNumber(c.overlapping),
      tone: 'tone-possible',
    },
    {
      key: 'guests',
      label: 'Guests with licences',
      value: c.guestsWithLicences ?? 0,
      display: known(c.guestsWithLicences),
      tone: 'tone-possible',
    },
  ];
  return (
    <section className="card" aria-labelledby="idle-h">
      <h2 id="idle-h">Idle and unused accounts</h2>
      <Bars label="Licensed users that are idle, never signed in, disabled or overlapping" bars={bars} />
      {!s.totals.idleKnown && (
        <p className="muted small">
          Without sign-in data (Entra ID P1) idle accounts cannot be told: shown as “cannot tell”, not zero.
        </p>
      )}
    </section>
  );
}

function Departments({ s }: { s: LicenceSummary }) {
  const rows = Object.entries(s.totals.byDepartment)
    .sort(([, a], [, b]) => b.monthly - a.monthly)
    .slice(0, 8);
  return (
    <section className="card span-2" aria-labelledby="dep-h">
      <h2 id="dep-h">Waste by department</h2>
      {rows.length === 0 ? (
        <Empty>No waste attributed to a department.</Empty>
      ) : (
        <Bars
          label="Licence waste per month by department"
          bars={rows.map(([dep, m]) => ({
            key: dep,
            label: dep || '(no department)',
            value: m.monthly,
            display: `${formatMoney(m.monthly, s.currency)} · ${countOf(m.units, 'unit', 'units')}`,
            tone: 'tone-waste',
          }))}
        />
      )}
    </section>
  );
}

function UsersTable({ tenant }: { tenant: Tenant }) {
  const [filter, setFilter] = useState<string>('all');
  const [offset, setOffset] = useState(0);
  const loaded = useApi<UsersPage>(
    `/api/tenants/${tenant.id}/licences/users?filter=${filter}&limit=${PAGE}&offset=${offset}`,
  );
  return (
    <section className="card span-2" aria-labelledby="users-h">
      <div className="section-head">
        <h2 id="users-h">Per user</h2>
        <div className="filters">
          {/* a plain link: the browser downloads the CSV with the session cookie (a GET, no token needed) */}
          <a className="btn" href={`/api/tenants/${tenant.id}/licences/users.csv`} download>
            Download CSV
          </a>
          <Field label="Show">
            {(id) => (
              <select
                id={id}
                value={filter}
                onChange={(e) => {
                  setFilter(e.target.value);
                  setOffset(0);
                }}
              >
                {FILTERS.map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      </div>
      <Async loaded={loaded} what="the licensed users">
        {(page) =>
          page.cannotTell ? (
            <Empty>{page.cannotTell}</Empty>
          ) : page.users.length === 0 ? (
            <Empty>No licensed user matches.</Empty>
          ) : (
            <>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">User</th>
                      <th scope="col">Department</th>
                      <th scope="col">Licences</th>
                      <th scope="col">Last sign-in</th>
                      <th scope="col" className="num">
                        Waste / month
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.users.map((u) => (
                      <tr key={u.userId}>
                        <th scope="row">
                          {u.displayName ?? u.userPrincipalName ?? u.userId}
                          <div className="muted small">
                            {u.userPrincipalName}
                            {u.accountEnabled === false && ' · disabled'}
                            {u.userType === 'Guest' && ' · guest'}
                          </div>
                        </th>
                        <td>{u.department ?? '—'}</td>
                        <td>{u.licences.map((l) => l.name).join(', ')}</td>
                        <td>
                          {u.signIn.state === 'seen'
                            ? `${formatDate(u.signIn.last)} (${countOf(u.signIn.daysSince, 'day', 'days')})`
                            : u.signIn.state === 'never'
                              ? 'never'
                              : 'cannot tell'}
                        </td>
                        <td className="num">
                          {u.waste.length === 0
                            ? '—'
                            : formatMoney(
                                u.waste.reduce((sum, w) => sum + (w.monthly ?? 0), 0),
                                page.currency,
                              )}
                          {u.waste.length > 0 && (
                            <div className="muted small">
                              {[...new Set(u.waste.map((w) => REASON_LABELS[w.reason] ?? w.reason))].join(
                                ', ',
                              )}
                            </div>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="pager">
                <button
                  type="button"
                  className="btn"
                  disabled={offset === 0}
                  onClick={() => setOffset(Math.max(0, offset - PAGE))}
                >
                  Previous
                </button>
                <span className="muted">
                  {formatNumber(offset + 1)}–{formatNumber(offset + page.users.length)} of{' '}
                  {formatNumber(page.total)}
                </span>
                <button
                  type="button"
                  className="btn"
                  disabled={offset + PAGE >= page.total}
                  onClick={() => setOffset(offset + PAGE)}
                >
                  Next
                </button>
              </div>
            </>
          )
        }
      </Async>
    </section>
  );
}
