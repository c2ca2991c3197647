import { describe, expect, it } from 'vitest';
import type { Route } from '../contract.ts';
import { buildFixtureStore, fakeRequest } from './test-fixture.ts';
import { createHarness } from './test-harness.ts';
import { concealed } from './usage-reports.ts';

const REPORT = "/v1.0/reports/getOffice365ActiveUserDetail(period='D7')";

async function download(routes: Route[], location: string, store = buildFixtureStore()) {
  const url = new URL(location);
  const route = routes.find(
    (r) => r.auth === 'none' && url.pathname.startsWith(r.path.replace('/:token', '')),
  )!;
  const token = url.pathname.split('/').pop()!;
  const req = { ...fakeRequest(store, url.pathname), token: undefined, tenant: undefined, params: { token } };
  return route.handler(req);
}

describe('usage reports', () => {
  it('302 to a download URL on the emulator origin serving CSV with BOM and CRLF', async () => {
    const store = buildFixtureStore();
    const h = createHarness(store);
    const res = await h.call(REPORT);
    expect(res.status).toBe(302);
    const location = res.headers!.location!;
    expect(new URL(location).origin).toBe('https://127.0.0.1:8443');
    const file = await download(h.routes, location, store);
    expect(file.status).toBe(200);
    const text = file.body as string;
    expect(text.startsWith('\uFEFFReport Refresh Date,User Principal Name,Display Name,Is Deleted')).toBe(
      true,
    );
    const lines = text.slice(1).split('\r\n');
    expect(lines).toHaveLength(5); // header + 3 rows + the empty string after the final CRLF
    expect(lines[1]).toContain('user0@contoso.com');
    expect(lines[1]).toContain('OFFICE 365 E5+MICROSOFT 365 E5');
  });

  it('conceals names as deterministic hex when reportSettings say so', async () => {
    const store = buildFixtureStore({ concealNames: true });
    const h = createHarness(store);
    const res = await h.call(REPORT);
    const text = (await download(h.routes, res.headers!.location!, store)).body as string;
    expect(text).not.toContain('user0@contoso.com');
    const hidden = concealed(store, 'user0@contoso.com');
    expect(hidden).toMatch(/^[0-9A-F]{32}$/);
    expect(text).toContain(hidden);
  });

  it('download URLs expire; unknown reports and bad periods are 400', async () => {
    let now = new Date('2025-05-13T00:00:00Z');
    const store = buildFixtureStore();
    const h = createHarness(store, { now: () => now, reportUrlTtlSeconds: 60 });
    const res = await h.call(REPORT);
    now = new Date('2025-05-13T00:02:00Z');
    expect((await download(h.routes, res.headers!.location!, store)).status).toBe(403);
    expect((await h.call("/v1.0/reports/getNothing(period='D7')")).status).toBe(400);
    const period = await h.call("/v1.0/reports/getOffice365ActiveUserDetail(period='D8')");
    expect(period.status).toBe(400);
  });
});
