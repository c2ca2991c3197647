import type { ArmClient } from '../connectors/arm-client.ts';
import type { CloudName, Endpoints } from '../connectors/clouds.ts';
import { createPacer } from '../connectors/graph-budget.ts';
import { createGraphClient, type GraphClient } from '../connectors/graph-client.ts';
import { createHttpClient, type HttpClient } from '../connectors/http.ts';
import { realSleep, type Sleep } from '../connectors/retry.ts';
import { type AppCredential, createAppTokenProvider } from '../connectors/token-provider.ts';
import { openArmClient } from './collect-arm.ts';

export interface TenantConnection {
  endpoints: Endpoints;
  cloud: CloudName;
  tenantId: string;
  clientId: string;
  credential: AppCredential;
  caFile?: string | undefined;
}

export interface MicrosoftSession {
  graph: GraphClient;
  /** Azure Resource Manager on the same HTTP pool and MSAL tokens (the cloud's ARM scope) */
  arm: ArmClient;
  http: HttpClient;
  close(): Promise<void>;
}

/** Everything needed to read one tenant: an HTTP pool, MSAL tokens, a paced Graph client. */
export function openMicrosoftSession(
  connection: TenantConnection,
  options: { retrySleep?: Sleep; userCount?: number } = {},
): MicrosoftSession {
  const http = createHttpClient({ extraCaFile: connection.caFile });
  // Pacing always waits in real time: it is what keeps us under Microsoft's per-window limits.
  // Only the wait between retries may be replaced (tests make it instant).
  const sleep = realSleep;
  const tokens = createAppTokenProvider({
    endpoints: connection.endpoints,
    tenantId: connection.tenantId,
    clientId: connection.clientId,
    credential: connection.credential,
    http,
  });
  const graph = createGraphClient({
    graphUrl: connection.endpoints.graphUrl,
    scope: connection.endpoints.graphScope,
    tokens,
    http,
    pacer: createPacer({
      sleep,
      ...(options.userCount !== undefined ? { userCount: options.userCount } : {}),
    }),
    sleep: options.retrySleep ?? realSleep,
  });
  const arm = openArmClient(connection, http, tokens, { sleep: options.retrySleep ?? realSleep });
  return { graph, arm, http, close: () => http.close() };
}
