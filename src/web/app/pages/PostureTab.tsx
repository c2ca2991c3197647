import { useState } from 'react';
import { Bars } from '../charts/Bars.tsx';
import { ScoreTrend } from '../charts/ScoreTrend.tsx';
import { formatDateTime, formatNumber } from '../format.ts';
import { Link } from '../router.tsx';
import { type Finding, type ScorePoint, SEVERITIES, type Tenant } from '../types.ts';
import { Async, Badge, Empty } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { areaLabel, countBySeverity, groupByArea } from './posture-fns.ts';

const STATE_TONE: Record<string, string> = {
  fail: 'bad',
  accepted: 'info',
  pass: 'ok',
  notApplicable: 'muted',
  notLicensed: 'muted',
  unknown: 'warn',
  manual: 'muted',
  retired: 'muted',
};

export function PostureTab({ tenant }: { tenant: Tenant }) {
  const [show, setShow] = useState<'open' | 'all'>('open');
  const base = `/api/tenants/${tenant.id}`;
  const scores = useApi<{ points: ScorePoint[] }>(`${base}/score-history?limit=90`);
  const findings = useApi<{ findings: Finding[]; total: number }>(
    `${base}/findings?limit=1000${show === 'open' ? '&state=fail,accepted' : ''}`,
  );
  return (
    <div className="grid-2">
      <section className="card" aria-labelledby="score-h">
        <h2 id="score-h">Posture score</h2>
        <Async loaded={scores} what="the score history">
          {({ points }) =>
            points.length === 0 ? (
              <Empty>No analysis yet: the score appears after the first sync.</Empty>
            ) : (
              <>
                <p className="big-number">
                  {formatNumber(points.at(-1)!.score)}
                  <span className="muted small"> / 100 · {formatDateTime(points.at(-1)!.collectedAt)}</span>
                </p>
                <ScoreTrend points={points} />
              </>
            )
          }
        </Async>
      </section>
      <section className="card" aria-labelledby="sev-h">
        <h2 id="sev-h">Failing checks by severity</h2>
        <Async loaded={findings} what="the findings">
          {({ findings: list }) => {
            const counts = countBySeverity(list);
            return (
              <Bars
                label="Failing checks by severity"
                bars={SEVERITIES.map((s) => ({
                  key: s,
                  label: s,
                  value: counts[s],
                  display: formatNumber(counts[s]),
                  tone: `sev-${s}`,
                }))}
              />
            );
          }}
        </Async>
      </section>
      <section className="card span-2" aria-labelledby="findings-h">
        <div className="section-head">
          <h2 id="findings-h">Findings by area</h2>
          <fieldset className="segmented">
            <legend className="visually-hidden">Which findings</legend>
            <label>
              <input type="radio" name="show" checked={show === 'open'} onChange={() => setShow('open')} />{' '}
              Failing and accepted
            </label>
            <label>
              <input type="radio" name="show" checked={show === 'all'} onChange={() => setShow('all')} /> All
              checks
            </label>
          </fieldset>
        </div>
        <Async loaded={findings} what="the findings">
          {({ findings: list }) =>
            list.length === 0 ? (
              <Empty>
                {show === 'open' ? 'Nothing failing. Every evaluated check passes.' : 'No findings yet.'}
              </Empty>
            ) : (
              groupByArea(list).map((g, i) => (
                // the worst area opens; the rest show their counts until opened
                <details key={g.area} className="area" open={i === 0 && g.failing > 0}>
                  <summary>
                    <span className="area-name">{areaLabel(g.area)}</span>
                    <span className="muted small">
                      {formatNumber(g.failing)} failing · {formatNumber(g.findings.length)} shown
                    </span>
                    <span className="sev-counts">
                      {SEVERITIES.map((s) => {
                        const n = g.findings.filter((f) => f.severity === s && f.state === 'fail').length;
                        return n > 0 ? (
                          <span key={s} className={`sev-count sev-text-${s}`}>
                            {formatNumber(n)} {s}
                          </span>
                        ) : null;
                      })}
                    </span>
                  </summary>
                  <ul className="finding-list">
                    {g.findings.map((f) => (
                      <li key={f.id}>
                        <Link
                          href={`/tenants/${tenant.id}/posture/${encodeURIComponent(f.checkId)}`}
                          className="finding-link"
                        >
                          <span className={`sev-dot sev-${f.severity}`} aria-hidden="true" />
                          <span className="finding-title">{f.title}</span>
                          <span className="visually-hidden">, severity {f.severity}, </span>
                          <Badge tone={STATE_TONE[f.state] ?? 'muted'}>{f.state}</Badge>
                        </Link>
                        <p className="muted small">{f.summary}</p>
                      </li>
                    ))}
                  </ul>
                </details>
              ))
            )
          }
        </Async>
      </section>
    </div>
  );
}

export { STATE_TONE };
