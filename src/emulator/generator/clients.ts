/**
 * The client applications that may ask this tenant for tokens: Tenantscope's own multi-tenant
 * app, admin-consented with the read-only permissions the product needs, and one admin who can
 * sign in interactively (delegated ARM, sign-in with Microsoft). Secrets and passwords derive
 * from the seed, so a test that knows the seed knows them; they protect nothing but a local
 * emulator.
 */
import type { EmulatedClient, EmulatedSignInUser } from '../contract.ts';
import { TENANTSCOPE_APP_ROLES } from './catalog/graph-permissions.ts';
import type { GenContext } from './context.ts';
import { DAY_MS } from './time.ts';

export const TENANTSCOPE_APP_NAME = 'Tenantscope';

export function buildClients(ctx: GenContext): EmulatedClient[] {
  const rng = ctx.rng.stream('clients');
  const clientId = rng.guid();
  return [
    {
      clientId,
      displayName: TENANTSCOPE_APP_NAME,
      // Entra client secrets are 40 characters with `Q~` after a three-character hint.
      secrets: [
        {
          keyId: rng.guid(),
          value: `${rng.base62(3)}8Q~${rng.base62(35)}`,
          expiresAt: ctx.clock.iso(ctx.clock.asOfMs + 365 * DAY_MS),
        },
      ],
      certificates: [],
      // what `npm start` registers: connecting tenants, and signing people in with Microsoft
      redirectUris: [
        'http://127.0.0.1:3000/api/connect/callback',
        'http://localhost:3000/api/connect/callback',
        'http://127.0.0.1:3000/api/session/microsoft/callback',
        'http://localhost:3000/api/session/microsoft/callback',
      ],
      consentedAppRoles: [...TENANTSCOPE_APP_ROLES],
      consentedScopes: ['https://management.azure.com/user_impersonation'],
      consented: true,
    },
  ];
}

export function buildSignInUsers(ctx: GenContext): EmulatedSignInUser[] {
  const rng = ctx.rng.stream('signInUsers');
  return [{ userId: ctx.admin.id, userPrincipalName: ctx.admin.upn, password: `Ts-${rng.base62(16)}!9` }];
}
