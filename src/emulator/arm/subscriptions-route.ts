import type { EmulatorRequest, EmulatorResponse } from '../contract.ts';
import {
  armModel,
  armOk,
  checkApiVersion,
  findSubscription,
  noTenant,
  subscriptionNotFound,
} from './arm-http.ts';

/**
 * `GET /subscriptions`: the ARM list shape `{ value, count }` (count is `{type:'Total', value}` since
 * 2020-01-01). A tenant holds few subscriptions, so one page always suffices and no nextLink is sent.
 */
export function handleListSubscriptions(req: EmulatorRequest): EmulatorResponse {
  const versionError = checkApiVersion(req, 'subscriptions');
  if (versionError) return versionError;
  const arm = armModel(req);
  if (!arm) return noTenant(req);
  const value = arm.subscriptions;
  return armOk(req, { value, count: { type: 'Total', value: value.length } }, value.length);
}

/** `GET /subscriptions/{id}` */
export function handleGetSubscription(req: EmulatorRequest, subscriptionId: string): EmulatorResponse {
  const versionError = checkApiVersion(req, 'subscriptions');
  if (versionError) return versionError;
  const arm = armModel(req);
  if (!arm) return noTenant(req);
  const subscription = findSubscription(arm, subscriptionId);
  return subscription ? armOk(req, subscription, 1) : subscriptionNotFound(req, subscriptionId);
}
