import type { PublicPage } from '../paths.ts';
import type { Me } from '../types.ts';
import { InvitePage } from './InvitePage.tsx';
import { ForgotPasswordPage, ResetPasswordPage } from './PasswordResetPages.tsx';

/** The pages an emailed link opens without a session, in the same card as the sign-in page. */
export function PublicPages({
  page,
  onSignedIn,
  onPasswordChanged,
}: {
  page: PublicPage;
  onSignedIn(me: Me): void;
  onPasswordChanged(): void;
}) {
  return (
    <main id="main" className="signin">
      <div className="card signin-card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Tenantscope
        </div>
        {page.page === 'forgot-password' && <ForgotPasswordPage />}
        {page.page === 'reset-password' && (
          <ResetPasswordPage token={page.token} onDone={onPasswordChanged} />
        )}
        {page.page === 'invite' && <InvitePage token={page.token} onSignedIn={onSignedIn} />}
      </div>
    </main>
  );
}
