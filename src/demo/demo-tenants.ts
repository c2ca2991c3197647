import fs from 'node:fs';
import path from 'node:path';
import { MICROSOFT_CALLBACK_PATH } from '../auth/microsoft-sign-in-fns.ts';
import type { TenantSpec } from '../emulator/index.ts';
import { type RunningEmulator, startEmulator } from '../emulator/index.ts';
import type { MicrosoftSignInConfig } from '../platform/config.ts';
import type { ConnectDeps } from '../tenants/connect-service.ts';
import { connectAppRegistration } from '../tenants/connect-service.ts';
import type { TenantRecord } from '../tenants/tenant-repo.ts';

/**
 * The demo's customers, served by the Microsoft emulator: a typical mid-size tenant and a
 * neglected small one, so a new user sees both good and bad results. Seeds are fixed, so every
 * start generates the same tenants (same ids, same client secrets) and restarts find them again.
 */
export const DEMO_TENANTS: (TenantSpec & { name: string })[] = [
  { name: 'Contoso', users: 1_000, profile: 'typical', seed: 'contoso' },
  { name: 'Fabrikam', users: 300, profile: 'neglected', seed: 'fabrikam' },
];

export async function startDemoEmulator(
  extraCaFile: string | undefined,
): Promise<{ emulator: RunningEmulator; caFile: string }> {
  const emulator = await startEmulator({ tenants: DEMO_TENANTS });
  if (!extraCaFile) return { emulator, caFile: emulator.caFile };
  // Trust both the configured CAs (e.g. a proxy's) and the emulator's.
  const caFile = path.join(path.dirname(emulator.caFile), 'trusted.pem');
  fs.writeFileSync(caFile, `${fs.readFileSync(extraCaFile, 'utf8')}\n${emulator.caPem}`, { mode: 0o600 });
  return { emulator, caFile };
}

/**
 * Connects every emulated tenant to the demo workspace the way a customer's app registration
 * would be: through the identity platform, with the secret sealed in the vault. On a restart the
 * emulator listens on a new port, so reconnecting updates the endpoints and keeps the history.
 */
export async function connectDemoTenants(
  deps: ConnectDeps,
  workspaceId: string,
  emulator: RunningEmulator,
): Promise<TenantRecord[]> {
  const connected: TenantRecord[] = [];
  for (const [i, t] of emulator.tenants.entries()) {
    connected.push(
      await connectAppRegistration(deps, {
        workspaceId,
        actor: 'system',
        microsoftTenantId: t.tenantId,
        clientId: t.clientId,
        credential: { kind: 'secret', clientSecret: t.clientSecret },
        cloud: 'global',
        endpoints: {
          authorityHost: emulator.authorityHost,
          graphUrl: emulator.graphUrl,
          armUrl: emulator.armUrl,
        },
        displayName: DEMO_TENANTS[i]?.name ?? t.tenantId,
      }),
    );
  }
  return connected;
}

/**
 * Sign-in with Microsoft for the demo, against the emulator: Contoso's app registration stands
 * for Tenantscope's multi-tenant app (`organizations`, as a real deployment would use), with the
 * demo's callback added to its redirect URIs as an administrator adds one in the portal. Returns
 * the settings and the emulated administrator who can sign in on the emulator's page.
 */
export function demoMicrosoftSignIn(
  emulator: RunningEmulator,
  publicUrl: string,
): { settings: MicrosoftSignInConfig; user: { upn: string; password: string } } | undefined {
  const store = emulator.stores[0];
  const credentials = emulator.tenants[0];
  const client = store?.model.clients[0];
  const user = store?.model.signInUsers[0];
  if (!store || !credentials || !client || !user) return undefined;
  const callback = `${publicUrl.replace(/\/+$/, '')}${MICROSOFT_CALLBACK_PATH}`;
  if (!client.redirectUris.includes(callback)) client.redirectUris.push(callback);
  return {
    settings: {
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      tenant: 'organizations',
      authorityHost: emulator.authorityHost,
    },
    user: { upn: user.userPrincipalName, password: user.password },
  };
}
