import type { FastifyError, FastifyInstance } from 'fastify';
import { type ErrorCode, errorCatalogue, isTenantscopeError } from '../../platform/errors.ts';

export interface ErrorBody {
  requestId: string;
  statusCode: number;
  code: ErrorCode;
  message: string;
}

/**
 * Every error leaves as `{ requestId, statusCode, code, message }`. Our own errors keep their
 * message; anything unexpected (a database error, a bug) is logged in full and answered with a
 * generic message, so internals never reach a client.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const body = toBody(error, request.id);
    if (body.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.code }, error.message);
    void reply.status(body.statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      requestId: request.id,
      statusCode: 404,
      code: 'TS_ERR_NOT_FOUND',
      message: `no route for ${request.method} ${request.url.split('?')[0]}`,
    } satisfies ErrorBody);
  });
}

function toBody(error: FastifyError, requestId: string): ErrorBody {
  if (isTenantscopeError(error)) {
    return { requestId, statusCode: error.statusCode, code: error.code, message: error.message };
  }
  if (error.validation) {
    return { requestId, statusCode: 400, code: 'TS_ERR_VALIDATION', message: error.message };
  }
  if (error.statusCode === 429) {
    return { requestId, statusCode: 429, code: 'TS_ERR_RATE_LIMITED', message: 'too many requests' };
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    // Fastify's own client errors (bad JSON, body too large, wrong content type) describe the request, not us.
    return { requestId, statusCode: error.statusCode, code: 'TS_ERR_VALIDATION', message: error.message };
  }
  return {
    requestId,
    statusCode: 500,
    code: 'TS_ERR_INTERNAL',
    message: `internal error. ${errorCatalogue.TS_ERR_INTERNAL.hint}`,
  };
}
