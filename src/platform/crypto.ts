import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { TenantscopeError } from './errors.ts';

/**
 * Envelope encryption. The key hierarchy:
 *
 *   key-encryption key (KEK, 32 bytes; env or file, never in the database)
 *     └─ wraps a data key per tenant (32 bytes, stored wrapped beside the tenant)
 *          └─ encrypts each secret field (client secret, private key, refresh token)
 *
 * Every ciphertext describes itself — `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url) — so a
 * reader knows which key to use and keys can rotate: re-wrapping data keys under a new KEK
 * touches one row per tenant, not every secret.
 *
 * AES-256-GCM with a random 96-bit IV (NIST SP 800-38D §8.2.2: random IVs are safe well below
 * 2^32 encryptions per key; a data key encrypts a handful of fields). The associated data binds a
 * ciphertext to its place (e.g. `tenant:<id>:clientSecret`) so it cannot be moved to another row.
 */
const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;

export interface SymmetricKey {
  readonly id: string;
  readonly bytes: Buffer;
}

/** A short, stable, non-secret name for a key: the first 8 bytes of its SHA-256, hex. */
export function keyIdOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

export function toKey(bytes: Buffer): SymmetricKey {
  if (bytes.length !== KEY_BYTES) {
    throw new TenantscopeError(
      'TS_ERR_MASTER_KEY_INVALID',
      `a key must be ${KEY_BYTES} bytes, got ${bytes.length}`,
    );
  }
  return { id: keyIdOf(bytes), bytes };
}

export const generateKey = (): SymmetricKey => toKey(randomBytes(KEY_BYTES));

export function encrypt(key: SymmetricKey, plaintext: Buffer | string, associatedData: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, key.id, b64(iv), b64(body), b64(cipher.getAuthTag())].join('.');
}

/** Fails closed: a wrong key, a moved ciphertext or one altered byte is an error, never garbage. */
export function decrypt(keys: readonly SymmetricKey[], value: string, associatedData: string): Buffer {
  const parts = value.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) {
    throw new TenantscopeError('TS_ERR_DECRYPT_FAILED', 'ciphertext is not in the v1 format');
  }
  const [, keyId, iv, body, tag] = parts as [string, string, string, string, string];
  const key = keys.find((k) => k.id === keyId);
  if (!key)
    throw new TenantscopeError(
      'TS_ERR_DECRYPT_FAILED',
      `ciphertext was made with key ${keyId}, which is not loaded`,
    );
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  } catch (cause) {
    throw new TenantscopeError(
      'TS_ERR_DECRYPT_FAILED',
      `ciphertext does not authenticate under key ${keyId}`,
      { cause },
    );
  }
}

/** Wraps a data key under the KEK; the result is stored, the KEK is not. */
export const wrapKey = (kek: SymmetricKey, dataKey: SymmetricKey, owner: string): string =>
  encrypt(kek, dataKey.bytes, `datakey:${owner}`);

export const unwrapKey = (keks: readonly SymmetricKey[], wrapped: string, owner: string): SymmetricKey =>
  toKey(decrypt(keks, wrapped, `datakey:${owner}`));

const b64 = (buffer: Buffer): string => buffer.toString('base64url');
