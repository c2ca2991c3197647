import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { MemberRole } from '../../storage/schema.ts';
import { errorBodySchema } from './api-schemas.ts';

/**
 * Who may call a route: anyone (`public`), any signed-in person (`signedIn`), or a member of the
 * session's workspace holding at least this role. Every `/api` route must say (auth-plugin.ts
 * refuses to register one that does not), and one hook enforces it.
 */
export type Access = 'public' | 'signedIn' | MemberRole;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

type Schema = z.ZodType | undefined;
type Out<T extends Schema> = T extends z.ZodType ? z.output<T> : undefined;
type Reply<T extends Schema> = T extends z.ZodType ? z.input<T> : undefined;

export interface RouteSpec<P extends Schema, Q extends Schema, B extends Schema, R extends Schema> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  access: Access;
  summary: string;
  description?: string;
  tags: string[];
  params?: P;
  querystring?: Q;
  body?: B;
  /** the success status; 200 by default, 204 when there is no response schema */
  status?: number;
  /** the success body, an allowlist: fields it does not name are never serialised */
  response?: R;
  rateLimit?: { max: number; timeWindow: string };
  /** a body of raw bytes (an image) instead of JSON: its media types, for the OpenAPI document */
  rawBody?: { types: string[]; description: string };
  /** a success body of raw bytes (an image): its media types, for the OpenAPI document */
  rawResponse?: { types: string[]; description: string };
}

export interface RouteInput<P extends Schema, Q extends Schema, B extends Schema> {
  request: FastifyRequest;
  reply: FastifyReply;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
}

/**
 * Registers a route from zod schemas. Input is validated by zod itself (refinements included);
 * the JSON Schema made from the same zod schemas documents the route (OpenAPI) and drives
 * Fastify's response serialiser, which writes only the properties the schema lists.
 */
export function defineRoute<
  P extends Schema = undefined,
  Q extends Schema = undefined,
  B extends Schema = undefined,
  R extends Schema = undefined,
>(
  app: FastifyInstance,
  spec: RouteSpec<P, Q, B, R>,
  /** returns the body, or the reply itself after sending something else (a CSV, a page) */
  handler: (input: RouteInput<P, Q, B>) => Promise<Reply<R> | FastifyReply | undefined>,
): void {
  const status = spec.status ?? (spec.response ? 200 : 204);
  const parts: Record<string, z.ZodType | undefined> = {
    params: spec.params,
    querystring: spec.querystring,
    body: spec.body,
  };
  const errors = toJsonSchema(errorBodySchema, 'output');
  app.route({
    method: spec.method,
    url: spec.url,
    config: {
      access: spec.access,
      ...(spec.rateLimit ? { rateLimit: spec.rateLimit } : {}),
    },
    schema: {
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      ...security(spec),
      ...(spec.params ? { params: toJsonSchema(spec.params, 'input') } : {}),
      ...(spec.querystring ? { querystring: toJsonSchema(spec.querystring, 'input') } : {}),
      ...(spec.body ? { body: toJsonSchema(spec.body, 'input') } : {}),
      ...(spec.rawBody ? { consumes: spec.rawBody.types, body: binary(spec.rawBody.description) } : {}),
      response: {
        [status]: spec.rawResponse
          ? {
              description: spec.rawResponse.description,
              content: Object.fromEntries(spec.rawResponse.types.map((t) => [t, { schema: binary() }])),
            }
          : spec.response
            ? toJsonSchema(spec.response, 'output')
            : { type: 'null', description: 'no content' },
        '4xx': errors,
        '5xx': errors,
      },
    },
    validatorCompiler: ({ httpPart }) => {
      const schema = httpPart ? parts[httpPart] : undefined;
      return (data: unknown) => {
        if (!schema) return { value: data };
        const result = schema.safeParse(data);
        return result.success ? { value: result.data } : { error: validationError(httpPart!, result.error) };
      };
    },
    handler: async (request, reply) => {
      const out = await handler({
        request,
        reply,
        params: request.params as Out<P>,
        query: request.query as Out<Q>,
        body: request.body as Out<B>,
      });
      // A handler that sent something else returns the reply, which is thenable: awaiting it
      // waited for the response to finish, so `sent` tells.
      if (out === reply || reply.sent) return reply;
      return reply.status(status).send(out);
    },
  });
}

const binary = (description?: string) => ({
  type: 'string',
  format: 'binary',
  ...(description ? { description } : {}),
});

/** OpenAPI security: the session cookie, and the CSRF header on state-changing routes. */
function security(spec: { method: string; access: Access }): { security?: Record<string, string[]>[] } {
  if (spec.access === 'public') return {};
  const needs: Record<string, string[]> = spec.method === 'GET' ? { session: [] } : { session: [], csrf: [] };
  return { security: [needs] };
}

/** Draft-07 JSON Schema (what Fastify's serialiser and @fastify/swagger read), without `$schema`. */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-7',
    io,
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

/** The first problem, named by its place (`body.clientId`), never echoing the value sent. */
function validationError(part: string, error: z.ZodError): Error {
  const issue = error.issues[0];
  const where = [part, ...(issue?.path ?? []).map(String)].join('.');
  const out = new Error(`${where}: ${issue?.message ?? 'invalid'}`) as Error & {
    validation: unknown;
    statusCode: number;
  };
  out.validation = error.issues.map((i) => ({ path: i.path.map(String), code: i.code }));
  out.statusCode = 400;
  return out;
}
