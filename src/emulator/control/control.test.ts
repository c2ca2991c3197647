import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GraphObject, TenantModel } from '../contract.ts';
import { EXPIRED_SECRET, fixtureTenant } from '../server/test-fixtures.ts';
import { type Harness, startHarness } from '../server/test-harness.ts';

let h: Harness;
let tenant: TenantModel;
const actor = {
  user: { id: 'u-1', userPrincipalName: 'alice@contoso.com', displayName: 'Alice', ipAddress: '203.0.113.9' },
};

beforeAll(async () => {
  tenant = fixtureTenant();
  h = await startHarness([tenant, fixtureTenant()]);
});
afterAll(() => h.emu.close());

type AuditShape = {
  activityDisplayName: string;
  initiatedBy: unknown;
  targetResources: { modifiedProperties: { displayName: string; oldValue: string; newValue: string }[] }[];
};
const audits = () => h.emu.stores[0]!.collection('auditLogs/directoryAudits');

describe('control token', () => {
  test.each([
    ['missing', ''],
    ['wrong', 'not-the-token'],
  ])('a %s control token answers 401', async (_n, token) => {
    const res = await h.control('GET', '/tenants', undefined, token);
    expect(res.status).toBe(401);
  });

  test('the right token lists tenants', async () => {
    const res = await h.control('GET', '/tenants');
    const body = (await res.json()) as { value: { tenantId: string; users: number }[] };
    expect(body.value.map((t) => t.tenantId)).toContain(tenant.tenantId);
  });
});

describe('changes as a named actor', () => {
  test('updating a conditional access policy writes an Entra-shaped directoryAudit', async () => {
    const policy = tenant.graph.collections['identity/conditionalAccess/policies'][0]!;
    const seqBefore = h.emu.stores[0]!.seq;
    const res = await h.control('POST', `/tenants/${tenant.tenantId}/changes`, {
      actor,
      collection: 'identity/conditionalAccess/policies',
      id: policy.id,
      patch: { state: 'disabled' },
    });
    expect(res.status).toBe(200);
    expect(h.emu.stores[0]!.find('identity/conditionalAccess/policies', policy.id)?.state).toBe('disabled');
    expect(h.emu.stores[0]!.seq).toBeGreaterThan(seqBefore);
    const audit = audits().at(-1) as GraphObject & AuditShape;
    expect(audit).toMatchObject({
      activityDisplayName: 'Update conditional access policy',
      category: 'Policy',
      loggedByService: 'Conditional Access',
      result: 'success',
      activityDateTime: new Date(h.clock.now()).toISOString(),
      initiatedBy: {
        app: null,
        user: { id: 'u-1', userPrincipalName: 'alice@contoso.com', ipAddress: '203.0.113.9' },
      },
    });
    const modified = audit.targetResources[0]!.modifiedProperties[0]!;
    expect(modified.displayName).toBe('ConditionalAccessPolicy');
    expect(JSON.parse(modified.oldValue).state).toBe('enabled');
    expect(JSON.parse(modified.newValue).state).toBe('disabled');
  });

  test('a user change logs one modified property per changed field, as JSON arrays', async () => {
    const user = tenant.graph.collections.users[1]!;
    const app = { app: { appId: 'app-9', displayName: 'Automation' } };
    await h.control('POST', `/tenants/${tenant.tenantId}/changes`, {
      actor: app,
      collection: 'users',
      id: user.id,
      patch: { accountEnabled: false },
    });
    const audit = audits().at(-1) as GraphObject & AuditShape;
    expect(audit.activityDisplayName).toBe('Update user');
    expect(audit.initiatedBy).toMatchObject({ user: null, app: { appId: 'app-9' } });
    expect(audit.targetResources[0]!.modifiedProperties).toEqual([
      { displayName: 'AccountEnabled', oldValue: '[true]', newValue: '[false]' },
    ]);
  });

  test('audit: false changes the object and writes no record', async () => {
    const count = audits().length;
    const res = await h.control('POST', `/tenants/${tenant.tenantId}/changes`, {
      actor,
      audit: false,
      singleton: 'policies/authorizationPolicy',
      patch: { allowInvitesFrom: 'everyone' },
    });
    expect(res.status).toBe(200);
    expect(tenant.graph.singletons['policies/authorizationPolicy'].allowInvitesFrom).toBe('everyone');
    expect(audits().length).toBe(count);
  });

  test('create and delete are recorded as Add and Delete', async () => {
    const created = await h.control('POST', `/tenants/${tenant.tenantId}/changes`, {
      actor,
      collection: 'groups',
      create: { id: 'g-new', displayName: 'New group' },
    });
    expect(created.status).toBe(200);
    await h.control('POST', `/tenants/${tenant.tenantId}/changes`, {
      actor,
      collection: 'groups',
      delete: 'g-new',
    });
    expect(
      audits()
        .slice(-2)
        .map((a) => a.activityDisplayName),
    ).toEqual(['Add group', 'Delete group']);
  });

  test.each([
    ['no actor', { collection: 'users', id: 'x', patch: {} }, 400],
    ['an unknown collection', { actor, collection: 'nope', id: 'x', patch: {} }, 400],
    ['an unknown id', { actor, collection: 'users', id: 'missing', patch: {} }, 404],
  ])('%s is refused', async (_n, body, status) => {
    expect((await h.control('POST', `/tenants/${tenant.tenantId}/changes`, body)).status).toBe(status);
  });
});

