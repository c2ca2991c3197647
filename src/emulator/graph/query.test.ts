import { describe, expect, it } from 'vitest';
import { buildFixtureStore } from './test-fixture.ts';
import { createHarness } from './test-harness.ts';

const eventual = { headers: { ConsistencyLevel: 'eventual' } };

describe('$select', () => {
  const h = createHarness(buildFixtureStore());

  it('returns the small default property set for users without $select', async () => {
    const res = await h.call('/v1.0/users');
    const keys = Object.keys(res.body.value[0]);
    expect(keys).toContain('userPrincipalName');
    expect(keys).not.toContain('signInActivity');
    expect(keys).not.toContain('accountEnabled');
    expect(keys).not.toContain('assignedLicenses');
  });

  it('projects selected properties and names them in @odata.context on the request origin', async () => {
    const res = await h.call('/v1.0/users?$select=displayName,accountEnabled');
    expect(res.body['@odata.context']).toBe(
      'https://127.0.0.1:8443/v1.0/$metadata#users(displayName,accountEnabled)',
    );
    expect(Object.keys(res.body.value[0]).sort()).toEqual(['accountEnabled', 'displayName', 'id']);
  });

  it('is case-insensitive on property names, answering canonical names', async () => {
    const res = await h.call('/v1.0/users?$select=DisplayName');
    expect(res.body.value[0].displayName).toMatch(/^User/);
  });

  it('answers an unknown property with Microsoft error body', async () => {
    const res = await h.call('/v1.0/users?$select=displayName,x');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('Request_BadRequest');
    expect(res.body.error.message).toBe(
      "Could not find a property named 'x' on type 'microsoft.graph.user'.",
    );
    expect(res.body.error.innerError['request-id']).toBeTruthy();
  });

  it('selects signInActivity only with P1 (403 premium licence error otherwise)', async () => {
    const free = createHarness(buildFixtureStore({ plan: 'free' }));
    const denied = await free.call('/v1.0/users?$select=id,signInActivity');
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('Authentication_RequestFromNonPremiumTenantOrB2CTenant');
    const plain = await free.call('/v1.0/users?$select=id,displayName');
    expect(plain.status).toBe(200);
  });

  it('needs AuditLog.Read.All for signInActivity', async () => {
    const res = await h.call('/v1.0/users?$select=signInActivity', { roles: ['User.Read.All'] });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('Authorization_RequestDenied');
  });
});

describe('$filter', () => {
  const h = createHarness(buildFixtureStore({ users: 30 }));

  it.each([
    ["userType eq 'Guest'", 3],
    ['accountEnabled eq false', 5],
    ['assignedLicenses/any(x:x/skuId eq c7df2760-2c81-4ef7-b578-5b5392b571df)', 10],
    ["startsWith(displayName,'User 0001')", 10],
    ['createdDateTime ge 2020-01-02T00:00:00Z', 6],
    ['signInActivity/lastSignInDateTime le 2025-04-10T00:00:00Z', 8], // i = 21..29 but 25 (never signed in)
  ])('%s matches %i users', async (filter, count) => {
    const res = await h.call(`/v1.0/users?$filter=${encodeURIComponent(filter)}&$select=id,signInActivity`);
    expect(res.status).toBe(200);
    expect(res.body.value).toHaveLength(count);
  });

  it.each([
    ["userType ne 'Guest'", 'ne'],
    ["endsWith(mail,'@contoso.com')", 'endsWith'],
    ["not(userType eq 'Guest')", 'not'],
  ])('%s needs ConsistencyLevel: eventual and $count=true', async (filter, operator) => {
    const res = await h.call(`/v1.0/users?$filter=${encodeURIComponent(filter)}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('Request_UnsupportedQuery');
    expect(res.body.error.message).toBe(
      `Operator '${operator}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
    );
    const header = await h.call(`/v1.0/users?$filter=${encodeURIComponent(filter)}`, eventual);
    expect(header.status).toBe(400); // the header alone is not enough
    const advanced = await h.call(`/v1.0/users?$filter=${encodeURIComponent(filter)}&$count=true`, eventual);
    expect(advanced.status).toBe(200);
    expect(advanced.body['@odata.count']).toBe(advanced.body.value.length);
  });

  it('refuses a non-indexed property like Graph does for groups createdDateTime', async () => {
    const res = await h.call('/v1.0/groups?$filter=createdDateTime ge 2020-01-01T00:00:00Z');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      "Unsupported or invalid query filter clause specified for property 'createdDateTime' of resource 'Group'.",
    );
    const advanced = await h.call(
      '/v1.0/groups?$filter=createdDateTime ge 2020-01-01T00:00:00Z&$count=true',
      eventual,
    );
    expect(advanced.status).toBe(200);
  });

  it('answers an unknown property and a syntax error with 400', async () => {
    const unknown = await h.call("/v1.0/users?$filter=foo eq 'x'");
    expect(unknown.body.error.message).toBe(
      "Could not find a property named 'foo' on type 'microsoft.graph.user'.",
    );
    const syntax = await h.call("/v1.0/users?$filter=userType eq 'x' and");
    expect(syntax.status).toBe(400);
    expect(JSON.stringify(syntax.body)).not.toMatch(/at .*\.ts/); // never a stack trace
  });

  it('refuses signInActivity combined with another property', async () => {
    const res = await h.call(
      "/v1.0/users?$filter=signInActivity/lastSignInDateTime le 2025-01-01T00:00:00Z and userType eq 'Guest'",
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('Request_UnsupportedQuery');
  });
});

describe('$count, $orderby, $top, $skip', () => {
  const h = createHarness(buildFixtureStore({ users: 30 }));

  it('GET /users/$count is text/plain and needs the header', async () => {
    const res = await h.call('/v1.0/users/$count', eventual);
    expect(res.status).toBe(200);
    expect(res.headers?.['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('30');
    const filtered = await h.call("/v1.0/users/$count?$filter=userType eq 'Guest'", eventual);
    expect(filtered.body).toBe('3');
    const bare = await h.call('/v1.0/users/$count');
    expect(bare.status).toBe(400);
    expect(bare.body.error.message).toBe('$count is not currently supported.');
  });

  it('$count=true without the header silently omits @odata.count', async () => {
    const res = await h.call('/v1.0/users?$count=true');
    expect(res.status).toBe(200);
    expect(res.body['@odata.count']).toBeUndefined();
  });

  it('sorts by displayName by default but other properties only in advanced mode', async () => {
    const asc = await h.call('/v1.0/users?$orderby=displayName desc');
    expect(asc.body.value[0].displayName).toBe('User 00029');
    const other = await h.call('/v1.0/users?$orderby=createdDateTime');
    expect(other.status).toBe(400);
    const advanced = await h.call('/v1.0/users?$orderby=createdDateTime desc&$count=true', eventual);
    expect(advanced.status).toBe(200);
  });

  it('rejects $top above 999 and $skip on users', async () => {
    const top = await h.call('/v1.0/users?$top=1000');
    expect(top.body.error.message).toBe(
      "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    );
    const skip = await h.call('/v1.0/users?$skip=10');
    expect(skip.status).toBe(400);
    expect(skip.body.error.message).toBe("'$skip' is not supported by the service.");
  });

  it('$search needs the header', async () => {
    const bare = await h.call('/v1.0/users?$search="displayName:User 0002"');
    expect(bare.status).toBe(400);
    const ok = await h.call('/v1.0/users?$search="displayName:User 0002"', eventual);
    expect(ok.body.value).toHaveLength(10);
  });
});
