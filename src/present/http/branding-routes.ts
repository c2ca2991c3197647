import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  ACCENT_PATTERN,
  applyBrandingChange,
  BRANDING_LIMITS,
  brandingDiff,
  CONTROL_CHARACTERS,
  DEFAULT_ACCENT,
} from '../../branding/branding-fns.ts';
import {
  getBranding,
  readLogo,
  removeLogo,
  type StoredBranding,
  saveBrandingFields,
  saveLogo,
} from '../../branding/branding-repo.ts';
import { checkLogo, LOGO_MAX_BYTES, LOGO_MAX_PIXELS, LOGO_TYPES } from '../../branding/logo-fns.ts';
import type { Clock } from '../../platform/clock.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import type { Schema } from '../../storage/schema.ts';
import { iso, isoDate } from './api-schemas.ts';
import { inWorkspace, recordAudit } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';

const brandingSchema = z.object({
  displayName: z.string().nullable().describe('the name on reports; null: the workspace name (defaults)'),
  accentColor: z.string().describe('#rrggbb'),
  footerText: z.string().nullable().describe('a short line at the foot of every report'),
  senderName: z
    .string()
    .nullable()
    .describe("the From name of the workspace's emails; null: the configured one"),
  defaults: z.object({ displayName: z.string(), accentColor: z.string() }),
  logo: z
    .object({
      type: z.enum(LOGO_TYPES),
      width: z.number().int(),
      height: z.number().int(),
      sha256: z.string(),
      url: z.string().describe('GET it here; the address changes with the image'),
    })
    .nullable(),
  limits: z.object({
    displayName: z.number().int(),
    footerText: z.number().int(),
    senderName: z.number().int(),
    logoBytes: z.number().int(),
    logoPixels: z.number().int(),
  }),
  updatedBy: z.string().nullable(),
  updatedAt: isoDate.nullable(),
});

/** One line of text: trimmed, bounded, no line break (a name becomes an email header). */
const line = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .refine((v) => !CONTROL_CHARACTERS.test(v), 'one line, without control characters')
    .nullable()
    .optional();

const changeSchema = z
  .object({
    displayName: line(BRANDING_LIMITS.displayName),
    accentColor: z
      .string()
      .trim()
      .regex(ACCENT_PATTERN, `give a colour as #rrggbb, e.g. ${DEFAULT_ACCENT}`)
      .nullable()
      .optional(),
    footerText: line(BRANDING_LIMITS.footerText),
    senderName: line(BRANDING_LIMITS.senderName),
  })
  .strict()
  .describe('only the fields given change; null or "" puts one back to its default');

const WRITES = { max: 30, timeWindow: '1 minute' };

/** Workspace branding (DESIGN.md: the workspace owns it; report definitions will name it). */
export function registerBrandingRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<Schema>; clock: Clock },
): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/branding',
      access: 'reports',
      summary:
        "The workspace's branding: the name, colour, footer and logo on its reports, its email sender name",
      tags: ['workspace'],
      response: brandingSchema,
    },
    async ({ request }) =>
      inWorkspace(deps.db, request, async (tx, m) => toView(await getBranding(tx, m.workspaceId))),
  );

  defineRoute(
    app,
    {
      method: 'PUT',
      url: '/api/branding',
      access: 'admin',
      summary: "Change the workspace's branding (only the fields given)",
      description:
        'Texts are trimmed and one line each; the colour is #rrggbb. Audited as `branding.changed`.',
      tags: ['workspace'],
      body: changeSchema,
      response: brandingSchema,
      rateLimit: WRITES,
    },
    async ({ request, body }) =>
      inWorkspace(deps.db, request, async (tx, member) => {
        const stored = await getBranding(tx, member.workspaceId);
        const after = applyBrandingChange(stored.fields, body);
        const changes = brandingDiff(stored.fields, after);
        if (Object.keys(changes).length === 0) return toView(stored);
        await saveBrandingFields(tx, member.workspaceId, after, member.personId, deps.clock.now());
        await recordAudit(tx, member, 'branding.changed', undefined, { changes });
        return toView(await getBranding(tx, member.workspaceId));
      }),
  );

  void app.register(async (scope) => registerLogoRoutes(scope, deps));
}

/**
 * The logo routes live in their own scope: their body is raw bytes whatever the declared type (the
 * bytes decide, logo-fns.ts), and an oversized body is answered as a logo error.
 */