describe('consent, secrets and licences', () => {
  const tokenRequest = (secret: string) =>
    h.f(`${h.emu.authorityHost}/${tenant.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: tenant.clients[0]!.clientId,
        client_secret: secret,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });

  test('revoked consent: no new token (700016) and the old token answers 401', async () => {
    h.clock.advance(60_000);
    const token = await h.token();
    expect((await h.get('/v1.0/test/users', token)).status).toBe(200);
    const revoke = await h.control(
      'POST',
      `/tenants/${tenant.tenantId}/clients/${tenant.clients[0]!.clientId}/revoke`,
    );
    expect(revoke.status).toBe(200);
    expect((await h.get('/v1.0/test/users', token)).status).toBe(401);
    const refused = (await (await tokenRequest(tenant.clients[0]!.secrets[0]!.value)).json()) as {
      error_codes: number[];
    };
    expect(refused.error_codes).toEqual([700016]);
    await h.control('POST', `/tenants/${tenant.tenantId}/clients/${tenant.clients[0]!.clientId}/consent`);
    expect((await tokenRequest(tenant.clients[0]!.secrets[0]!.value)).status).toBe(200);
  });

  test('an expired secret answers AADSTS7000222', async () => {
    const secret = tenant.clients[0]!.secrets[0]!;
    expect(secret.value).not.toBe(EXPIRED_SECRET);
    await h.control(
      'POST',
      `/tenants/${tenant.tenantId}/clients/${tenant.clients[0]!.clientId}/expire-secret`,
      { keyId: secret.keyId },
    );
    const body = (await (await tokenRequest(secret.value)).json()) as { error_codes: number[] };
    expect(body.error_codes).toEqual([7000222]);
  });

  test('removing a SKU takes it from every user; setting the plan gates premium routes', async () => {
    const res = await h.control('POST', `/tenants/${tenant.tenantId}/licences/remove`, {
      skuId: 'sku-e3',
      entraPlan: 'free',
    });
    expect(await res.json()).toEqual({ usersChanged: 10, entraPlan: 'free' });
    expect(
      h.emu.stores[0]!.collection('users').every((u) => (u.assignedLicenses as unknown[]).length === 0),
    ).toBe(true);
  });

  test('the clock advances only through a manual clock', async () => {
    const before = h.clock.now();
    await h.control('POST', '/clock/advance', { ms: 5000 });
    expect(h.clock.now()).toBe(before + 5000);
  });
});
