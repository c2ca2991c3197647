import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { EmulatorRequest, EmulatorResponse } from '../contract.ts';
import { CONTROL_PREFIX, type FaultInjector, faultCode } from './faults.ts';
import { armError, graphError, OBJECT_COUNT_HEADER } from './http.ts';
import { handle, type PipelineDeps } from './pipeline.ts';
import type { TlsMaterial } from './tls.ts';

/**
 * The HTTPS listener: parses requests, applies injected faults and the latency model, runs the
 * pipeline and writes the response with the headers Graph always sends (`request-id`,
 * `client-request-id`, `Date`).
 */
export interface LatencyModel {
  /** fixed cost of every request */
  baseMs: number;
  /** cost per object a route reports through `x-emulator-object-count` */
  perObjectMs: number;
}

export const DEFAULT_LATENCY: LatencyModel = { baseMs: 5, perObjectMs: 0.02 };
export const NO_LATENCY: LatencyModel = { baseMs: 0, perObjectMs: 0 };

/** Larger bodies than any Graph `$batch` or Cost Management query the product sends. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface ServerOptions {
  tls: TlsMaterial;
  deps: PipelineDeps;
  faults: FaultInjector;
  latency: () => LatencyModel;
}

export interface RunningServer {
  server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function lowerHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers))
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function serialise(r: EmulatorResponse): { body: Buffer; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
  let body: Buffer;
  if (r.body === undefined || r.body === null) body = Buffer.alloc(0);
  else if (Buffer.isBuffer(r.body)) body = r.body;
  else if (typeof r.body === 'string') body = Buffer.from(r.body, 'utf8');
  else {
    body = Buffer.from(JSON.stringify(r.body), 'utf8');
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  return { body, headers };
}

function faultResponse(
  req: Omit<EmulatorRequest, 'params'>,
  status: number,
  retryAfter: number,
): EmulatorResponse {
  const { code, message } = faultCode(status);
  const headers = { 'retry-after': String(retryAfter) };
  const full = { ...req, params: {} };
  return /^\/(subscriptions|providers)\//i.test(req.url.pathname)
    ? armError(full, status, code, message, headers)
    : graphError(full, status, code, message, headers);
}

export function createEmulatorServer(opts: ServerOptions): RunningServer {
  const { deps } = opts;

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = lowerHeaders(req);
    const url = new URL(req.url ?? '/', `https://${headers.host ?? '127.0.0.1'}`);
    const requestId = headers['client-request-id'] ?? randomUUID();
    const rawBody = await readBody(req);
    const base = {
      method: (req.method ?? 'GET').toUpperCase(),
      url,
      headers,
      rawBody: rawBody ?? '',
      requestId,
    };
    const fault = opts.faults.decide(url.pathname);
    await sleep(fault.delayMs);
    if (fault.kind === 'drop') {
      deps.stats.fault();
      req.socket.destroy();
      return;
    }
    let response: EmulatorResponse;
    let routeKey = 'fault';
    if (rawBody === undefined) {
      response = graphError(base, 413, 'RequestEntityTooLarge', 'The request body is too large.');
    } else if (fault.kind === 'error') {
      deps.stats.fault();
      response = faultResponse(base, fault.status, fault.retryAfterSeconds);
    } else {
      ({ response, routeKey } = await handle(deps, base, req.socket.remoteAddress));
    }
    deps.stats.record(routeKey, response.status);
    await sleep(latencyMs(opts.latency(), response, url.pathname));
    write(res, response, requestId, headers['client-request-id']);
  }

  function write(
    res: ServerResponse,
    r: EmulatorResponse,
    requestId: string,
    clientRequestId?: string,
  ): void {
    const { body, headers } = serialise(r);
    delete headers[OBJECT_COUNT_HEADER];
    headers['request-id'] ??= requestId;
    headers['client-request-id'] ??= clientRequestId ?? requestId;
    headers.date ??= new Date(deps.clock.now()).toUTCString();
    headers['content-length'] = String(body.length);
    res.writeHead(r.status, headers);
    res.end(body);
  }

  const server = createServer({ key: opts.tls.keyPem, cert: opts.tls.certPem }, (req, res) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          error: { code: 'InternalServerError', message: 'An internal server error occurred.' },
        }),
      );
    });
  });

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function latencyMs(model: LatencyModel, r: EmulatorResponse, path: string): number {
  if (path.startsWith(CONTROL_PREFIX)) return 0;
  const count = Number(r.headers?.[OBJECT_COUNT_HEADER] ?? 0);
  return model.baseMs + (Number.isFinite(count) ? count : 0) * model.perObjectMs;
}
