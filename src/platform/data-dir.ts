import fs from 'node:fs';
import path from 'node:path';
import { TenantscopeError } from './errors.ts';

export interface DataDir {
  readonly path: string;
  /** Lets another process use the folder again. */
  release(): void;
}

const LOCK_FILE = 'tenantscope.pid';

/**
 * Makes the data dir usable and claims it. The embedded database is one process's file set:
 * two processes writing it would corrupt it, so the second one stops with a clear error.
 */
export function claimDataDir(dir: string): DataDir {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (cause) {
    throw new TenantscopeError('TS_ERR_DATA_DIR_UNWRITABLE', `TENANTSCOPE_DATA_DIR: cannot write to ${dir}`, {
      cause,
    });
  }
  const lock = path.join(dir, LOCK_FILE);
  const holder = readPid(lock);
  if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
    throw new TenantscopeError(
      'TS_ERR_DATA_DIR_LOCKED',
      `TENANTSCOPE_DATA_DIR: ${dir} is in use by process ${holder}`,
    );
  }
  try {
    fs.writeFileSync(lock, `${process.pid}\n`, { mode: 0o600 });
  } catch (cause) {
    throw new TenantscopeError('TS_ERR_DATA_DIR_UNWRITABLE', `TENANTSCOPE_DATA_DIR: cannot write to ${dir}`, {
      cause,
    });
  }
  return {
    path: dir,
    release() {
      if (readPid(lock) === process.pid) fs.rmSync(lock, { force: true });
    },
  };
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
