import type { Ref } from 'react';

/**
 * Six digits from an authenticator app, as apps show them ("123 456" is fine: the space is
 * dropped before sending). One input for sign-in, enrolment and new recovery codes alike, so the
 * phone keyboard, autofill and the allowed length stay the same everywhere.
 */
export function AppCodeInput(p: {
  id: string;
  hintId: string | undefined;
  value: string;
  onChange(value: string): void;
  ref?: Ref<HTMLInputElement>;
}) {
  return (
    <input
      ref={p.ref}
      id={p.id}
      aria-describedby={p.hintId}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9 ]{6,7}"
      maxLength={7}
      required
      className="code-input"
      value={p.value}
      onChange={(e) => p.onChange(e.target.value)}
    />
  );
}
