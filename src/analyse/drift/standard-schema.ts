/**
 * The standard file (`tenantscope.standard/v1`, docs/drift.md "Standards"): a workspace-wide
 * template of expected settings applied to many tenants, with per-tenant overrides. Validated
 * with zod; every error names the JSON path of the problem.
 */
import { z } from 'zod';
import { TenantscopeError } from '../../platform/errors.ts';
import { KIND_BY_NAME } from './object-kinds.ts';
import { parsePath } from './paths.ts';

export const STANDARD_FORMAT = 'tenantscope.standard/v1';

export const isSingletonKind = (kind: string) => KIND_BY_NAME.get(kind)?.cardinality === 'one';

const json = z.json();
const oneOrMany = z.union([json, z.array(json)]);

/** Exactly one comparison per matcher, so a typo cannot silently add nothing. */
const matcher = z
  .strictObject({
    equals: json.optional(),
    oneOf: z.array(json).min(1).optional(),
    contains: oneOrMany.optional(),
    excludes: oneOrMany.optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    absent: z.boolean().optional(),
  })
  .refine((m) => Object.keys(m).length === 1, {
    message: 'must have exactly one of equals, oneOf, contains, excludes, min, max, absent',
  });
export type Matcher = z.infer<typeof matcher>;

const pathKey = z.string().refine((p) => !('error' in parsePath(p)), {
  message: 'is not a property path (a.b.c, keyed entries as a[key].b)',
});
const conditions = z.record(pathKey, matcher);
export type Conditions = z.infer<typeof conditions>;

const ruleId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'must be letters, digits, . _ -' });

const rule = z
  .strictObject({
    id: ruleId,
    title: z.string().min(1).optional(),
    severity: z.enum(['high', 'medium', 'low']).default('medium'),
    objectKind: z.string().refine((k) => KIND_BY_NAME.has(k), {
      message: `must be one of ${[...KIND_BY_NAME.keys()].join(', ')}`,
    }),
    /** one: the singleton; any: at least one object matches; all: every object (after `where`) */
    match: z.enum(['one', 'any', 'all']).optional(),
    where: conditions.optional(),
    expect: conditions.refine((c) => Object.keys(c).length > 0, { message: 'must name at least one path' }),
  })
  .superRefine((r, ctx) => {
    const singleton = isSingletonKind(r.objectKind);
    if (singleton && r.match && r.match !== 'one')
      ctx.addIssue({ code: 'custom', path: ['match'], message: `must be "one" for ${r.objectKind}` });
    if (!singleton && r.match === 'one')
      ctx.addIssue({
        code: 'custom',
        path: ['match'],
        message: `must be "any" or "all" for ${r.objectKind}`,
      });
    if (singleton && r.where)
      ctx.addIssue({ code: 'custom', path: ['where'], message: 'is only for collections' });
  });

const override = z.strictObject({
  skip: z.boolean().optional(),
  expect: conditions.optional(),
  where: conditions.optional(),
  reason: z.string().min(1, { message: 'must say why this tenant differs' }),
});
export type RuleOverride = z.infer<typeof override>;

const standard = z
  .strictObject({
    format: z.literal(STANDARD_FORMAT, { message: `must be "${STANDARD_FORMAT}"` }),
    name: z.string().min(1),
    description: z.string().optional(),
    rules: z.array(rule).min(1),
    /** tenant id → rule id → override */
    overrides: z.record(z.string(), z.record(z.string(), override)).default({}),
  })
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    s.rules.forEach((r, i) => {
      if (ids.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: 'is used twice' });
      ids.add(r.id);
    });
    for (const [tenant, rules] of Object.entries(s.overrides)) {
      for (const id of Object.keys(rules)) {
        if (!ids.has(id))
          ctx.addIssue({
            code: 'custom',
            path: ['overrides', tenant, id],
            message: 'names no rule of this standard',
          });
      }
    }
  });

export type Standard = z.infer<typeof standard>;
export type StandardRule = Standard['rules'][number];

export function parseStandard(document: unknown, source = 'standard'): Standard {
  const result = standard.safeParse(document);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length
    ? issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .slice(1)
    : '(top level)';
  // a bad record key (a path) nests the refinement's own message one level down
  const nested = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
  const message = issue.code === 'invalid_type' ? `must be ${issue.expected}` : (nested ?? issue.message);
  throw new TenantscopeError('TS_ERR_STANDARD_INVALID', `${source}: ${where} ${message}`);
}

/** Parses the text of a standard file (JSON). */
export function parseStandardText(text: string, source = 'standard'): Standard {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw new TenantscopeError(
      'TS_ERR_STANDARD_INVALID',
      `${source}: not valid JSON (${(cause as Error).message})`,
      {
        cause,
      },
    );
  }
  return parseStandard(document, source);
}
