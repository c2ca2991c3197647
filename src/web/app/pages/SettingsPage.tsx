import { useState } from 'react';
import { api, describeError } from '../api.ts';
import { can, useSession } from '../session.tsx';
import type { Member, Role } from '../types.ts';
import { Async, Notice, PageHeader } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { ROLE_WORDS } from './account-fns.ts';
import { BrandingCard } from './BrandingCard.tsx';
import { InvitationsCard } from './InvitationsCard.tsx';
import { PriceBookEditor } from './PriceBookEditor.tsx';
import { RetentionSettings } from './RetentionSettings.tsx';

export function SettingsPage() {
  const { me, role } = useSession();
  return (
    <>
      <PageHeader title={`Settings · ${me.workspace?.name ?? ''}`} />
      <div className="grid-2">
        <Members />
        {can(role, 'owner') && <InvitationsCard />}
        <PriceBookEditor />
        <BrandingCard />
        <RetentionSettings />
      </div>
    </>
  );
}

function Members() {
  const { role, me } = useSession();
  const loaded = useApi<{ members: Member[] }>('/api/members');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const owner = can(role, 'owner');
  const change = async (m: Member, next: Role) => {
    setMessage(null);
    try {
      await api('PATCH', `/api/members/${m.id}`, { role: next });
      setMessage({ ok: true, text: `${m.displayName ?? m.email} is now ${next}.` });
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    }
    loaded.reload();
  };
  return (
    <section className="card span-2" aria-labelledby="members-h">
      <h2 id="members-h">Members</h2>
      {!owner && <p className="muted small">Only an owner can change roles and invite people.</p>}
      <Notice note={message} />
      <Async loaded={loaded} what="the members">
        {({ members }) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Role</th>
                </tr>
              </thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.id}>
                    <th scope="row">
                      {m.displayName ?? m.email}
                      {m.id === me.person.id && <span className="muted"> (you)</span>}
                      <div className="muted small">{m.email}</div>
                    </th>
                    <td>
                      {owner ? (
                        <label>
                          <span className="visually-hidden">Role of {m.email}</span>
                          <select value={m.role} onChange={(e) => void change(m, e.target.value as Role)}>
                            {(Object.keys(ROLE_WORDS) as Role[]).map((r) => (
                              <option key={r} value={r}>
                                {r}
                              </option>
                            ))}
                          </select>
                        </label>
                      ) : (
                        m.role
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Async>
      <dl className="role-words small">
        {(Object.entries(ROLE_WORDS) as [Role, string][]).map(([r, words]) => (
          <div key={r}>
            <dt>{r}</dt>
            <dd>{words.split(' — ')[1]}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
