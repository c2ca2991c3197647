import { describe, expect, test } from 'vitest';
import { armRoutes } from './index.ts';
import { SUB_A, SUB_B } from './test-fixture.ts';
import { bodyOf, createCaller } from './test-request.ts';

type List = { value: { id: string; name: string; properties: Record<string, unknown> }[]; nextLink?: string };

const ADVISOR = `/subscriptions/${SUB_A}/providers/Microsoft.Advisor/recommendations?api-version=2023-01-01`;
const RESERVATIONS = (sub: string) =>
  `/subscriptions/${sub}/providers/Microsoft.Consumption/reservationRecommendations?api-version=2023-05-01`;

describe('subscriptions', () => {
  test('the list holds every subscription of the tenant with a Total count', async () => {
    const res = await createCaller(armRoutes()).call('GET', '/subscriptions?api-version=2022-12-01');
    expect(res.status).toBe(200);
    const body = bodyOf<{ value: { subscriptionId: string }[]; count: unknown }>(res);
    expect(body.value.map((s) => s.subscriptionId)).toEqual([SUB_A, SUB_B]);
    expect(body.count).toEqual({ type: 'Total', value: 2 });
  });

  test('one subscription by id, any case; an unknown one is SubscriptionNotFound', async () => {
    const caller = createCaller(armRoutes());
    const found = await caller.call('GET', `/subscriptions/${SUB_B.toUpperCase()}?api-version=2020-01-01`);
    expect(bodyOf<{ displayName: string }>(found).displayName).toBe('Batch');
    const missing = await caller.call(
      'GET',
      '/subscriptions/00000000-0000-4000-8000-000000000000?api-version=2020-01-01',
    );
    expect(missing.status).toBe(404);
    expect(bodyOf<{ error: { code: string } }>(missing).error.code).toBe('SubscriptionNotFound');
  });

  test('an unknown path under a subscription answers an ARM 404, not a stack trace', async () => {
    const res = await createCaller(armRoutes()).call(
      'GET',
      `/subscriptions/${SUB_A}/providers/Microsoft.Nope/things?api-version=2022-12-01`,
    );
    expect(res.status).toBe(404);
    expect(Object.keys(bodyOf<{ error: object }>(res).error)).toEqual(['code', 'message']);
  });
});

describe('Advisor recommendations', () => {
  test("$filter=Category eq 'Cost' keeps only cost recommendations of the subscription", async () => {
    const res = await createCaller(armRoutes()).call(
      'GET',
      `${ADVISOR}&$filter=${encodeURIComponent("Category eq 'Cost'")}`,
    );
    const list = bodyOf<List>(res);
    expect(list.value.map((r) => r.name)).toEqual(['0d1f8c4e-0000-4000-8000-000000000001']);
    expect(list.value[0]!.properties.extendedProperties).toMatchObject({
      savingsAmount: '120.5',
      annualSavingsAmount: '1446',
    });
  });

  test('without a filter every category of the subscription is listed, and no other subscription', async () => {
    const list = bodyOf<List>(await createCaller(armRoutes()).call('GET', ADVISOR));
    expect(list.value.map((r) => r.properties.category)).toEqual(['Cost', 'Security']);
  });

  test('or and and combine terms; ResourceGroup is read from the impacted resource', async () => {
    const filter = encodeURIComponent(
      "Category eq 'Security' or Category eq 'Cost' and ResourceGroup eq 'rg-web'",
    );
    const list = bodyOf<List>(await createCaller(armRoutes()).call('GET', `${ADVISOR}&$filter=${filter}`));
    expect(list.value).toHaveLength(2);
  });

  test('$top pages with a nextLink that reaches every item once', async () => {
    const caller = createCaller(armRoutes());
    const first = bodyOf<List>(await caller.call('GET', `${ADVISOR}&$top=1`));
    expect(first.value).toHaveLength(1);
    expect(first.nextLink).toBeTruthy();
    const second = bodyOf<List>(await caller.callUrl('GET', first.nextLink!));
    expect(second.value).toHaveLength(1);
    expect(second.nextLink).toBeUndefined();
    expect(second.value[0]!.name).not.toBe(first.value[0]!.name);
  });

  test('a filter outside the subset is a 400', async () => {
    const res = await createCaller(armRoutes()).call(
      'GET',
      `${ADVISOR}&$filter=${encodeURIComponent('Category ne 1')}`,
    );
    expect(res.status).toBe(400);
  });
});

describe('reservation recommendations', () => {
  test('the legacy list of the subscription, filtered by properties paths', async () => {
    const caller = createCaller(armRoutes());
    const all = bodyOf<List>(await caller.call('GET', RESERVATIONS(SUB_B)));
    expect(all.value.map((r) => r.name)).toEqual(['rr-1']);
    const filter = encodeURIComponent(
      "properties/scope eq 'Single' AND properties/lookBackPeriod eq 'Last7Days'",
    );
    const filtered = bodyOf<List>(await caller.call('GET', `${RESERVATIONS(SUB_A)}&$filter=${filter}`));
    expect(filtered.value.map((r) => r.properties.netSavings)).toEqual([110]);
    const none = bodyOf<List>(await caller.call('GET', `${RESERVATIONS(SUB_B)}&$filter=${filter}`));
    expect(none.value).toEqual([]);
  });

  test('an unsupported api-version lists the supported ones', async () => {
    const res = await createCaller(armRoutes()).call(
      'GET',
      RESERVATIONS(SUB_A).replace('2023-05-01', '2015-01-01'),
    );
    expect(res.status).toBe(400);
    expect(bodyOf<{ error: { message: string } }>(res).error.message).toContain('2023-05-01');
  });
});
