import { type FormEvent, useEffect, useState } from 'react';
import { api, describeError } from '../api.ts';
import { countOf, formatDate, formatDateTime } from '../format.ts';
import type { Role } from '../types.ts';
import { Async, Badge, Empty, Field, Notice } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { type EmailStatus, emailInFlight, emailStatusWords, ROLE_WORDS } from './account-fns.ts';

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  emailStatus: EmailStatus | null;
  emailDetail: string | null;
}

/** While an email is on its way the list is re-read, so "sending" becomes "sent" without a reload. */
const POLL_MS = 2_000;

/**
 * Inviting people by email, for owners (the API's rule: invitations are the owner's). The
 * pending list shows what happened to each email; revoking stops the link at once.
 */
export function InvitationsCard() {
  const [polling, setPolling] = useState(false);
  const loaded = useApi<{ invitations: Invitation[] }>('/api/invitations', polling ? POLL_MS : undefined);
  const inFlight = loaded.data?.invitations.some((i) => emailInFlight(i.emailStatus, i.emailDetail)) ?? false;
  useEffect(() => setPolling(inFlight), [inFlight]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const revoke = async (i: Invitation) => {
    setMessage(null);
    try {
      await api('DELETE', `/api/invitations/${i.id}`);
      setMessage({ ok: true, text: `The invitation to ${i.email} is revoked: its link no longer works.` });
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    }
    loaded.reload();
  };

  return (
    <section className="card span-2" aria-labelledby="invitations-h">
      <h2 id="invitations-h">Invitations</h2>
      <InviteForm
        onInvited={(text) => {
          setMessage({ ok: true, text });
          loaded.reload();
        }}
        onError={(text) => setMessage({ ok: false, text })}
      />
      <Notice note={message} />
      <Async loaded={loaded} what="the invitations">
        {({ invitations }) =>
          invitations.length === 0 ? (
            <Empty>No invitation is waiting for an answer.</Empty>
          ) : (
            <PendingTable invitations={invitations} onRevoke={(i) => void revoke(i)} />
          )
        }
      </Async>
    </section>
  );
}

function InviteForm({ onInvited, onError }: { onInvited(text: string): void; onError(text: string): void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('reports');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const made = await api<Invitation>('POST', '/api/invitations', { email, role });
      onInvited(
        `Invited ${made.email} as ${made.role}. The link in the email works once, until ${formatDate(made.expiresAt)}.`,
      );
      setEmail('');
    } catch (e) {
      onError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="invite-form" onSubmit={(e) => void submit(e)}>
      <Field label="Email to invite">
        {(id) => (
          <input
            id={id}
            type="email"
            autoComplete="off"
            required
            maxLength={320}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        )}
      </Field>
      <Field label="Role">
        {(id) => (
          <select id={id} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {(Object.keys(ROLE_WORDS) as Role[]).map((r) => (
              <option key={r} value={r}>
                {ROLE_WORDS[r]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? 'Inviting…' : 'Send invitation'}
      </button>
    </form>
  );
}

function PendingTable({
  invitations,
  onRevoke,
}: {
  invitations: Invitation[];
  onRevoke(i: Invitation): void;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Pending invitations</caption>
        <thead>
          <tr>
            <th scope="col">Pending ({countOf(invitations.length, 'invitation', 'invitations')})</th>
            <th scope="col">Role</th>
            <th scope="col">Delivery</th>
            <th scope="col">Invited</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {invitations.map((i) => {
            const state = emailStatusWords(i.emailStatus, i.emailDetail);
            return (
              <tr key={i.id}>
                <th scope="row">{i.email}</th>
                <td>{i.role}</td>
                <td>
                  <Badge tone={state.tone}>{state.text}</Badge>
                </td>
                <td>{formatDateTime(i.createdAt)}</td>
                <td>{formatDate(i.expiresAt)}</td>
                <td>
                  <button type="button" className="btn btn-danger" onClick={() => onRevoke(i)}>
                    Revoke<span className="visually-hidden"> the invitation to {i.email}</span>
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
