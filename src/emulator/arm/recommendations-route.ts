import type { ArmObject, EmulatorRequest, EmulatorResponse } from '../contract.ts';
import { armError } from '../server/http.ts';
import {
  type ApiFamily,
  armModel,
  armOk,
  checkApiVersion,
  findSubscription,
  noTenant,
  subscriptionNotFound,
} from './arm-http.ts';
import { filterMatches, parseListFilter } from './list-filter.ts';
import { decodeSkipToken, encodeSkipToken, fingerprint, parseTop } from './paging.ts';

/** Page size when `$top` is absent [U: neither API documents it]; lists follow `nextLink`. */
export const LIST_DEFAULT_TOP = 100;

/** `GET /subscriptions/{id}/providers/Microsoft.Advisor/recommendations` (azure-cost.md §4.1). */
export function handleAdvisor(req: EmulatorRequest, subscriptionId: string): EmulatorResponse {
  return listInSubscription(
    req,
    subscriptionId,
    'advisor',
    (arm) => arm.advisorRecommendations,
    advisorProperty,
  );
}

/** `GET /subscriptions/{id}/providers/Microsoft.Consumption/reservationRecommendations` (§4.2, legacy shape). */
export function handleReservations(req: EmulatorRequest, subscriptionId: string): EmulatorResponse {
  return listInSubscription(
    req,
    subscriptionId,
    'consumption',
    (arm) => arm.reservationRecommendations,
    pathProperty,
  );
}

type ArmModel = NonNullable<ReturnType<typeof armModel>>;

function listInSubscription(
  req: EmulatorRequest,
  subscriptionId: string,
  family: ApiFamily,
  items: (arm: ArmModel) => ArmObject[],
  property: (item: ArmObject, name: string) => string | undefined,
): EmulatorResponse {
  const versionError = checkApiVersion(req, family);
  if (versionError) return versionError;
  const arm = armModel(req);
  if (!arm) return noTenant(req);
  if (!findSubscription(arm, subscriptionId)) return subscriptionNotFound(req, subscriptionId);
  const filterText = req.url.searchParams.get('$filter');
  const filter = filterText ? parseListFilter(filterText) : undefined;
  if (filterText && !filter) return armError(req, 400, 'BadRequest', `Invalid $filter: '${filterText}'.`);
  const prefix = `/subscriptions/${subscriptionId}/`.toLowerCase();
  const matching = items(arm).filter(
    (item) =>
      inSubscription(item, prefix, subscriptionId) &&
      (!filter || filterMatches(filter, (name) => property(item, name))),
  );
  const top = parseTop(req.url.searchParams.get('$top'));
  if (Number.isNaN(top)) return armError(req, 400, 'BadRequest', "'$top' must be a positive integer.");
  const pageSize = top ?? LIST_DEFAULT_TOP;
  const print = fingerprint(req.url.pathname.toLowerCase(), filterText ?? '', pageSize);
  const rawToken = req.url.searchParams.get('$skiptoken') ?? req.url.searchParams.get('$skipToken');
  const token = rawToken === null ? { offset: 0, fingerprint: print } : decodeSkipToken(rawToken);
  if (!token || token.fingerprint !== print)
    return armError(req, 400, 'BadRequest', 'The $skiptoken is invalid.');
  const value = matching.slice(token.offset, token.offset + pageSize);
  const body: { value: ArmObject[]; nextLink?: string } = { value };
  if (token.offset + pageSize < matching.length) {
    const next = new URL(req.url.href);
    next.searchParams.delete('$skipToken');
    next.searchParams.set('$top', String(pageSize));
    next.searchParams.set(
      '$skiptoken',
      encodeSkipToken({ offset: token.offset + pageSize, fingerprint: print }),
    );
    body.nextLink = next.href;
  }
  return armOk(req, body, value.length);
}

function inSubscription(item: ArmObject, prefix: string, subscriptionId: string): boolean {
  if (item.id.toLowerCase().startsWith(prefix)) return true;
  const props = item.properties as Record<string, unknown> | undefined;
  return String(props?.subscriptionId ?? '').toLowerCase() === subscriptionId.toLowerCase();
}

/** Advisor's filterable names: Category, ResourceGroup, ResourceId, RecommendationTypeGuid (§4.1). */
function advisorProperty(item: ArmObject, name: string): string | undefined {
  const props = (item.properties ?? {}) as Record<string, unknown>;
  const impacted = String(
    (props.resourceMetadata as Record<string, unknown> | undefined)?.resourceId ??
      item.id.split('/providers/Microsoft.Advisor/')[0],
  );
  switch (name.toLowerCase()) {
    case 'category':
      return props.category as string | undefined;
    case 'recommendationtypeguid':
      return props.recommendationTypeId as string | undefined;
    case 'resourceid':
      return impacted;
    case 'resourcegroup':
      return /\/resourceGroups\/([^/]+)/i.exec(impacted)?.[1];
    default:
      return undefined;
  }
}

/** Consumption filters name JSON paths, e.g. `properties/lookBackPeriod` (§4.2). */
function pathProperty(item: ArmObject, name: string): string | undefined {
  let value: unknown = item;
  for (const segment of name.split('/')) {
    if (typeof value !== 'object' || value === null) return undefined;
    const key = Object.keys(value).find((k) => k.toLowerCase() === segment.toLowerCase());
    value = key === undefined ? undefined : (value as Record<string, unknown>)[key];
  }
  return value === undefined || value === null ? undefined : String(value);
}
