import { useApi } from '../use-api.ts';
import { microsoftErrorWords, microsoftSignInHref, type SessionOptions } from './microsoft-fns.ts';

export interface MicrosoftSignInButtonProps {
  /** where to go after signing in: the sign-in page's `?next=` (kept only when it is a path of this site) */
  next?: string | null;
  /** the `?error=` code the server sent the browser back with after a failed Microsoft sign-in */
  error?: string | null;
}

/**
 * "Sign in with Microsoft" under the password form, shown only when the server offers it
 * (`GET /api/session/options`). It is a plain link: the server answers it with a redirect to
 * Microsoft, and Microsoft's answer comes back to the server, never to this page. A failed
 * attempt lands on `/signin?error=CODE`, said here in words.
 */
export function MicrosoftSignInButton({ next = null, error = null }: MicrosoftSignInButtonProps) {
  const options = useApi<SessionOptions>('/api/session/options');
  const words = microsoftErrorWords(error);
  return (
    <div className="microsoft-sign-in">
      {words && (
        <p className="error-note" role="alert" id="microsoft-signin-error">
          {words}
        </p>
      )}
      {options.data?.microsoft && (
        <>
          <p className="muted small">or</p>
          <a className="btn btn-block" href={microsoftSignInHref(next)}>
            Sign in with Microsoft
          </a>
        </>
      )}
      {options.error !== undefined && (
        <p className="muted small">Other ways of signing in could not be checked; email and password work.</p>
      )}
    </div>
  );
}
