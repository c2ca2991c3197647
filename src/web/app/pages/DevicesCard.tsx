import { useState } from 'react';
import { api, describeError } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { Async, Badge, Notice } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { type DeviceSession, deviceWords, lastActiveWords, orderDevices } from './account-fns.ts';

/**
 * The person's signed-in sessions (devices), this one first and marked; any other can be signed
 * out. This one is signed out with "Sign out" in the header, as the server insists.
 */
export function DevicesCard() {
  const sessions = useApi<{ sessions: DeviceSession[] }>('/api/me/sessions');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const end = async (s: DeviceSession) => {
    setBusy(s.id);
    setMessage(null);
    try {
      await api('DELETE', `/api/me/sessions/${encodeURIComponent(s.id)}`);
      setMessage({
        ok: true,
        text: `Signed out ${deviceWords(s.device)} (signed in ${formatDateTime(s.signedInAt)}).`,
      });
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    } finally {
      setBusy(null);
      sessions.reload();
    }
  };

  return (
    <section className="card span-2" aria-labelledby="devices-h">
      <h2 id="devices-h">Signed-in devices</h2>
      <Notice note={message} />
      <Async loaded={sessions} what="signed-in devices">
        {({ sessions: list }) => {
          const now = new Date();
          const others = list.filter((s) => !s.current).length;
          return (
            <>
              <p className="muted small">
                {others === 0
                  ? 'Only this device is signed in.'
                  : 'A device you do not recognise? Sign it out, then change your password.'}
              </p>
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">Signed-in devices</caption>
                  <thead>
                    <tr>
                      <th scope="col">Device</th>
                      <th scope="col">Signed in</th>
                      <th scope="col">From</th>
                      <th scope="col">Activity</th>
                      <th scope="col">
                        <span className="visually-hidden">Action</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {orderDevices(list).map((s) => (
                      <tr key={s.id}>
                        <td>
                          {deviceWords(s.device)} {s.current && <Badge tone="ok">this device</Badge>}
                        </td>
                        <td>{formatDateTime(s.signedInAt)}</td>
                        <td>{s.signedInFrom ?? <span className="muted">unknown</span>}</td>
                        <td>{lastActiveWords(s.lastSeenAt, now)}</td>
                        <td>
                          {s.current ? (
                            <span className="muted small">use Sign out above</span>
                          ) : (
                            <button
                              type="button"
                              className="btn btn-danger"
                              disabled={busy !== null}
                              onClick={() => void end(s)}
                            >
                              {busy === s.id ? 'Signing out…' : 'Sign out'}
                              <span className="visually-hidden">
                                {' '}
                                {deviceWords(s.device)}, signed in {formatDateTime(s.signedInAt)}
                              </span>
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          );
        }}
      </Async>
    </section>
  );
}
