import { ResponseMode } from '@azure/msal-node';
import { TenantscopeError } from '../platform/errors.ts';
import { type MicrosoftSignInSettings, withAuthority } from './microsoft-authority.ts';
import { createIdTokenVerifier, type IdTokenVerifier, type MicrosoftIdentity } from './microsoft-id-token.ts';
import {
  createFlow,
  deleteLink,
  findLink,
  findLinkedPerson,
  type LinkedIdentity,
  type PendingFlow,
  saveLink,
  spendFlow,
  touchLink,
} from './microsoft-identity-repo.ts';
import {
  codeChallengeOf,
  DEFAULT_LINK_RETURN,
  flowKey,
  flowSecrets,
  MICROSOFT_CALLBACK_PATH,
  redirectRefusal,
  SIGN_IN_PAGE,
  safeNextPath,
  sameSecret,
  withQuery,
} from './microsoft-sign-in-fns.ts';
import { resumeSession } from './session-service.ts';
import {
  type AuthDeps,
  auditPerson,
  confirmPassword,
  openSession,
  type SignedIn,
} from './sign-in-service.ts';
import { secondFactorEnabled } from './totp-service.ts';

export type { MicrosoftSignInSettings } from './microsoft-authority.ts';

/** What Microsoft is asked for: an id_token with the user's name; no resource, no API access. */
const SCOPES = ['openid', 'profile', 'email'];

export type FlowOutcome =
  | { ok: true; purpose: 'sign-in'; signedIn: SignedIn; identity: MicrosoftIdentity; location: string }
  | { ok: true; purpose: 'link'; identity: MicrosoftIdentity; location: string }
  | { ok: false; error: TenantscopeError; location: string; cause?: unknown };

export interface CallbackInput {
  query: { state?: string; code?: string; error?: string; error_description?: string };
  /** the flow cookie this browser got when the flow started */
  flowCookie: string | undefined;
  /** the session cookie, for linking */
  sessionCookie: string | undefined;
  ip: string;
  /** the browser's User-Agent: only a short device label is kept (src/auth/device-label.ts) */
  userAgent?: string | undefined;
}

export interface LinkStatus {
  enabled: boolean;
  link: LinkedIdentity | null;
  /** two-step sign-in is on: Microsoft sign-in is refused for this person (see README) */
  secondFactorBlocksSignIn: boolean;
}

export interface StartedFlow {
  url: string;
  /** for the flow cookie; never logged */
  state: string;
  expiresAt: Date;
}

export interface MicrosoftSignIn {
  readonly enabled: boolean;
  /** throws TS_ERR_MICROSOFT_SIGN_IN_OFF, saying why, when it is off */
  assertOn(): void;
  startSignIn(next: unknown): Promise<StartedFlow>;
  startLink(input: {
    userId: string;
    email: string;
    password: string;
    ip: string;
    next?: unknown;
  }): Promise<StartedFlow>;
  complete(input: CallbackInput): Promise<FlowOutcome>;
  status(userId: string): Promise<LinkStatus>;
  unlink(userId: string, ip: string): Promise<void>;
}

/** Everything a flow needs once sign-in with Microsoft is known to be on. */
interface On {
  deps: AuthDeps;
  settings: MicrosoftSignInSettings;
  /** the key nonces and PKCE verifiers are derived under */
  key: Buffer;
  verifier: IdTokenVerifier;
  redirectUri: string;
}

/**
 * Sign-in with Microsoft Entra ID: OpenID Connect's authorization-code flow with PKCE through
 * msal-node, the id_token verified with jose, the person found only by the (tid, oid) they linked
 * while signed in (src/auth/README.md). Off (every entry answers TS_ERR_MICROSOFT_SIGN_IN_OFF)
 * without settings or without the key-encryption key the flow secrets are derived under.
 */
