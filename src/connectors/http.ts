import fs from 'node:fs';
import tls from 'node:tls';
import { Agent, type Dispatcher, request } from 'undici';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** ms; Microsoft documents no request timeout, so this is ours: long enough for a 999-object page. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  /** lower-case names */
  headers: Record<string, string>;
  body: string;
}

export interface HttpClient {
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

/** Network-level failure (refused, reset, timed out): always transient from our side. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

/**
 * One connection pool to Microsoft (or the emulator). `extraCaFile` adds a trusted CA on top of
 * the system roots — for the emulator's generated CA, or a TLS-inspecting corporate proxy —
 * without switching verification off anywhere.
 */
export function createHttpClient(
  options: { extraCaFile?: string | undefined; connections?: number } = {},
): HttpClient {
  const ca = options.extraCaFile
    ? [...tls.rootCertificates, fs.readFileSync(options.extraCaFile, 'utf8')]
    : undefined;
  const dispatcher: Dispatcher = new Agent({
    connections: options.connections ?? 16,
    keepAliveTimeout: 10_000,
    ...(ca ? { connect: { ca } } : {}),
  });
  return {
    async send(req) {
      const timeout = req.timeoutMs ?? 120_000;
      try {
        const res = await request(req.url, {
          method: req.method,
          headers: req.headers ?? {},
          ...(req.body !== undefined ? { body: req.body } : {}),
          dispatcher,
          headersTimeout: timeout,
          bodyTimeout: timeout,
        });
        const body = await res.body.text();
        return { status: res.statusCode, headers: flattenHeaders(res.headers), body };
      } catch (cause) {
        const code = (cause as { code?: string }).code ?? (cause as Error).message;
        throw new NetworkError(`${req.method} ${stripQuery(req.url)} failed: ${code}`, req.url, { cause });
      }
    },
    close: () => dispatcher.close(),
  };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Query strings may carry skip tokens and signed download links: keep them out of messages. */
export const stripQuery = (url: string): string => url.split('?')[0]!;
