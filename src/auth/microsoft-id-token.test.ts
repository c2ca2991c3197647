import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { isTenantscopeError } from '../platform/errors.ts';
import { createIdTokenVerifier, type FetchJson } from './microsoft-id-token.ts';

/**
 * The id_token checks one by one, with tokens made here by jose and an authority whose metadata
 * and key set are plain documents (what `fetchJson` returns). The API suite
 * (test/api-microsoft-sign-in.test.ts) runs the same checks end to end against the emulator.
 */
const AUTHORITY = 'https://login.example/organizations';
const CLIENT_ID = randomUUID();
const TID = randomUUID();
const OID = randomUUID();
const NONCE = 'nonce-of-this-sign-in';
const now = new Date('2026-03-01T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);

type Key = Awaited<ReturnType<typeof generateKeyPair>> & { kid: string };
let current: Key;
let next: Key;
const newKey = async (kid: string): Promise<Key> => ({ ...(await generateKeyPair('RS256')), kid });

beforeAll(async () => {
  current = await newKey('k1');
  next = await newKey('k2');
});
afterEach(() => {
  vi.useRealTimers();
});

/** The authority: metadata with the multi-tenant issuer template, and the keys it publishes now. */
function authority(published: () => Key[]) {
  const calls: string[] = [];
  const fetchJson: FetchJson = async (url) => {
    calls.push(url);
    if (url === `${AUTHORITY}/v2.0/.well-known/openid-configuration`)
      return { issuer: 'https://login.example/{tenantid}/v2.0', jwks_uri: 'https://login.example/keys' };
    if (url === 'https://login.example/keys')
      return {
        keys: await Promise.all(
          published().map(async (k) => ({ ...(await exportJWK(k.publicKey)), kid: k.kid, use: 'sig' })),
        ),
      };
    throw new Error(`unexpected ${url}`);
  };
  return { fetchJson, calls };
}

function claims(over: Partial<JWTPayload> = {}): JWTPayload {
  return {
    aud: CLIENT_ID,
    iss: `https://login.example/${TID}/v2.0`,
    iat: t - 60,
    nbf: t - 60,
    exp: t + 3600,
    tid: TID,
    oid: OID,
    sub: 'pairwise-sub',
    nonce: NONCE,
    preferred_username: 'ann@contoso.example',
    ...over,
  };
}

const sign = (payload: JWTPayload, key = current, alg = 'RS256') =>
  new SignJWT(payload).setProtectedHeader({ alg, kid: key.kid }).sign(key.privateKey);

const expect_ = { clientId: CLIENT_ID, nonce: NONCE, now };

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isTenantscopeError(error) && error.code === 'TS_ERR_MICROSOFT_TOKEN_INVALID') return error.message;
    throw error;
  }
  throw new Error('expected the id_token to be refused');
}

describe('an id_token', () => {
  test('signed by a published key with every claim right names the tid and oid', async () => {
    const { fetchJson } = authority(() => [current]);
    const verifier = createIdTokenVerifier(AUTHORITY);
    expect(await verifier.verify(await sign(claims()), expect_, fetchJson)).toEqual({
      tenantId: TID,
      objectId: OID,
      upn: 'ann@contoso.example',
    });
  });

  test.each([
    ['another nonce', { nonce: 'someone-elses' }, /nonce/],
    ['no nonce', { nonce: undefined }, /nonce/],
    ['another audience', { aud: randomUUID() }, /aud/],
    ['another issuer', { iss: `https://evil.example/${TID}/v2.0` }, /issuer/],
    ["another tenant's issuer", { iss: `https://login.example/${randomUUID()}/v2.0` }, /issuer/],
    ['expired', { iat: t - 9000, nbf: t - 9000, exp: t - 3600 }, /expired/],
    ['not yet valid', { nbf: t + 3600 }, /nbf/],
    ['no tid', { tid: undefined }, /tid/],
    ['an oid that is not a GUID', { oid: 'admin@contoso.example' }, /oid claim is not a GUID/],
  ])('with %s is refused', async (_name, over, reason) => {
    const { fetchJson } = authority(() => [current]);
    const token = await sign(claims(over));
    expect(await refusal(createIdTokenVerifier(AUTHORITY).verify(token, expect_, fetchJson))).toMatch(reason);
  });

  test('signed by a key the authority does not publish is refused', async () => {
    const stranger = await newKey('k1'); // same kid, other key
    const { fetchJson } = authority(() => [current]);
    const token = await sign(claims(), stranger);
    expect(await refusal(createIdTokenVerifier(AUTHORITY).verify(token, expect_, fetchJson))).toMatch(
      /signature/,
    );
  });

  test('signed with another algorithm is refused', async () => {
    const { fetchJson } = authority(() => [current]);
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: current.kid })
      .sign(new TextEncoder().encode('a shared secret of thirty-two bytes!'));
    expect(await refusal(createIdTokenVerifier(AUTHORITY).verify(token, expect_, fetchJson))).toMatch(
      /RS256|key/,
    );
  });

  test('clock skew of up to 5 minutes is allowed, not more', async () => {
    const { fetchJson } = authority(() => [current]);
    const verifier = createIdTokenVerifier(AUTHORITY);
    await expect(
      verifier.verify(await sign(claims({ exp: t - 240 })), expect_, fetchJson),
    ).resolves.toBeTruthy();
    expect(await refusal(verifier.verify(await sign(claims({ exp: t - 360 })), expect_, fetchJson))).toMatch(
      /expired/,
    );
  });
});

describe("the authority's keys", () => {
  test('are fetched once and kept; a new kid is looked up again, but not more than once a minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let published = [current];
    const { fetchJson, calls } = authority(() => published);
    const verifier = createIdTokenVerifier(AUTHORITY);
    await verifier.verify(await sign(claims()), expect_, fetchJson);
    await verifier.verify(await sign(claims()), expect_, fetchJson);
    expect(calls).toHaveLength(2); // metadata + keys, once

    published = [current, next]; // Microsoft rolls its keys
    const rolled = await sign(claims(), next);
    expect(await refusal(verifier.verify(rolled, expect_, fetchJson))).toMatch(/no key/);
    expect(calls).toHaveLength(2); // an unknown kid right after a fetch does not fetch again

    vi.setSystemTime(Date.now() + 61_000);
    await expect(verifier.verify(rolled, expect_, fetchJson)).resolves.toMatchObject({ objectId: OID });
    expect(calls).toHaveLength(4);
  });
});
