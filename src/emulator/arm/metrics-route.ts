import type { EmulatorRequest, EmulatorResponse } from '../contract.ts';
import { armError, json } from '../server/http.ts';
import {
  armHeaders,
  armModel,
  armOk,
  checkApiVersion,
  findSubscription,
  noTenant,
  sameId,
  subscriptionNotFound,
} from './arm-http.ts';
import {
  AGGREGATIONS,
  type Aggregation,
  bucketize,
  isoSeconds,
  parseDuration,
  parseTimespan,
  unitOf,
} from './metrics-fns.ts';

/** Refuse answers beyond this many points per metric rather than build them [U: Azure's own cap]. */
const MAX_POINTS = 50_000;

/** `GET {resourceId}/providers/Microsoft.Insights/metrics` (azure-cost.md §4.3). */
export function handleMetrics(req: EmulatorRequest, resourceId: string): EmulatorResponse {
  const versionError = checkApiVersion(req, 'metrics');
  if (versionError) return versionError;
  const arm = armModel(req);
  if (!arm) return noTenant(req);
  const subscriptionId = resourceId.split('/')[2] ?? '';
  if (!findSubscription(arm, subscriptionId)) return subscriptionNotFound(req, subscriptionId);
  const resource = arm.resources.find((r) => sameId(r.id, resourceId));
  if (!resource) return resourceNotFound(req, resourceId);

  const namespace = providerType(resource.id);
  const series = Object.entries(arm.metrics).find(([id]) => sameId(id, resource.id))?.[1] ?? {};
  const valid = metricsOfType(arm, String(resource.type ?? namespace));
  const requested = (req.url.searchParams.get('metricnames') ?? valid[0] ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const unknown = requested.find((m) => !valid.some((v) => v.toLowerCase() === m.toLowerCase()));
  if (unknown !== undefined || requested.length === 0)
    return unknownMetric(req, namespace, unknown ?? '', valid);

  const query = parseQuery(req, new Date(req.tenant!.model.asOf));
  if ('error' in query) return monitorError(req, query.error);
  const slices = Math.ceil((query.span.end - query.span.start) / query.interval);
  if (slices > MAX_POINTS)
    return monitorError(
      req,
      `The number of data points requested (${slices}) exceeds ${MAX_POINTS}; use a larger interval.`,
    );

  const value = requested.map((asked) => {
    const name = valid.find((v) => v.toLowerCase() === asked.toLowerCase())!;
    const points = Object.entries(series).find(([m]) => m.toLowerCase() === name.toLowerCase())?.[1] ?? [];
    return {
      id: `${resource.id}/providers/Microsoft.Insights/metrics/${name}`,
      type: 'Microsoft.Insights/metrics',
      name: { value: name, localizedValue: name },
      displayDescription: '',
      unit: unitOf(name),
      errorCode: 'Success',
      timeseries: [
        {
          metadatavalues: [],
          data: bucketize(points, query.span.start, query.span.end, query.interval, query.aggregations),
        },
      ],
    };
  });
  const body = {
    cost: slices * value.length,
    timespan: `${isoSeconds(query.span.start)}/${isoSeconds(query.span.end)}`,
    interval: query.intervalText,
    value,
    namespace,
    resourceregion: resource.location ?? '',
  };
  return armOk(req, body, value.length);
}

interface MetricsQuery {
  span: { start: number; end: number };
  interval: number;
  intervalText: string;
  aggregations: Aggregation[];
}

function parseQuery(req: EmulatorRequest, now: Date): MetricsQuery | { error: string } {
  const timespanText = req.url.searchParams.get('timespan');
  const span = parseTimespan(timespanText, now);
  if (!span) return { error: `Detected invalid time interval input: ${timespanText}` };
  const intervalText = (req.url.searchParams.get('interval') ?? 'PT1H').toUpperCase();
  const interval = parseDuration(intervalText);
  if (!interval || interval < 60_000) return { error: `Invalid interval: '${intervalText}'.` };
  const aggregations: Aggregation[] = [];
  for (const raw of (req.url.searchParams.get('aggregation') ?? 'average').split(',')) {
    const a = AGGREGATIONS.find((x) => x === raw.trim().toLowerCase());
    if (!a)
      return {
        error: `Invalid aggregation: '${raw.trim()}'. Valid aggregations: Average, Count, Maximum, Minimum, Total.`,
      };
    if (!aggregations.includes(a)) aggregations.push(a);
  }
  return { span, interval, intervalText, aggregations };
}

/** `Microsoft.Compute/virtualMachines` from a resource id (the answer's `namespace`). */
function providerType(resourceId: string): string {
  const parts = resourceId.split('/');
  const i = parts.findIndex((p) => p.toLowerCase() === 'providers');
  return i < 0 ? '' : `${parts[i + 1]}/${parts[i + 2]}`;
}

/** The metric names the model holds for any resource of this type: its "metric definitions". */
function metricsOfType(arm: NonNullable<ReturnType<typeof armModel>>, type: string): string[] {
  const names = new Set<string>();
  for (const r of arm.resources) {
    if (String(r.type ?? '').toLowerCase() !== type.toLowerCase()) continue;
    const series = Object.entries(arm.metrics).find(([id]) => sameId(id, r.id))?.[1];
    for (const name of Object.keys(series ?? {})) names.add(name);
  }
  return [...names];
}

/**
 * Azure Monitor's own error shape is flat `{code, message}` (observed in client fixtures), with the
 * valid names last — clients parse "Valid metrics: " to retry (e.g. checkmk's agent_azure).
 */
function unknownMetric(
  req: EmulatorRequest,
  namespace: string,
  metric: string,
  valid: string[],
): EmulatorResponse {
  const [provider, type] = namespace.split('/');
  return monitorError(
    req,
    `Failed to find metric configuration for provider: ${provider}, resource Type: ${type}, metric: ${metric}, Valid metrics: ${valid.join(',')}`,
  );
}

function monitorError(req: EmulatorRequest, message: string): EmulatorResponse {
  return json(400, { code: 'BadRequest', message }, armHeaders(req));
}

/** ARM's 404 text for a missing resource. */
function resourceNotFound(req: EmulatorRequest, resourceId: string): EmulatorResponse {
  const m = /\/resourceGroups\/([^/]+)\/providers\/(.+)$/i.exec(resourceId);
  const what = m ? m[2]! : resourceId;
  const group = m ? m[1]! : '';
  return armError(
    req,
    404,
    'ResourceNotFound',
    `The Resource '${what}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}
