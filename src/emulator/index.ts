import { randomBytes } from 'node:crypto';
import { type ArmOptions, armRoutes } from './arm/index.ts';
import type { Route, TenantModel, TenantProfile, TenantStore } from './contract.ts';
import { controlRoutes } from './control/routes.ts';
import { type GraphOptions, graphBatchRoutes, graphRoutes } from './graph/index.ts';
import { createGrantStore } from './identity/grants.ts';
import { createTokenIssuer } from './identity/keys.ts';
import { identityRoutes } from './identity/routes.ts';
import { type Clock, systemClock } from './server/clock.ts';
import { createFaultInjector, type FaultRule } from './server/faults.ts';
import { handle, type PipelineDeps } from './server/pipeline.ts';
import { createRouter } from './server/router.ts';
import { createEmulatorServer, DEFAULT_LATENCY, type LatencyModel } from './server/server.ts';
import { createStats } from './server/stats.ts';
import { createTenantDirectory } from './server/tenants.ts';
import { createThrottler } from './server/throttle.ts';
import { generateTlsMaterial, writeCaFile } from './server/tls.ts';
import { createTenantStore } from './store/tenant-store.ts';

/**
 * Starts the Microsoft emulator: identity platform, Graph, ARM and the control API on one HTTPS
 * origin. The product reaches it only through base URLs and a trusted CA (DESIGN.md).
 */
export interface TenantSpec {
  users: number;
  profile: TenantProfile;
  seed: string;
}

export interface StartOptions {
  tenants: (TenantModel | TenantSpec)[];
  /** 0 (default) picks a free port */
  port?: number;
  host?: '127.0.0.1';
  /** where to write the CA certificate; a fresh temp directory by default */
  caFile?: string;
  latency?: Partial<LatencyModel>;
  faults?: FaultRule[];
  clock?: Clock;
  /** randomness for fault decisions (tests pass a fixed sequence) */
  random?: () => number;
  graph?: GraphOptions;
  arm?: ArmOptions;
  /** more routes, for tests of the server core */
  extraRoutes?: Route[];
}

export interface RunningEmulator {
  /** `https://127.0.0.1:PORT`: MSAL authority is `${authorityHost}/${tenantId}` */
  authorityHost: string;
  /** stands for `https://graph.microsoft.com` (paths start with `/v1.0` or `/beta`) */
  graphUrl: string;
  /** stands for `https://management.azure.com` */
  armUrl: string;
  controlUrl: string;
  controlToken: string;
  caFile: string;
  caPem: string;
  tenants: { tenantId: string; clientId: string; clientSecret: string }[];
  stores: TenantStore[];
  clock: Clock;
  close(): Promise<void>;
}

function isModel(t: TenantModel | TenantSpec): t is TenantModel {
  return typeof (t as TenantModel).tenantId === 'string';
}

async function resolveTenants(specs: (TenantModel | TenantSpec)[]): Promise<TenantModel[]> {
  if (specs.every(isModel)) return specs;
  const { generateTenant } = await import('./generator/index.ts');
  return specs.map((t) => (isModel(t) ? t : generateTenant(t)));
}

/** The first unexpired secret of the first client: what `tenantscope emulator` prints. */
function credentials(m: TenantModel, now: number) {
  const client = m.clients[0];
  const secret = client?.secrets.find((s) => Date.parse(s.expiresAt) > now) ?? client?.secrets[0];
  return { tenantId: m.tenantId, clientId: client?.clientId ?? '', clientSecret: secret?.value ?? '' };
}

export async function startEmulator(options: StartOptions): Promise<RunningEmulator> {
  const clock = options.clock ?? systemClock;
  const models = await resolveTenants(options.tenants);
  const stores = models.map((m) => createTenantStore(m, () => new Date(clock.now())));
  const tenants = createTenantDirectory(stores);
  let origin = '';
  const issuer = createTokenIssuer(clock, () => origin);
  const grants = createGrantStore(clock);
  const faults = createFaultInjector(options.faults ?? [], options.random);
  const stats = createStats();
  const throttler = createThrottler();
  let latency: LatencyModel = { ...DEFAULT_LATENCY, ...options.latency };
  const controlToken = randomBytes(32).toString('base64url');
  // $batch runs each inner request through the same pipeline (token, roles, throttling), the way
  // Graph throttles batched requests individually (json-batching.md).
  let pipeline: PipelineDeps | undefined; // set once the router exists, before the first request
  const dispatch = async (inner: Parameters<typeof handle>[1]) =>
    (await handle(pipeline!, inner, '127.0.0.1')).response;

  const routes: Route[] = [
    ...identityRoutes({ tenants, clock, origin: () => origin, issuer, grants }),
    ...controlRoutes({
      tenants,
      clock,
      faults,
      stats,
      throttler,
      latency: { get: () => latency, set: (m) => (latency = m) },
      revokeGrants: (tid, cid) => grants.revokeClient(tid, cid),
    }),
    ...graphRoutes(options.graph),
    ...graphBatchRoutes(dispatch),
    ...armRoutes({ now: () => clock.now(), ...options.arm }),
    ...(options.extraRoutes ?? []),
  ];
  pipeline = {
    router: createRouter(routes),
    throttler,
    stats,
    clock,
    tenants,
    verifier: issuer.verifier,
    controlToken,
    origin: () => origin,
  };
  const tls = generateTlsMaterial();
  const caFile = writeCaFile(tls.caPem, options.caFile);
  const server = createEmulatorServer({
    tls,
    faults,
    latency: () => latency,
    deps: pipeline,
  });
  const address = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  origin = `https://127.0.0.1:${address.port}`;
  return {
    authorityHost: origin,
    graphUrl: origin,
    armUrl: origin,
    controlUrl: `${origin}/_emulator`,
    controlToken,
    caFile,
    caPem: tls.caPem,
    tenants: models.map((m) => credentials(m, clock.now())),
    stores,
    clock,
    close: () => server.close(),
  };
}

export { type Clock, type ManualClock, manualClock, systemClock } from './server/clock.ts';
export type { FaultRule } from './server/faults.ts';
export type { LatencyModel } from './server/server.ts';