function registerLogoRoutes(scope: FastifyInstance, deps: { db: Kysely<Schema>; clock: Clock }): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  scope.setErrorHandler((error: FastifyError) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      throw new TenantscopeError(
        'TS_ERR_LOGO_TOO_LARGE',
        `the upload is over 1 MB; the most is ${LOGO_MAX_BYTES / 1024} KB`,
      );
    throw error; // the application's handler answers everything else
  });

  defineRoute(
    scope,
    {
      method: 'PUT',
      url: '/api/branding/logo',
      access: 'admin',
      summary: 'Upload the workspace logo (the image bytes as the body)',
      description:
        `PNG, JPEG or WebP, recognised by the file's own first bytes whatever Content-Type says; at most ` +
        `${LOGO_MAX_BYTES / 1024} KB and ${LOGO_MAX_PIXELS} × ${LOGO_MAX_PIXELS} px. SVG is refused ` +
        '(TS_ERR_LOGO_SVG_REFUSED): it can carry script. Audited as `branding.logo_uploaded`.',
      tags: ['workspace'],
      rawBody: { types: [...LOGO_TYPES, 'application/octet-stream'], description: 'the image file' },
      response: brandingSchema,
      rateLimit: WRITES,
    },
    async ({ request }) => {
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const facts = checkLogo(bytes);
      return inWorkspace(deps.db, request, async (tx, member) => {
        const sha256 = await saveLogo(
          tx,
          member.workspaceId,
          bytes,
          facts,
          member.personId,
          deps.clock.now(),
        );
        await recordAudit(tx, member, 'branding.logo_uploaded', undefined, {
          ...facts,
          bytes: bytes.length,
          sha256,
        });
        return toView(await getBranding(tx, member.workspaceId));
      });
    },
  );

  defineRoute(
    scope,
    {
      method: 'DELETE',
      url: '/api/branding/logo',
      access: 'admin',
      summary: 'Remove the workspace logo (404 when there is none)',
      tags: ['workspace'],
      rateLimit: WRITES,
    },
    async ({ request }) =>
      inWorkspace(deps.db, request, async (tx, member) => {
        if (!(await removeLogo(tx, member.workspaceId, member.personId, deps.clock.now())))
          throw new TenantscopeError('TS_ERR_NOT_FOUND', 'this workspace has no logo');
        await recordAudit(tx, member, 'branding.logo_removed', undefined);
        return undefined;
      }),
  );

  defineRoute(
    scope,
    {
      method: 'GET',
      url: '/api/branding/logo',
      access: 'reports',
      summary: 'The workspace logo, with the type its bytes were recognised as',
      description:
        "Served with `X-Content-Type-Options: nosniff`, `Content-Security-Policy: default-src 'none'` and an ETag " +
        '(the SHA-256 of the bytes); `If-None-Match` with it answers 304. 404 when there is no logo.',
      tags: ['workspace'],
      status: 200,
      rawResponse: { types: [...LOGO_TYPES], description: 'the image' },
    },
    async ({ request, reply }) => {
      const logo = await inWorkspace(deps.db, request, (tx, m) => readLogo(tx, m.workspaceId));
      if (!logo) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'this workspace has no logo');
      const etag = `"${logo.sha256}"`;
      void reply
        .header('etag', etag)
        // the address is the same for every logo: the browser asks again, the ETag keeps it cheap
        .header('cache-control', 'private, no-cache')
        .header('x-content-type-options', 'nosniff')
        // opened on its own, the image can run nothing and load nothing
        .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'; sandbox")
        .header('content-disposition', `inline; filename="logo.${logo.type.split('/')[1]}"`);
      if (etagMatches(request, etag)) return reply.status(304).send();
      return reply.type(logo.type).send(logo.bytes);
    },
  );
}

/** RFC 9110 §13.1.2: a list of entity tags, weak ones compared weakly, or `*`. */
function etagMatches(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (!header) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

function toView(stored: StoredBranding): z.input<typeof brandingSchema> {
  return {
    ...stored.fields,
    defaults: { displayName: stored.workspaceName, accentColor: DEFAULT_ACCENT },
    logo: stored.logo
      ? { ...stored.logo, url: `/api/branding/logo?v=${stored.logo.sha256.slice(0, 16)}` }
      : null,
    limits: { ...BRANDING_LIMITS, logoBytes: LOGO_MAX_BYTES, logoPixels: LOGO_MAX_PIXELS },
    updatedBy: stored.updatedBy,
    updatedAt: iso(stored.updatedAt),
  };
}
