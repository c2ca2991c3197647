/**
 * The EIDSCA shape (check-catalogs.md §2.2): "this property of this singleton has this value".
 * Many tenant, sharing and authentication-method checks are one of these.
 */
import type { CheckImpl } from '../define-check.ts';
import type { CheckContext, Licence, Remediation } from '../posture-types.ts';
import type { Raw } from '../snapshot-view.ts';
import { fail, notApplicable, pass } from './common.ts';

export function valueAt(object: unknown, path: string): unknown {
  let v: unknown = object;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

export interface PropertySpec {
  id: string;
  title?: string;
  rationale: string;
  remediation: Remediation;
  references?: string[];
  minLicence?: Licence;
  notes?: string;
  dataset: string;
  /** dotted path inside the object; reported as evidence */
  property: string;
  /** a person's wording of the expected value, e.g. "false" */
  expected: string;
  ok: (value: unknown, object: Raw, ctx: CheckContext) => boolean;
  /** returns why the check does not apply (e.g. the feature is off), or undefined */
  skip?: (object: Raw, ctx: CheckContext) => string | undefined;
  /** where to find the object inside the singleton (e.g. one authentication method configuration) */
  select?: (object: Raw) => Raw | undefined;
  objectType?: string;
}

const show = (v: unknown) => (v === undefined ? 'not set' : JSON.stringify(v));

export function propertyCheck(spec: PropertySpec): CheckImpl {
  return {
    id: spec.id,
    ...(spec.title ? { title: spec.title } : {}),
    rationale: spec.rationale,
    remediation: spec.remediation,
    ...(spec.references ? { references: spec.references } : {}),
    ...(spec.minLicence ? { minLicence: spec.minLicence } : {}),
    ...(spec.notes ? { notes: spec.notes } : {}),
    datasets: [spec.dataset],
    evaluate: (ctx) => {
      const root = ctx.view.single<Raw>(spec.dataset);
      const skipped = spec.skip?.(root, ctx);
      if (skipped) return notApplicable(skipped);
      const object = spec.select ? spec.select(root) : root;
      const value = object === undefined ? undefined : valueAt(object, spec.property);
      const evidence = {
        type: spec.objectType ?? spec.dataset,
        id: String(object?.id ?? root.id ?? spec.dataset),
        name: String(object?.displayName ?? object?.id ?? spec.dataset),
        properties: { [spec.property]: value ?? null },
      };
      return spec.ok(value, object ?? {}, ctx)
        ? pass(`${spec.property} is ${show(value)}.`, [evidence])
        : fail(`${spec.property} is ${show(value)}; expected ${spec.expected}.`, [evidence]);
    },
  };
}
