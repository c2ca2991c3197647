import { useState } from 'react';
import { useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { PageHeader } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { ChangePasswordCard } from './ChangePasswordCard.tsx';
import { DevicesCard } from './DevicesCard.tsx';
import { MicrosoftLinkCard } from './MicrosoftLinkCard.tsx';
import { TwoStepCard, type TwoStepStatus } from './TwoStepCard.tsx';

/** The signed-in person's own account, whatever their role: who they are, how they sign in. */
export function AccountPage() {
  const { me } = useSession();
  const { search } = useLocation();
  // a password change signs the other devices out: the list is read again
  const [devicesVersion, setDevicesVersion] = useState(0);
  const twoStep = useApi<TwoStepStatus>('/api/me/totp');
  return (
    <>
      <PageHeader title="Your account" />
      <div className="grid-2">
        <section className="card" aria-labelledby="you-h">
          <h2 id="you-h">You</h2>
          <dl className="props">
            <div>
              <dt>Name</dt>
              <dd>{me.person.displayName ?? <span className="muted">not given</span>}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd>{me.person.email}</dd>
            </div>
            <div>
              <dt>{me.workspaces.length === 1 ? 'Workspace' : 'Workspaces'}</dt>
              <dd>
                {me.workspaces.length === 0 && <span className="muted">none</span>}
                <ul className="plain-list">
                  {me.workspaces.map((w) => (
                    <li key={w.id}>
                      {w.name} <span className="muted">· {w.role}</span>
                    </li>
                  ))}
                </ul>
              </dd>
            </div>
          </dl>
        </section>
        <ChangePasswordCard totp={twoStep} onChanged={() => setDevicesVersion((v) => v + 1)} />
        <TwoStepCard status={twoStep} />
        <MicrosoftLinkCard
          result={search.get('microsoft')}
          error={search.get('microsoftError')}
          returnTo="/account"
        />
        <DevicesCard key={devicesVersion} />
      </div>
    </>
  );
}
