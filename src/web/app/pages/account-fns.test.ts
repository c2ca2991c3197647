import { describe, expect, test } from 'vitest';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../auth/password-reset-service.ts';
import {
  type DeviceSession,
  deviceWords,
  emailInFlight,
  emailStatusWords,
  groupSecret,
  lastActiveWords,
  orderDevices,
  PASSWORD_RULE,
  type PasswordChangeForm,
  passwordChangeBody,
  passwordChangedWords,
  passwordChangeProblem,
  passwordProblem,
  recoveryCodesText,
  secondFactorBody,
  signInBody,
  signInThenBackTo,
  typedFactor,
} from './account-fns.ts';

describe('signing in with a second factor', () => {
  test.each([
    [null, { email: 'ann@example.com', password: 'pw' }],
    [
      { factor: 'totp', code: ' 123 456 ' },
      { email: 'ann@example.com', password: 'pw', totpCode: '123456' },
    ],
    [
      { factor: 'recovery', code: ' abcde-fghij ' },
      { email: 'ann@example.com', password: 'pw', recoveryCode: 'abcde-fghij' },
    ],
  ] as const)('the second factor %o is sent as %o', (second, want) => {
    expect(signInBody(' ann@example.com ', 'pw', second)).toEqual(want);
  });

  test('the password is sent as typed (spaces are part of it); a workspace is named when given', () => {
    expect(signInBody('a@b.c', ' pw ', null, 'ws-1')).toEqual({
      email: 'a@b.c',
      password: ' pw ',
      workspaceId: 'ws-1',
    });
  });

  test.each([
    [{ factor: 'totp', code: '654 321' }, { totpCode: '654321' }],
    [{ factor: 'recovery', code: 'ABCDE-FGHIJ' }, { recoveryCode: 'ABCDE-FGHIJ' }],
  ] as const)('turning two-step sign-in off with %o sends %o', (second, want) => {
    expect(secondFactorBody(second)).toEqual(want);
  });
});

describe('enrolling an authenticator app', () => {
  test.each([
    ['JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP'],
    ['ABCDEF', 'ABCD EF'],
    ['AB CD', 'ABCD'],
    ['', ''],
  ])('the secret %s is shown as %s', (secret, want) => {
    expect(groupSecret(secret)).toBe(want);
  });

  test('the downloaded recovery codes say whose they are and when they were made, one code a line', () => {
    const text = recoveryCodesText(
      'ann@example.com',
      ['aaaaa-bbbbb', 'ccccc-ddddd'],
      new Date('2026-03-01T09:05:00Z'),
    );
    expect(text.split('\n')).toEqual([
      'Tenantscope recovery codes for ann@example.com',
      'Made 2026-03-01 09:05 UTC. Each code works once, instead of the code from your authenticator app.',
      '',
      'aaaaa-bbbbb',
      'ccccc-ddddd',
      '',
    ]);
  });
});

describe('choosing a password', () => {
  test('the page applies the server’s rule', () => {
    expect(PASSWORD_RULE).toEqual({ min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH });
  });

  test.each([
    ['short', 'short', 'The password is too short: 5 of at least 12 characters.'],
    ['x'.repeat(1025), 'x'.repeat(1025), 'The password is too long: at most 1024 characters.'],
    ['twelve chars', 'twelve chars!', 'The two passwords are not the same.'],
    ['twelve chars', 'twelve chars', null],
  ])('%s typed twice as %s: %s', (password, repeat, want) => {
    expect(passwordProblem(password, repeat)).toBe(want);
  });
});

describe('invitations', () => {
  test.each([
    ['sent', null, { tone: 'ok', text: 'email sent' }],
    ['sending', null, { tone: 'info', text: 'email sending' }],
    ['pending', 'delivery not configured', { tone: 'warn', text: 'email waiting: delivery not configured' }],
    ['failed', '550 mailbox unavailable', { tone: 'bad', text: 'email failed: 550 mailbox unavailable' }],
    ['cancelled', null, { tone: 'muted', text: 'email withdrawn' }],
    [null, null, { tone: 'muted', text: 'no email' }],
  ] as const)('an email %s (%s) reads %o', (status, detail, want) => {
    expect(emailStatusWords(status, detail)).toEqual(want);
  });

  test.each([
    ['pending', null, true],
    ['pending', 'delivery not configured', false],
    ['queued', null, true],
    ['sending', null, true],
    ['sent', null, false],
    ['failed', '550 mailbox unavailable', false],
    [null, null, false],
  ] as const)('an email %s (%s) is about to change by itself: %s', (status, detail, want) => {
    expect(emailInFlight(status, detail)).toBe(want);
  });

  test('signing in for an invitation comes back to it', () => {
    expect(signInThenBackTo('/invite/abc_-1')).toBe('/signin?next=%2Finvite%2Fabc_-1');
  });
});

