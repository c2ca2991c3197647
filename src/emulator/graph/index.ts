import type { Route } from '../contract.ts';
import { deltaRoutes } from './delta.ts';
import { createTokenCodec } from './paging.ts';
import type { GraphOptions, Kit } from './route-kit.ts';
import { appsAndRolesRoutes } from './routes-apps-roles.ts';
import { directoryRoutes } from './routes-directory.ts';
import { policyAndReportRoutes } from './routes-policies-reports.ts';
import { usageReportRoutes } from './usage-reports.ts';

export type { Dispatch } from './batch.ts';
export { BATCH_LIMIT, graphBatchRoute, graphBatchRoutes } from './batch.ts';
export type { GraphOptions } from './route-kit.ts';
export { createGraphSchemaValidator, type GraphSchemaValidator } from './schema-validator.ts';

/**
 * Every Graph route the emulator serves, under `/v1.0` and `/beta`, over the tenant store the
 * server core puts on `req.tenant`. `$batch` is separate (`graphBatchRoutes(dispatch)`), because
 * it needs the server's own dispatch to run each inner request through auth and throttling.
 */
export function graphRoutes(options: GraphOptions = {}): Route[] {
  const kit: Kit = { codec: createTokenCodec(options.tokenSecret), options };
  return [
    ...directoryRoutes(kit),
    ...appsAndRolesRoutes(kit),
    ...policyAndReportRoutes(kit),
    ...deltaRoutes(kit),
    ...usageReportRoutes(kit),
  ];
}
