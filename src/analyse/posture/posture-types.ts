/**
 * The posture ruleset's types: a check is data (what it is, why, how to fix, what it reads) plus a
 * pure function from a snapshot view and settings to an outcome. See README.md for the invariants.
 */

import type { PostureSettings } from './settings.ts';
import type { SnapshotView } from './snapshot-view.ts';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const AREAS = [
  'tenant',
  'identity',
  'conditionalAccess',
  'rolesPim',
  'appsConsent',
  'authMethods',
  'guests',
  'groups',
  'sharing',
  'teams',
  'licences',
] as const;
export type Area = (typeof AREAS)[number];

/** Entra ID plan a check needs; P2 includes P1. */
export type Licence = 'Free' | 'P1' | 'P2';

/**
 * `accepted` is a `fail` covered by an unexpired accepted finding: still reported, with who
 * accepted it and why, but not counted in the score.
 */
export const RESULT_STATES = [
  'pass',
  'fail',
  'accepted',
  'notApplicable',
  'notLicensed',
  'unknown',
  'manual',
] as const;
export type ResultState = (typeof RESULT_STATES)[number];

/** One failing object: what it is, by id and name, and the property values that make it fail. */
export interface Evidence {
  type: string;
  id: string;
  name?: string;
  properties?: Record<string, unknown>;
}

/** What a check function returns. */
export interface CheckOutcome {
  state: 'pass' | 'fail' | 'notApplicable' | 'manual';
  /** one sentence for people: what was found */
  summary: string;
  /** failing objects (fail), or what was counted (pass) */
  evidence?: Evidence[];
}

export interface Remediation {
  /** where an admin clicks, e.g. "Entra admin center > Protection > Conditional Access" */
  portal: string;
  /** the Graph request or PowerShell command that changes it (we never run it: we are read-only) */
  automation: string;
}

export interface Frameworks {
  /** CIS Microsoft 365 Foundations Benchmark v7 recommendation ids (ids only: CIS text is licensed) */
  cis: string[];
  /** CISA SCuBA policy ids, e.g. `MS.AAD.3.2v2` */
  scuba: string[];
  /** Maester test ids (MT.*, EIDSCA.*, CIS.M365.*, CISA.MS.*) */
  maester: string[];
}

/** A check's description: everything but the logic. Stable ids come from the merged catalogue. */
export interface CheckMeta {
  id: string;
  title: string;
  area: Area;
  severity: Severity;
  rationale: string;
  remediation: Remediation;
  references: string[];
  /** snapshot datasets the check reads; a dataset that is not `ok` makes the result unknown */
  datasets: string[];
  /**
   * datasets read when present: `notLicensed` reads as empty (the feature needs that licence, so
   * nothing can exist there); `error`/`forbidden` still make the result unknown
   */
  optionalDatasets?: string[];
  /** read-only Graph permissions behind those datasets */
  permissions: string[];
  minLicence: Licence;
  frameworks: Frameworks;
  /** `automated`: evaluated from the snapshot; `manual`: Graph cannot read it read-only */
  mode: 'automated' | 'manual';
  /** documented choices (thresholds, where anchors disagree) */
  notes?: string;
}

/** Declared break-glass accounts, resolved to object ids by the evaluator. */
export interface BreakGlass {
  ids: ReadonlySet<string>;
  /** UPNs that could not be resolved because `users` was not readable */
  unresolved: readonly string[];
}

export interface CheckContext {
  view: SnapshotView;
  settings: PostureSettings;
  breakGlass: BreakGlass;
}

export interface Check extends CheckMeta {
  evaluate: (ctx: CheckContext) => CheckOutcome;
}

export interface AcceptedFinding {
  checkId: string;
  reason: string;
  acceptedBy: string;
  /** ISO 8601; after it the finding fails again */
  expiresAt: string;
}

export interface CheckResult {
  checkId: string;
  title: string;
  area: Area;
  severity: Severity;
  state: ResultState;
  summary: string;
  /** why the check was not evaluated (notApplicable, notLicensed, unknown, manual) */
  reason?: string;
  /** at most `maxEvidence` items; `evidenceTotal` says how many there were */
  evidence: Evidence[];
  evidenceTotal: number;
  /** the acceptance covering this finding; `expired: true` when it no longer covers it */
  acceptance?: AcceptedFinding & { expired: boolean };
  frameworks: Frameworks;
}
