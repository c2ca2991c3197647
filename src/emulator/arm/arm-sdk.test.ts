import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../index.ts';
import {
  armFixture,
  FIXTURE_CLIENT_ID,
  FIXTURE_CLIENT_SECRET,
  FIXTURE_TENANT_ID,
  SUB_A,
  SUB_B,
} from './test-fixture.ts';

/**
 * Microsoft's own Resource Graph SDK against the emulator over HTTPS, with a real token from the
 * emulator's token endpoint: only the base URL and the trusted CA differ from real Azure.
 */
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ tenants: [armFixture()], latency: { baseMs: 0, perObjectMs: 0 } });
});

afterAll(async () => {
  await emulator?.close();
});

/** Client credentials against the emulator's token endpoint, trusting its CA. */
function emulatorCredential(caPem: string): TokenCredential {
  const dispatcher = new Agent({ connect: { ca: caPem } });
  return {
    async getToken(scopes): Promise<AccessToken> {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: FIXTURE_CLIENT_ID,
        client_secret: FIXTURE_CLIENT_SECRET,
        scope: ([] as string[]).concat(scopes).join(' '),
      });
      const res = await fetch(`${emulator.authorityHost}/${FIXTURE_TENANT_ID}/oauth2/v2.0/token`, {
        method: 'POST',
        body: form,
        dispatcher,
      });
      const body = (await res.json()) as {
        access_token?: string;
        expires_in?: number;
        error_description?: string;
      };
      if (!body.access_token) throw new Error(`token request failed: ${body.error_description}`);
      return { token: body.access_token, expiresOnTimestamp: Date.now() + (body.expires_in ?? 3600) * 1000 };
    },
  };
}

function sdkClient(credential: TokenCredential): ResourceGraphClient {
  const https = new HttpsAgent({ ca: emulator.caPem });
  return new ResourceGraphClient(credential, {
    baseUri: emulator.armUrl,
    agentSettings: { https, http: new HttpAgent() },
  });
}

describe('@azure/arm-resourcegraph against the emulator', () => {
  test('resources() returns the inventory of the requested subscriptions', async () => {
    const client = sdkClient(emulatorCredential(emulator.caPem));
    const result = await client.resources({
      subscriptions: [SUB_A, SUB_B],
      query:
        "Resources | where type =~ 'Microsoft.Compute/virtualMachines' | project id, name, location | order by name asc",
      options: { resultFormat: 'objectArray' },
    });
    expect(result.totalRecords).toBe(2);
    expect(result.count).toBe(2);
    expect(result.resultTruncated).toBe('false');
    expect((result.data as { name: string }[]).map((r) => r.name)).toEqual(['vm-batch-01', 'vm-web-01']);
  });

  test('the SDK pages with $skipToken until every resource is seen', async () => {
    const client = sdkClient(emulatorCredential(emulator.caPem));
    const names: string[] = [];
    let skipToken: string | undefined;
    do {
      const page = await client.resources({
        subscriptions: [SUB_A],
        query: 'Resources | project id, name | order by name asc',
        options: { top: 2, ...(skipToken ? { skipToken } : {}) },
      });
      names.push(...(page.data as { name: string }[]).map((r) => r.name));
      skipToken = page.skipToken;
    } while (skipToken);
    expect(names).toEqual(['disk-orphan', 'db01', 'stweb01', 'vm-web-01'].sort());
  });

  test('an invalid query surfaces as a RestError carrying ARG details', async () => {
    const client = sdkClient(emulatorCredential(emulator.caPem));
    const error = await client
      .resources({ subscriptions: [SUB_A], query: 'Resources | mv-expand tags' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 400, code: 'BadRequest' });
  });

  test('a token for another audience is refused', async () => {
    const graphToken = emulatorCredential(emulator.caPem);
    const wrongAudience: TokenCredential = {
      getToken: () => graphToken.getToken('https://graph.microsoft.com/.default'),
    };
    const error = await sdkClient(wrongAudience)
      .resources({ subscriptions: [SUB_A], query: 'Resources' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 401 });
  });
});

describe('Cost Management query over HTTPS', () => {
  test('a client that POSTs the same body to each nextLink gets every row once, with QPU headers', async () => {
    const credential = emulatorCredential(emulator.caPem);
    const { token } = (await credential.getToken('https://management.azure.com/.default'))!;
    const dispatcher = new Agent({ connect: { ca: emulator.caPem } });
    const body = JSON.stringify({
      type: 'ActualCost',
      timeframe: 'Custom',
      timePeriod: { from: '2025-02-01T00:00:00Z', to: '2025-02-28T23:59:59Z' },
      dataset: {
        granularity: 'Daily',
        aggregation: { totalCost: { name: 'Cost', function: 'Sum' } },
        grouping: [{ type: 'Dimension', name: 'ResourceId' }],
      },
    });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    let next: string | null =
      `${emulator.armUrl}/subscriptions/${SUB_A}/providers/Microsoft.CostManagement/query?api-version=2023-03-01&$top=50`;
    const rows: unknown[] = [];
    while (next) {
      const res = await fetch(next, { method: 'POST', body, headers, dispatcher });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ms-ratelimit-microsoft.costmanagement-qpu-consumed')).toBe('1');
      expect(res.headers.get('x-ms-ratelimit-microsoft.costmanagement-qpu-remaining')).toMatch(
        /^QueriesPerHour:\d+,QueriesPerMin:\d+$/,
      );
      const page = (await res.json()) as { properties: { nextLink: string | null; rows: unknown[] } };
      rows.push(...page.properties.rows);
      next = page.properties.nextLink;
      if (next) expect(next.startsWith(emulator.armUrl)).toBe(true);
    }
    expect(rows).toHaveLength(4 * 28);
    expect(new Set(rows.map((r) => JSON.stringify(r))).size).toBe(4 * 28);
  });
});
