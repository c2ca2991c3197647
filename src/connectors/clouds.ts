/**
 * Microsoft's clouds and their endpoints. Sources: "Microsoft Graph national cloud deployments"
 * (learn.microsoft.com/graph/deployments) for the token service and Graph roots; Azure's
 * "national clouds" ARM endpoints (management.usgovcloudapi.net, management.chinacloudapi.cn).
 * GCC High tenants use the L4 endpoints, DoD tenants the L5 Graph root.
 */
export const clouds = {
  global: {
    authorityHost: 'https://login.microsoftonline.com',
    graphUrl: 'https://graph.microsoft.com',
    armUrl: 'https://management.azure.com',
  },
  usgov: {
    authorityHost: 'https://login.microsoftonline.us',
    graphUrl: 'https://graph.microsoft.us',
    armUrl: 'https://management.usgovcloudapi.net',
  },
  usgovhigh: {
    authorityHost: 'https://login.microsoftonline.us',
    graphUrl: 'https://graph.microsoft.us',
    armUrl: 'https://management.usgovcloudapi.net',
  },
  dod: {
    authorityHost: 'https://login.microsoftonline.us',
    graphUrl: 'https://dod-graph.microsoft.us',
    armUrl: 'https://management.usgovcloudapi.net',
  },
  china: {
    authorityHost: 'https://login.chinacloudapi.cn',
    graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
    armUrl: 'https://management.chinacloudapi.cn',
  },
} as const;

export type CloudName = keyof typeof clouds;
export const cloudNames = Object.keys(clouds) as CloudName[];

export interface Endpoints {
  authorityHost: string;
  graphUrl: string;
  armUrl: string;
  /** token scopes name the resource, not the address: they keep the cloud's value when a URL is overridden */
  graphScope: string;
  armScope: string;
}

/**
 * A cloud's endpoints with explicit overrides on top. Overrides are how the emulator (or a
 * proxy) is reached: the product has no other way to point elsewhere.
 */
export function resolveEndpoints(
  cloud: CloudName,
  overrides: Partial<Pick<Endpoints, 'authorityHost' | 'graphUrl' | 'armUrl'>> = {},
): Endpoints {
  const base = clouds[cloud];
  const pick = (key: 'authorityHost' | 'graphUrl' | 'armUrl') => trimSlash(overrides[key] ?? base[key]);
  return {
    authorityHost: pick('authorityHost'),
    graphUrl: pick('graphUrl'),
    armUrl: pick('armUrl'),
    graphScope: defaultScope(base.graphUrl),
    armScope: defaultScope(base.armUrl),
  };
}

/** The scope for app-only tokens: the resource identifier + `/.default` (client-credentials flow, §1.1). */
export const defaultScope = (resource: string): string => `${new URL(resource).origin}/.default`;

const trimSlash = (url: string): string => url.replace(/\/+$/, '');
