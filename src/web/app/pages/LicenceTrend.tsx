import { useState } from 'react';
import { type MoneyLine, MoneyTrend } from '../charts/MoneyTrend.tsx';
import { countOf, formatMoney } from '../format.ts';
import type { BookTrend, LicenceSummary } from '../types.ts';
import { Async } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { fromFirstTenant } from './book-fns.ts';

type Figures = Pick<LicenceSummary['totals'], 'spendMonthly' | 'wasteMonthly' | 'possibleWasteMonthly'>;

/** The three monthly amounts people follow over time, in the order of the legend. */
function linesOf(points: Figures[]): MoneyLine[] {
  return [
    { key: 'spend', label: 'Licence cost', values: points.map((p) => p.spendMonthly), tone: 'tone-accent' },
    { key: 'waste', label: 'Certain waste', values: points.map((p) => p.wasteMonthly), tone: 'tone-waste' },
    {
      key: 'possible',
      label: 'Possible waste',
      values: points.map((p) => p.possibleWasteMonthly),
      tone: 'tone-possible',
    },
  ];
}

const SPANS = [12, 26, 52] as const;

/** The whole book week by week: one chart per currency (amounts in two currencies are never added). */
export function BookTrendCard() {
  const [weeks, setWeeks] = useState<number>(12);
  const loaded = useApi<BookTrend>(`/api/licences/trend?weeks=${weeks}`);
  return (
    <section className="card" aria-labelledby="book-trend-h">
      <div className="toolbar">
        <h2 id="book-trend-h">Cost and waste per month, week by week</h2>
        <label className="filter">
          <span>Over</span>
          <select value={weeks} onChange={(e) => setWeeks(Number(e.target.value))}>
            {SPANS.map((w) => (
              <option key={w} value={w}>
                {w} weeks
              </option>
            ))}
          </select>
        </label>
      </div>
      <Async loaded={loaded} what="the trend">
        {({ series }) => (
          <>
            {series.map(({ currency, points: all }) => {
              const points = fromFirstTenant(all);
              const last = all.at(-1)!;
              return (
                <div key={currency} className="trend-block">
                  {series.length > 1 && <h3>{currency}</h3>}
                  <MoneyTrend
                    label={`Licence cost and waste in ${currency} over ${countOf(points.length, 'week', 'weeks')}, now ${formatMoney(
                      last.spendMonthly,
                      currency,
                    )} a month with ${formatMoney(last.wasteMonthly, currency)} certain waste`}
                    currency={currency}
                    at={points.map((p) => p.at)}
                    lines={linesOf(points)}
                  />
                  <p className="muted small">{trendNote(last, points.length, currency)}</p>
                </div>
              );
            })}
          </>
        )}
      </Async>
    </section>
  );
}

function trendNote(last: BookTrend['series'][number]['points'][number], weeks: number, currency: string) {
  if (last.tenants === 0) return `No tenant is priced in ${currency} now; the line shows earlier weeks.`;
  const words = [
    `Each week counts every tenant with its latest analysis as of that week (${countOf(last.tenants, 'tenant', 'tenants')} now).`,
  ];
  if (weeks === 1) words.push('One week so far: the line grows week by week.');
  if (last.unpricedUnits > 0)
    words.push(`${countOf(last.unpricedUnits, 'unit has', 'units have')} no price: a gap, not zero.`);
  return words.join(' ');
}

/** One tenant's amounts, analysis by analysis (the trend the licences API returns, oldest first). */
export function TenantTrendCard({ trend }: { trend: LicenceSummary[] }) {
  const currency = trend.at(-1)?.currency ?? 'USD';
  // a change of currency in the price book would mix amounts: only the current currency's points
  const points = trend.filter((t) => t.currency === currency);
  return (
    <section className="card span-2" aria-labelledby="tenant-trend-h">
      <h2 id="tenant-trend-h">Cost and waste per month, analysis by analysis</h2>
      {points.length < 2 ? (
        <p className="muted">The trend appears after the next sync: one analysis so far.</p>
      ) : (
        <MoneyTrend
          label={`Licence cost and waste in ${currency} over ${countOf(points.length, 'analysis', 'analyses')}`}
          currency={currency}
          at={points.map((p) => p.collectedAt)}
          lines={linesOf(points.map((p) => p.totals))}
        />
      )}
    </section>
  );
}
