import { describe, expect, test } from 'vitest';
import { decrypt, encrypt, generateKey, toKey, unwrapKey, wrapKey } from './crypto.ts';
import { isTenantscopeError } from './errors.ts';

const secret = 'client-secret~value~0123456789';

function failsClosed(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isTenantscopeError(e)) return e.code;
    throw e;
  }
  throw new Error('expected decryption to fail');
}

describe('envelope encryption', () => {
  test('a data key wrapped by the KEK encrypts a field that decrypts back', () => {
    const kek = generateKey();
    const dataKey = generateKey();
    const wrapped = wrapKey(kek, dataKey, 'tenant:1');
    const ciphertext = encrypt(unwrapKey([kek], wrapped, 'tenant:1'), secret, 'tenant:1:clientSecret');
    expect(ciphertext).not.toContain(secret);
    expect(ciphertext.split('.')).toHaveLength(5);
    expect(ciphertext.startsWith(`v1.${dataKey.id}.`)).toBe(true);
    expect(decrypt([dataKey], ciphertext, 'tenant:1:clientSecret').toString()).toBe(secret);
  });

  test('two encryptions of the same value differ (random IV)', () => {
    const key = generateKey();
    expect(encrypt(key, secret, 'a')).not.toBe(encrypt(key, secret, 'a'));
  });

  test.each([
    ['a wrong key', (ct: string) => decrypt([generateKey()], ct, 'place')],
    ['another place (associated data)', (ct: string) => decrypt([fixedKey], ct, 'elsewhere')],
    [
      'one altered byte',
      (ct: string) => decrypt([fixedKey], ct.slice(0, -3) + (ct.endsWith('A') ? 'BBB' : 'AAA'), 'place'),
    ],
    ['a foreign format', () => decrypt([fixedKey], 'plain-text', 'place')],
  ])('%s fails closed with TS_ERR_DECRYPT_FAILED', (_name, attempt) => {
    const ct = encrypt(fixedKey, secret, 'place');
    expect(failsClosed(() => attempt(ct))).toBe('TS_ERR_DECRYPT_FAILED');
  });

  test('keys of the wrong length are refused', () => {
    expect(failsClosed(() => toKey(Buffer.alloc(16)))).toBe('TS_ERR_MASTER_KEY_INVALID');
  });

  test('rotation: a data key re-wrapped under a new KEK still opens old ciphertext', () => {
    const oldKek = generateKey();
    const newKek = generateKey();
    const dataKey = generateKey();
    const ct = encrypt(dataKey, secret, 'f');
    const rewrapped = wrapKey(newKek, unwrapKey([oldKek], wrapKey(oldKek, dataKey, 't'), 't'), 't');
    expect(decrypt([unwrapKey([newKek], rewrapped, 't')], ct, 'f').toString()).toBe(secret);
  });
});

const fixedKey = generateKey();