export function createMicrosoftSignIn(
  deps: AuthDeps & { settings: MicrosoftSignInSettings | undefined; publicUrl: string },
): MicrosoftSignIn {
  const { settings } = deps;
  const kek = deps.keks?.[0];
  const ready: On | undefined =
    settings && kek
      ? {
          deps,
          settings,
          key: flowKey(kek.bytes),
          verifier: createIdTokenVerifier(`${settings.authorityHost}/${settings.tenant}`),
          redirectUri: `${deps.publicUrl.replace(/\/+$/, '')}${MICROSOFT_CALLBACK_PATH}`,
        }
      : undefined;
  const on = (): On => {
    if (ready) return ready;
    const why = settings ? 'needs the key-encryption key' : 'is off on this server';
    throw new TenantscopeError('TS_ERR_MICROSOFT_SIGN_IN_OFF', `sign-in with Microsoft ${why}`);
  };
  return {
    enabled: ready !== undefined,
    assertOn: () => void on(),
    startSignIn: (next) => start(on(), { purpose: 'sign-in', userId: null, nextPath: safeNextPath(next) }),
    async startLink(input) {
      const o = on();
      await confirmPassword(deps, input);
      const nextPath = safeNextPath(input.next) ?? DEFAULT_LINK_RETURN;
      const started = await start(o, { purpose: 'link', userId: input.userId, nextPath });
      await auditPerson(deps, input.userId, 'session.microsoft_link_started', input.ip);
      return started;
    },
    complete: (input) => complete(on(), input),
    async status(userId) {
      const link = await findLink(deps.db, userId);
      const secondFactorBlocksSignIn = link ? await secondFactorEnabled(deps.db, userId) : false;
      return { enabled: ready !== undefined, link: link ?? null, secondFactorBlocksSignIn };
    },
    async unlink(userId, ip) {
      const removed = await deleteLink(deps.db, userId);
      if (!removed) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'no Microsoft account is linked');
      await auditPerson(deps, userId, 'session.microsoft_unlinked', ip, {
        entraTenantId: removed.tenantId,
        upn: removed.upn,
      });
    },
  };
}

/** A flow row, then Microsoft's authorize URL with that flow's state, nonce and PKCE challenge. */
async function start(o: On, flow: Omit<PendingFlow, 'expiresAt' | 'redirectUri'>): Promise<StartedFlow> {
  const { state, expiresAt } = await createFlow(
    o.deps.db,
    { ...flow, redirectUri: o.redirectUri },
    o.deps.clock.now(),
  );
  const { nonce, codeVerifier } = flowSecrets(o.key, state);
  const url = await withAuthority(o.settings, (cca) =>
    cca.getAuthCodeUrl({
      scopes: SCOPES,
      redirectUri: o.redirectUri,
      state,
      nonce,
      codeChallenge: codeChallengeOf(codeVerifier),
      codeChallengeMethod: 'S256',
      responseMode: ResponseMode.QUERY,
      prompt: 'select_account',
    }),
  );
  return { url, state, expiresAt };
}

/**
 * The callback: the flow taken back (once, this browser's), Microsoft's answer checked, the code
 * redeemed and the id_token verified, then a session or a link. Every outcome names where the
 * browser goes; only failures nobody expected carry a cause to log.
 */
async function complete(o: On, input: CallbackInput): Promise<FlowOutcome> {
  let flow: PendingFlow;
  try {
    flow = await takeFlow(o.deps, input);
  } catch (error) {
    return failed(error, undefined);
  }
  try {
    const refused = redirectRefusal(input.query);
    if (refused) throw refused;
    if (!input.query.code)
      throw new TenantscopeError('TS_ERR_MICROSOFT_SIGN_IN_DECLINED', 'Microsoft sent no code');
    const userId =
      flow.purpose === 'link' ? await linkingPerson(o.deps, flow, input.sessionCookie) : undefined;
    const identity = await redeem(o, input.query.state!, input.query.code);
    return userId
      ? await finishLink(o.deps, identity, userId, flow, input.ip)
      : await finishSignIn(o.deps, identity, flow, input.ip, input.userAgent);
  } catch (error) {
    const outcome = failed(error, flow);
    if (flow.purpose === 'link' && flow.userId)
      await auditPerson(o.deps, flow.userId, 'session.microsoft_link_failed', input.ip, {
        code: outcome.error.code,
      });
    return outcome;
  }
}

/** State on the redirect, spent at once, and the same as the one this browser's cookie holds. */
async function takeFlow(deps: AuthDeps, input: CallbackInput): Promise<PendingFlow> {
  const state = input.query.state;
  if (!state) throw new TenantscopeError('TS_ERR_MICROSOFT_SIGN_IN_STATE', 'the redirect carries no state');
  const flow = await spendFlow(deps.db, state, deps.clock.now());
  if (!sameSecret(input.flowCookie, state))
    throw new TenantscopeError(
      'TS_ERR_MICROSOFT_SIGN_IN_STATE',
      'this Microsoft sign-in was started in another browser, or a newer one replaced it',
    );
  return flow;
}