describe('changing the password while signed in', () => {
  const form = (over: Partial<PasswordChangeForm> = {}): PasswordChangeForm => ({
    current: 'old password here',
    next: 'a brand new passphrase',
    repeat: 'a brand new passphrase',
    code: '',
    ...over,
  });

  test.each([
    [{ current: '' }, false, 'Type your current password.'],
    [
      { next: 'short', repeat: 'short' },
      false,
      'The new password is too short: 5 of at least 12 characters.',
    ],
    [{ repeat: 'a brand new passphrase!' }, false, 'The two passwords are not the same.'],
    [
      { next: 'old password here', repeat: 'old password here' },
      false,
      'The new password is the same as the current one.',
    ],
    [{}, true, 'Type the code from your authenticator app, or a recovery code.'],
    [{ code: '  ' }, true, 'Type the code from your authenticator app, or a recovery code.'],
    [{ code: '123 456' }, true, null],
    [{}, false, null],
  ] as const)('%o (code needed: %s) → %s', (over, needsCode, want) => {
    expect(passwordChangeProblem(form(over), needsCode)).toBe(want);
  });

  test.each([
    ['', {}],
    [' 123 456 ', { totpCode: '123456' }],
    ['123456', { totpCode: '123456' }],
    ['abcde-fghij', { recoveryCode: 'abcde-fghij' }],
    [' ABCDE-FGHIJ ', { recoveryCode: 'ABCDE-FGHIJ' }],
    ['12345', { recoveryCode: '12345' }],
  ])('the code %j is sent as %o', (code, want) => {
    expect(typedFactor(code)).toEqual(want);
  });

  test('the body carries the passwords as typed, and the code only when two-step sign-in is on', () => {
    const typed = form({ current: ' old ', code: '654321' });
    expect(passwordChangeBody(typed, true)).toEqual({
      currentPassword: ' old ',
      newPassword: 'a brand new passphrase',
      totpCode: '654321',
    });
    expect(passwordChangeBody(typed, false)).toEqual({
      currentPassword: ' old ',
      newPassword: 'a brand new passphrase',
    });
  });

  test.each([
    [0, 'Your password is changed. No other device was signed in. An email tells you about the change.'],
    [
      1,
      'Your password is changed. The one other signed-in device was signed out. An email tells you about the change.',
    ],
    [
      3,
      'Your password is changed. The 3 other signed-in devices were signed out. An email tells you about the change.',
    ],
  ])('after ending %i other sessions the page says %s', (n, want) => {
    expect(passwordChangedWords(n)).toBe(want);
  });
});

describe('signed-in devices', () => {
  const session = (id: string, lastSeenAt: string, current = false): DeviceSession => ({
    id,
    device: null,
    signedInAt: '2026-03-01T08:00:00Z',
    lastSeenAt,
    signedInFrom: null,
    current,
  });

  test('this device comes first, then the most recently used', () => {
    const ordered = orderDevices([
      session('old', '2026-03-01T09:00:00Z'),
      session('me', '2026-03-01T08:00:00Z', true),
      session('new', '2026-03-01T10:00:00Z'),
    ]);
    expect(ordered.map((s) => s.id)).toEqual(['me', 'new', 'old']);
  });

  test.each([
    ['Chrome on Windows', 'Chrome on Windows'],
    [null, 'Unknown device'],
  ])('the device %s is shown as %s', (device, want) => {
    expect(deviceWords(device)).toBe(want);
  });

  const now = new Date('2026-03-02T12:00:00Z');
  test.each([
    ['2026-03-02T11:58:00Z', 'Active now'],
    ['2026-03-02T11:55:00Z', 'Last active 5 minutes ago'],
    ['2026-03-02T11:01:00Z', 'Last active 59 minutes ago'],
    ['2026-03-02T11:00:00Z', 'Last active 1 hour ago'],
    ['2026-03-02T01:00:00Z', 'Last active 11 hours ago'],
    ['2026-03-01T12:00:00Z', 'Last active 1 day ago'],
    ['2026-02-26T12:00:00Z', 'Last active 4 days ago'],
    ['2026-03-02T12:03:00Z', 'Active now'],
  ])('last seen %s reads %s', (seen, want) => {
    expect(lastActiveWords(seen, now)).toBe(want);
  });
});
