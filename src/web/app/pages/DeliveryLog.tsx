import { useEffect, useState } from 'react';
import type { AlertDelivery, AlertRule, DeliveryStatus } from '../drift-control-types.ts';
import { countOf, formatDateTime } from '../format.ts';
import { Async, Badge, Empty } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { deliveryWords, hostOf } from './alert-fns.ts';

const STATUSES: { value: DeliveryStatus | ''; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'failed', label: 'Failed' },
  { value: 'queued', label: 'Queued or retrying' },
  { value: 'pending', label: 'Pending' },
  { value: 'delivered', label: 'Delivered' },
];

/** Re-read while open: retries land in the background (pg-boss, growing delays). */
const POLL_MS = 15_000;

/** The delivery log, newest first: status, attempts and the last error in words. */
export function DeliveryLog({
  rules,
  tenantName,
  round,
}: {
  rules: AlertRule[];
  tenantName(id: string): string;
  /** bumped by the page after a test send, so the new row shows at once */
  round: number;
}) {
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [ruleId, setRuleId] = useState('');
  const query = new URLSearchParams({
    limit: '200',
    ...(status ? { status } : {}),
    ...(ruleId ? { ruleId } : {}),
  });
  const loaded = useApi<{ deliveries: AlertDelivery[] }>(`/api/alert-deliveries?${query}`, POLL_MS);
  const { reload } = loaded;
  useEffect(() => {
    if (round > 0) reload();
  }, [round, reload]);
  const ruleName = (id: string) => rules.find((r) => r.id === id)?.name ?? 'a deleted rule';
  return (
    <section className="card" aria-labelledby="log-h">
      <div className="section-head">
        <h2 id="log-h">Delivery log</h2>
        <div className="actions">
          <label className="filter">
            <span>Status</span>
            <select value={status} onChange={(e) => setStatus(e.target.value as DeliveryStatus | '')}>
              {STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <label className="filter">
            <span>Rule</span>
            <select value={ruleId} onChange={(e) => setRuleId(e.target.value)}>
              <option value="">Every rule</option>
              {rules.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn" onClick={reload}>
            Refresh
          </button>
        </div>
      </div>
      <Async loaded={loaded} what="the delivery log">
        {({ deliveries }) =>
          deliveries.length === 0 ? (
            <Empty>Nothing sent{status || ruleId ? ' that matches' : ' yet'}.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="table deliveries">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Rule</th>
                    <th scope="col">What</th>
                    <th scope="col">To</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Attempts
                    </th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.map((d) => {
                    const w = deliveryWords(d);
                    return (
                      <tr key={d.id}>
                        <td>{formatDateTime(d.createdAt)}</td>
                        <td>{ruleName(d.ruleId)}</td>
                        <td>
                          {d.kind === 'test'
                            ? 'Test'
                            : `${d.totalEvents === null ? 'Drift' : countOf(d.totalEvents, 'change', 'changes')}${
                                d.tenantId ? ` in ${tenantName(d.tenantId)}` : ''
                              }`}
                        </td>
                        <td>
                          {d.channel === 'webhook' ? `webhook ${hostOf(d.target)}` : `email ${d.target}`}
                        </td>
                        <td>
                          <Badge tone={w.tone}>{w.label}</Badge>
                        </td>
                        <td className="num">{d.attempts}</td>
                        <td className="small">
                          {w.detail}
                          {d.lastAttemptAt && (
                            <span className="muted"> Last attempt {formatDateTime(d.lastAttemptAt)}.</span>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
    </section>
  );
}
