import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { type SymmetricKey, toKey } from './crypto.ts';
import { TenantscopeError } from './errors.ts';

export interface MasterKey {
  key: SymmetricKey;
  source: 'environment' | 'file' | 'generated' | 'data-dir';
  /** where a generated key was written */
  file?: string;
}

export const GENERATED_KEY_FILE = 'master.key';

/**
 * Finds the key-encryption key: the environment, then a key file. Outside production a key is
 * generated once into the data dir so `npm start` needs no set-up; in production a missing key
 * stops the start, because a key that lives beside the data protects nothing.
 */
export function resolveMasterKey(config: Config): MasterKey {
  if (config.masterKey) return { key: toKey(config.masterKey), source: 'environment' };
  if (config.masterKeyFile)
    return { key: readKeyFile(config.masterKeyFile, 'TENANTSCOPE_MASTER_KEY_FILE'), source: 'file' };
  if (config.env === 'production') {
    throw new TenantscopeError(
      'TS_ERR_MASTER_KEY_MISSING',
      'NODE_ENV=production needs a key-encryption key and none is set',
    );
  }
  const file = path.join(config.dataDir, GENERATED_KEY_FILE);
  if (fs.existsSync(file)) return { key: readKeyFile(file, file), source: 'data-dir', file };
  const bytes = randomBytes(32);
  fs.writeFileSync(file, `${bytes.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key: toKey(bytes), source: 'generated', file };
}

function readKeyFile(file: string, setting: string): SymmetricKey {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new TenantscopeError('TS_ERR_MASTER_KEY_MISSING', `${setting}: cannot read ${file}`, { cause });
  }
  const bytes = Buffer.from(text.trim(), 'base64');
  if (bytes.length !== 32) {
    throw new TenantscopeError(
      'TS_ERR_MASTER_KEY_INVALID',
      `${setting} must hold 32 bytes, base64-encoded (it holds ${bytes.length})`,
    );
  }
  return toKey(bytes);
}
