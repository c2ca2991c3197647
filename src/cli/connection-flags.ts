import fs from 'node:fs';
import { type CloudName, cloudNames, type Endpoints, resolveEndpoints } from '../connectors/clouds.ts';
import type { AppCredential } from '../connectors/token-provider.ts';

/** Flags shared by every command that talks to Microsoft (`snapshot`, `scan`, …). */
export const connectionOptions = {
  cloud: { type: 'string' },
  'authority-host': { type: 'string' },
  'graph-url': { type: 'string' },
  'arm-url': { type: 'string' },
  'ca-file': { type: 'string' },
  'tenant-id': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret-env': { type: 'string' },
  certificate: { type: 'string' },
} as const;

export const CONNECTION_USAGE = `Connection options:
  --tenant-id <id>            the tenant (GUID or domain)
  --client-id <id>            the app registration's client id
  --client-secret-env <VAR>   name of the environment variable holding the client secret
  --certificate <file>        PEM file with the certificate and its private key (instead of a secret)
  --cloud <name>              ${cloudNames.join(' | ')} (default global)
  --authority-host <url>      override the sign-in endpoint (e.g. the emulator)
  --graph-url <url>           override the Microsoft Graph endpoint
  --arm-url <url>             override the Azure Resource Manager endpoint
  --ca-file <file>            trust this extra CA (the emulator's, or a TLS-inspecting proxy's)`;

export interface ConnectionFlags {
  endpoints: Endpoints;
  cloud: CloudName;
  tenantId: string;
  clientId: string;
  credential: AppCredential;
  caFile: string | undefined;
}

/**
 * Turns the flags into a connection, or an error message for the usage error. The secret is
 * never a flag value: command lines end up in shell history and process lists.
 */
export function parseConnectionFlags(
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): ConnectionFlags | { error: string } {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const cloud = (str('cloud') ?? 'global') as CloudName;
  if (!cloudNames.includes(cloud)) return { error: `--cloud must be one of ${cloudNames.join(', ')}` };
  const tenantId = str('tenant-id');
  const clientId = str('client-id');
  if (!tenantId) return { error: '--tenant-id is required' };
  if (!clientId) return { error: '--client-id is required' };
  for (const flag of ['authority-host', 'graph-url', 'arm-url']) {
    const url = str(flag);
    if (url !== undefined && !/^https:\/\/[^/]/.test(url))
      return { error: `--${flag} must be an https:// URL` };
  }
  const credential = credentialFrom(str('client-secret-env'), str('certificate'), env);
  if ('error' in credential) return credential;
  const caFile = str('ca-file');
  if (caFile !== undefined && !fs.existsSync(caFile)) return { error: `--ca-file ${caFile} does not exist` };
  const overrides = {
    ...(str('authority-host') ? { authorityHost: str('authority-host')! } : {}),
    ...(str('graph-url') ? { graphUrl: str('graph-url')! } : {}),
    ...(str('arm-url') ? { armUrl: str('arm-url')! } : {}),
  };
  return { endpoints: resolveEndpoints(cloud, overrides), cloud, tenantId, clientId, credential, caFile };
}

function credentialFrom(
  secretEnv: string | undefined,
  certificate: string | undefined,
  env: NodeJS.ProcessEnv,
): AppCredential | { error: string } {
  if (secretEnv && certificate) return { error: 'give --client-secret-env or --certificate, not both' };
  if (secretEnv) {
    const clientSecret = env[secretEnv];
    if (!clientSecret) return { error: `--client-secret-env names ${secretEnv}, which is not set` };
    return { kind: 'secret', clientSecret };
  }
  if (certificate) {
    let pem: string;
    try {
      pem = fs.readFileSync(certificate, 'utf8');
    } catch {
      return { error: `--certificate ${certificate} cannot be read` };
    }
    const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
    const key = /-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (RSA |EC )?PRIVATE KEY-----/.exec(
      pem,
    )?.[0];
    if (!cert || !key)
      return { error: `--certificate ${certificate} must hold a PEM certificate and its private key` };
    return { kind: 'certificate', certificatePem: cert, privateKeyPem: key };
  }
  return { error: 'give --client-secret-env VAR or --certificate FILE' };
}
