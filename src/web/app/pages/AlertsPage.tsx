import { useState } from 'react';
import { api, describeError } from '../api.ts';
import type { AlertDelivery, AlertRule } from '../drift-control-types.ts';
import { formatDateTime } from '../format.ts';
import type { Tenant } from '../types.ts';
import { Async, Badge, Empty, Notice, PageHeader } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { AlertRuleForm } from './AlertRuleForm.tsx';
import { destinationWords, errorWords, triggerWords } from './alert-fns.ts';
import { DeliveryLog } from './DeliveryLog.tsx';

type Message = { ok: boolean; text: string } | null;

/** `/alerts` (admin): who hears about new drift, how, and what was sent. */
export function AlertsPage() {
  const rules = useApi<{ rules: AlertRule[] }>('/api/alert-rules');
  const tenants = useApi<{ tenants: Tenant[] }>('/api/tenants');
  const [editing, setEditing] = useState<AlertRule | 'new' | null>(null);
  const [secret, setSecret] = useState<{ rule: string; value: string } | null>(null);
  const [message, setMessage] = useState<Message>(null);
  const [logRound, setLogRound] = useState(0);
  const tenantName = (id: string) =>
    tenants.data?.tenants.find((t) => t.id === id)?.displayName ?? 'a tenant no longer connected';

  const saved = (rule: AlertRule, newSecret: string | null) => {
    setEditing(null);
    setSecret(newSecret ? { rule: rule.name, value: newSecret } : null);
    setMessage({ ok: true, text: `Rule “${rule.name}” saved.` });
    rules.reload();
  };
  const test = async (rule: AlertRule) => {
    setMessage(null);
    try {
      const d = await api<AlertDelivery>('POST', `/api/alert-rules/${rule.id}/test`);
      setMessage(
        d.status === 'delivered'
          ? { ok: true, text: `Test to ${rule.name} delivered (HTTP ${d.lastStatusCode}).` }
          : { ok: false, text: `Test to ${rule.name} failed: ${errorWords(d.lastError, d.lastStatusCode)}.` },
      );
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    }
    setLogRound((r) => r + 1);
  };
  const remove = async (rule: AlertRule) => {
    if (!window.confirm(`Delete the rule “${rule.name}” and its delivery log?`)) return;
    try {
      await api('DELETE', `/api/alert-rules/${rule.id}`);
      setMessage({ ok: true, text: `Rule “${rule.name}” deleted.` });
      rules.reload();
      setLogRound((r) => r + 1);
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    }
  };

  return (
    <>
      <PageHeader title="Alert rules">
        {editing === null && (
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            New rule
          </button>
        )}
      </PageHeader>
      <p className="muted lead">
        When a sync finds new drift, each enabled rule that matches it sends one notification per tenant: a
        signed webhook (retried with growing delays) and email.
      </p>
      {secret && <SecretOnce rule={secret.rule} value={secret.value} onDone={() => setSecret(null)} />}
      <Notice note={message} />
      {editing !== null && (
        <Async loaded={tenants} what="the tenants">
          {({ tenants: list }) => (
            <AlertRuleForm
              rule={editing === 'new' ? null : editing}
              tenants={list}
              onSaved={saved}
              onCancel={() => setEditing(null)}
            />
          )}
        </Async>
      )}
      <div className="sections">
        <section className="card" aria-labelledby="rules-h">
          <h2 id="rules-h">Rules</h2>
          <Async loaded={rules} what="the alert rules">
            {({ rules: list }) =>
              list.length === 0 ? (
                <Empty>No alert rule yet: new drift shows in each tenant’s Drift tab only.</Empty>
              ) : (
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">Rule</th>
                        <th scope="col">Sets it off</th>
                        <th scope="col">Sends to</th>
                        <th scope="col">Changed</th>
                        <th scope="col">
                          <span className="visually-hidden">Actions</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {list.map((r) => (
                        <tr key={r.id}>
                          <th scope="row">
                            {r.name} {!r.enabled && <Badge tone="muted">off</Badge>}
                          </th>
                          <td>{triggerWords(r, tenantName)}</td>
                          <td>
                            {destinationWords(r)}
                            {r.webhook && <span className="muted small mono url"> {r.webhook.url}</span>}
                          </td>
                          <td>{formatDateTime(r.updatedAt)}</td>
                          <td className="row-actions">
                            <button type="button" className="btn" onClick={() => setEditing(r)}>
                              Edit <span className="visually-hidden">{r.name}</span>
                            </button>
                            {r.webhook && (
                              <button type="button" className="btn" onClick={() => void test(r)}>
                                Send a test <span className="visually-hidden">to {r.name}</span>
                              </button>
                            )}
                            <button type="button" className="btn btn-quiet" onClick={() => void remove(r)}>
                              Delete <span className="visually-hidden">{r.name}</span>
                            </button>
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
        <DeliveryLog round={logRound} rules={rules.data?.rules ?? []} tenantName={tenantName} />
      </div>
    </>
  );
}

/** The signing secret, once: the server keeps it sealed and never returns it. */
function SecretOnce({ rule, value, onDone }: { rule: string; value: string; onDone(): void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section className="card secret-once" aria-labelledby="secret-h">
      <h2 id="secret-h">Signing secret of “{rule}”</h2>
      <p>
        Put it in your receiver now: it checks each request with it (HMAC-SHA256 of the timestamp and the
        body). Tenantscope stores it sealed and <strong>will not show it again</strong>.
      </p>
      <label className="field">
        <span>Signing secret</span>
        <input className="mono secret-value" readOnly value={value} autoComplete="off" spellCheck={false} />
      </label>
      <div className="actions">
        <button type="button" className="btn" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="btn btn-primary" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </section>
  );
}
