import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** `Algorithm.Argon2id` in @node-rs/argon2 (an ambient const enum, so spelt out). */
const ARGON2ID = 2;

/**
 * argon2id with OWASP's second recommended profile (m = 19 MiB, t = 2, p = 1; OWASP Password
 * Storage Cheat Sheet), which keeps a sign-in near 50 ms on the project's 2-core machines.
 */
const PARAMS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, PARAMS);

export const verifyPassword = (stored: string, password: string): Promise<boolean> =>
  verify(stored, password).catch(() => false);

/** 20 characters from an alphabet without look-alikes: ~115 bits, easy to copy from a terminal. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}
