import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { base32Decode, hotp, totpStep } from '../src/auth/totp.ts';
import { checkSecondFactor, confirmTotpEnrolment, startTotpEnrolment } from '../src/auth/totp-service.ts';
import type { CliIo } from '../src/cli/io.ts';
import { run } from '../src/cli/main.ts';
import { openRuntime } from '../src/cli/runtime.ts';
import { manualClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { toKey } from '../src/platform/crypto.ts';
import { withSystem } from '../src/storage/transactions.ts';
import { createPerson } from '../src/workspaces/workspace-repo.ts';
import { createScratchDatabase } from './helpers/database.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-rotate-totp-'));
const keyA = Buffer.alloc(32, 3).toString('base64');
const keyB = Buffer.alloc(32, 4).toString('base64');
let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;

const env = (key: string) => ({
  TENANTSCOPE_DATA_DIR: path.join(dir, 'data'),
  TENANTSCOPE_MASTER_KEY: key,
  LOG_LEVEL: 'silent',
  ...(scratch ? { DATABASE_URL: scratch.url } : {}),
});

beforeAll(async () => {
  if (process.env.DATABASE_URL) scratch = await createScratchDatabase(process.env.DATABASE_URL);
  fs.mkdirSync(path.join(dir, 'data'));
});
afterAll(async () => {
  await scratch?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('`keys rotate` re-wraps two-step sign-in secrets: codes still check under the new key only', async () => {
  const clock = manualClock(new Date('2026-12-04T08:00:00Z'));
  const keys = (b64: string) => [toKey(Buffer.from(b64, 'base64'))];

  // enrol under key A
  let runtime = await openRuntime(loadConfig(env(keyA), dir), { migrate: true });
  let secret: Buffer;
  let userId: string;
  try {
    const db = runtime.database.db;
    const person = await withSystem(db, (tx) =>
      createPerson(tx, { email: 'rotate@example.com', passwordHash: 'unused' }),
    );
    userId = person.id;
    const enrolment = await startTotpEnrolment(
      { db, clock, keks: keys(keyA) },
      { id: userId, email: person.email },
    );
    secret = base32Decode(enrolment.secret);
    await confirmTotpEnrolment({ db, clock, keks: keys(keyA) }, userId, hotp(secret, totpStep(clock.now())));
  } finally {
    await runtime.close();
  }

  // rotate to key B
  const previous = path.join(dir, 'previous.key');
  fs.writeFileSync(previous, keyA);
  const out: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: () => {},
    env: env(keyB),
    untilStopped: async () => {},
  };
  expect(await run(['keys', 'rotate', '--previous-key-file', previous], io)).toBe(0);
  expect(out.join('\n')).toContain('1 two-step sign-in key(s)');

  runtime = await openRuntime(loadConfig(env(keyB), dir), { migrate: false });
  try {
    const db = runtime.database.db;
    clock.advance(30_000);
    const code = hotp(secret, totpStep(clock.now()));
    // the old key alone no longer opens the secret: it fails closed
    await expect(
      checkSecondFactor({ db, clock, keks: keys(keyA) }, userId, { totpCode: code }),
    ).rejects.toThrow(/TS_ERR_DECRYPT_FAILED|not loaded|authenticate/);
    expect(await checkSecondFactor({ db, clock, keks: keys(keyB) }, userId, { totpCode: code })).toBe('ok');
  } finally {
    await runtime.close();
  }
}, 60_000);
