import { describe, expect, test } from 'vitest';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../auth/password-reset-service.ts';
import {
  emailInFlight,
  emailStatusWords,
  groupSecret,
  PASSWORD_RULE,
  passwordProblem,
  recoveryCodesText,
  secondFactorBody,
  signInBody,
  signInThenBackTo,
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
