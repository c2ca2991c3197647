/**
 * The ruleset: every catalogue row becomes exactly one check — implemented where the snapshot
 * holds the data, `manual` (with guidance) where it does not. Built once and cached: checks are
 * immutable data plus pure functions.
 */
import { CATALOGUE } from './catalog/catalogue.ts';
import { appPolicyChecks } from './checks/app-policies.ts';
import { appChecks } from './checks/apps.ts';
import { authMethodChecks } from './checks/auth-methods.ts';
import { caCoverageChecks } from './checks/ca-coverage.ts';
import { caHygieneChecks } from './checks/ca-hygiene.ts';
import { groupChecks } from './checks/groups.ts';
import { identityChecks } from './checks/identity.ts';
import { licenceChecks } from './checks/licences.ts';
import { manualGuidance } from './checks/manual.ts';
import { monitoringChecks } from './checks/monitoring.ts';
import { namedLocationChecks } from './checks/named-locations.ts';
import { passwordChecks } from './checks/password.ts';
import { pimChecks } from './checks/pim.ts';
import { roleChecks } from './checks/roles.ts';
import { sharingChecks } from './checks/sharing.ts';
import { tenantChecks } from './checks/tenant.ts';
import { type CheckImpl, fromImpl, fromManual } from './define-check.ts';
import type { Check } from './posture-types.ts';

export const IMPLEMENTATIONS: readonly CheckImpl[] = [
  ...tenantChecks,
  ...identityChecks,
  ...caCoverageChecks,
  ...caHygieneChecks,
  ...namedLocationChecks,
  ...roleChecks,
  ...pimChecks,
  ...authMethodChecks,
  ...passwordChecks,
  ...appPolicyChecks,
  ...appChecks,
  ...groupChecks,
  ...sharingChecks,
  ...monitoringChecks,
  ...licenceChecks,
];

let cached: readonly Check[] | undefined;

/** All checks in catalogue order. Throws at start-up if an implementation names no catalogue row. */
export function ruleset(): readonly Check[] {
  if (cached) return cached;
  const impls = new Map<string, CheckImpl>();
  for (const impl of IMPLEMENTATIONS) {
    if (impls.has(impl.id)) throw new Error(`check ${impl.id} is implemented twice`);
    impls.set(impl.id, impl);
  }
  const manual = new Map(manualGuidance.map((m) => [m.id, m]));
  const ids = new Set(CATALOGUE.map((r) => r.id));
  for (const id of [...impls.keys(), ...manual.keys()])
    if (!ids.has(id)) throw new Error(`check ${id} is not in the catalogue`);
  cached = Object.freeze(
    CATALOGUE.map((row) => {
      const impl = impls.get(row.id);
      return impl ? fromImpl(row, impl) : fromManual(row, manual.get(row.id));
    }),
  );
  return cached;
}

export const checkById = (id: string): Check | undefined => ruleset().find((c) => c.id === id);