/** The code redeemed with the PKCE verifier, the id_token verified: who signed in. */
async function redeem(o: On, state: string, code: string): Promise<MicrosoftIdentity> {
  const { nonce, codeVerifier } = flowSecrets(o.key, state);
  return withAuthority(o.settings, async (cca, getJson) => {
    // the nonce again, so msal-node also refuses a token that is not this sign-in's
    const result = await cca.acquireTokenByCode({
      code,
      scopes: SCOPES,
      redirectUri: o.redirectUri,
      codeVerifier,
      nonce,
    });
    if (!result?.idToken)
      throw new TenantscopeError('TS_ERR_MICROSOFT_TOKEN_INVALID', 'Microsoft sent no id_token');
    return o.verifier.verify(
      result.idToken,
      { clientId: o.settings.clientId, nonce, now: o.deps.clock.now() },
      getJson,
    );
  });
}

/** The person who started linking must still be signed in, in this browser. */
async function linkingPerson(
  deps: AuthDeps,
  flow: PendingFlow,
  sessionCookie: string | undefined,
): Promise<string> {
  const session = await resumeSession(deps, sessionCookie);
  if (!session || session.userId !== flow.userId)
    throw new TenantscopeError(
      'TS_ERR_MICROSOFT_SIGN_IN_STATE',
      'linking was started by another person, or the session ended meanwhile',
    );
  return session.userId;
}

async function finishSignIn(
  deps: AuthDeps,
  identity: MicrosoftIdentity,
  flow: PendingFlow,
  ip: string,
  userAgent: string | undefined,
): Promise<FlowOutcome> {
  const person = await findLinkedPerson(deps.db, identity);
  if (!person)
    throw new TenantscopeError(
      'TS_ERR_MICROSOFT_ACCOUNT_NOT_LINKED',
      'no Tenantscope account is linked to this Microsoft account',
    );
  // No half-signed-in state exists to ask for the code in: refused, said plainly (README).
  if (await secondFactorEnabled(deps.db, person.id)) {
    await auditPerson(deps, person.id, 'session.microsoft_sign_in_refused', ip, {
      reason: 'second factor on',
    });
    throw new TenantscopeError(
      'TS_ERR_SECOND_FACTOR_REQUIRED',
      'two-step sign-in is on for this account: sign in with email, password and code',
    );
  }
  const signedIn = await openSession(deps, person, {
    ip,
    userAgent,
    detail: { method: 'microsoft', entraTenantId: identity.tenantId },
  });
  await touchLink(deps.db, person.id, deps.clock.now());
  return { ok: true, purpose: 'sign-in', signedIn, identity, location: flow.nextPath ?? '/' };
}

async function finishLink(
  deps: AuthDeps,
  identity: MicrosoftIdentity,
  userId: string,
  flow: PendingFlow,
  ip: string,
): Promise<FlowOutcome> {
  await saveLink(deps.db, userId, identity, deps.clock.now());
  await auditPerson(deps, userId, 'session.microsoft_linked', ip, {
    entraTenantId: identity.tenantId,
    upn: identity.upn,
  });
  const location = withQuery(flow.nextPath ?? DEFAULT_LINK_RETURN, 'microsoft', 'linked');
  return { ok: true, purpose: 'link', identity, location };
}

/** Where the browser goes after a failure: the sign-in page, or the page that started linking. */
function failed(error: unknown, flow: PendingFlow | undefined): Extract<FlowOutcome, { ok: false }> {
  const known = error instanceof TenantscopeError;
  const e = known
    ? error
    : new TenantscopeError('TS_ERR_INTERNAL', 'the Microsoft sign-in failed unexpectedly');
  const location =
    flow?.purpose === 'link'
      ? withQuery(flow.nextPath ?? DEFAULT_LINK_RETURN, 'microsoftError', e.code)
      : flow?.nextPath
        ? withQuery(withQuery(SIGN_IN_PAGE, 'error', e.code), 'next', flow.nextPath)
        : withQuery(SIGN_IN_PAGE, 'error', e.code);
  return { ok: false, error: e, location, ...(known ? {} : { cause: error }) };
}
