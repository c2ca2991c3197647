/** Licence hygiene that is also a security signal: suspended SKUs, licensed leavers and guests, errors. */
import type { CheckImpl } from '../define-check.ts';
import type { Evidence } from '../posture-types.ts';
import type { Raw } from '../snapshot-view.ts';
import {
  daysBefore,
  lastSignIn,
  named,
  noneMayFail,
  notApplicable,
  pass,
  type User,
  userEvidence,
} from './common.ts';

interface Sku extends Raw {
  skuId: string;
  skuPartNumber?: string;
  capabilityStatus?: string;
  consumedUnits?: number;
  prepaidUnits?: { enabled?: number; warning?: number; suspended?: number };
  servicePlans?: { servicePlanId: string }[];
  appliesTo?: string;
}

/** Free self-service ("viral") and trial SKUs: not money at risk (Microsoft Learn licensing service plan reference). */
export const FREE_SKUS = new Set([
  'FLOW_FREE',
  'POWER_BI_STANDARD',
  'TEAMS_EXPLORATORY',
  'POWERAPPS_VIRAL',
  'POWERAPPS_DEV',
  'STREAM',
  'RIGHTSMANAGEMENT_ADHOC',
  'CCIBOTS_PRIVPREV_VIRAL',
  'WINDOWS_STORE',
  'MICROSOFT_BUSINESS_CENTER',
  'FORMS_PRO',
  'POWER_BI_INDIVIDUAL_USER',
  'PROJECT_MADEIRA_PREVIEW_IW_SKU',
  'MCOPSTNC',
]);
const PORTAL = 'Microsoft 365 admin center > Billing > Licenses';
const skuName = (s: Sku) => s.skuPartNumber ?? s.skuId;
const skuEvidence = (s: Sku, properties: Record<string, unknown>): Evidence => ({
  type: 'subscribedSku',
  id: s.skuId,
  name: skuName(s),
  properties,
});
const removeLicence = 'POST /users/{id}/assignLicense {"removeLicenses":[skuId]} (Set-MgUserLicense)';

export const licenceChecks: CheckImpl[] = [
  {
    id: 'lic-unassigned-paid-seats',
    rationale: 'Paid seats nobody holds are money spent for nothing.',
    remediation: { portal: PORTAL, automation: 'Reduce the seat count at the next renewal' },
    notes:
      'Spare seats fail above max(thresholds.unassignedSeatsMinCount, thresholds.unassignedSeatsMaxShare × purchased); free/viral SKUs are skipped.',
    datasets: ['subscribedSkus'],
    evaluate: ({ view, settings }) => {
      const t = settings.thresholds;
      return noneMayFail(
        view
          .items<Sku>('subscribedSkus')
          .filter((s) => !FREE_SKUS.has(s.skuPartNumber ?? '') && s.capabilityStatus === 'Enabled')
          .map((s) => ({
            s,
            bought: s.prepaidUnits?.enabled ?? 0,
            spare: (s.prepaidUnits?.enabled ?? 0) - (s.consumedUnits ?? 0),
          }))
          .filter((x) => x.spare > Math.max(t.unassignedSeatsMinCount, t.unassignedSeatsMaxShare * x.bought))
          .map((x) => skuEvidence(x.s, { purchased: x.bought, assigned: x.s.consumedUnits, spare: x.spare })),
        'SKUs have many unassigned paid seats',
        'No SKU has a large number of unassigned seats.',
      );
    },
  },
  {
    id: 'lic-overassigned-or-suspended',
    rationale:
      'A SKU in warning or suspended state is about to switch services off for the people who hold it.',
    remediation: { portal: PORTAL, automation: 'Renew the subscription or move users to an active SKU' },
    datasets: ['subscribedSkus'],
    evaluate: ({ view }) =>
      noneMayFail(
        view
          .items<Sku>('subscribedSkus')
          .filter(
            (s) =>
              (s.prepaidUnits?.warning ?? 0) > 0 ||
              (s.prepaidUnits?.suspended ?? 0) > 0 ||
              (s.consumedUnits ?? 0) > (s.prepaidUnits?.enabled ?? 0) + (s.prepaidUnits?.warning ?? 0),
          )
          .map((s) =>
            skuEvidence(s, {
              capabilityStatus: s.capabilityStatus,
              consumedUnits: s.consumedUnits,
              prepaidUnits: s.prepaidUnits,
            }),
          ),
        'SKUs are over-assigned, in warning or suspended',
        'Every SKU is active and within its seats.',
      ),
  },
  {
    id: 'lic-disabled-users-licensed',
    rationale: 'Disabled accounts holding licences are leavers nobody finished off-boarding.',
    remediation: {
      portal: 'Microsoft 365 admin center > Users > Active users (filter: sign-in blocked)',
      automation: removeLicence,
    },
    notes: 'Shared mailboxes and litigation holds can be intentional: accept them as findings with a reason.',
    datasets: ['users'],
    evaluate: ({ view }) =>
      noneMayFail(
        view
          .items<User>('users')
          .filter((u) => u.accountEnabled === false && (u.assignedLicenses ?? []).length > 0)
          .map((u) => userEvidence(u, { accountEnabled: false, licences: u.assignedLicenses?.length })),
        'disabled accounts hold licences',
        'No disabled account holds a licence.',
      ),
  },
  {
    id: 'lic-inactive-users-licensed',
    rationale: 'Licences on accounts nobody uses are waste, and the accounts themselves are risk.',
    remediation: { portal: 'Microsoft 365 admin center > Users > Active users', automation: removeLicence },
    datasets: ['users', 'userSignInActivity'],
    evaluate: ({ view, settings }) => {
      const limit = daysBefore(view.now, settings.thresholds.inactiveDays);
      const last = lastSignIn(view);
      return noneMayFail(
        view
          .items<User>('users')
          .filter((u) => (u.assignedLicenses ?? []).length > 0 && last.has(u.id.toLowerCase()))
          .filter((u) => (last.get(u.id.toLowerCase()) ?? 0) < limit)
          .map((u) => {
            const t = last.get(u.id.toLowerCase());
            return userEvidence(u, {
              lastSignIn: t ? new Date(t).toISOString() : null,
              licences: u.assignedLicenses?.length,
            });
          }),
        `licensed accounts have not signed in for ${settings.thresholds.inactiveDays} days`,
        'Every licensed account signed in recently.',
      );
    },
  },
  {
    id: 'lic-guests-licensed',
    rationale: 'Guests rarely need a paid licence of yours; one they hold is usually a mistake.',
    remediation: {
      portal: 'Entra admin center > Users (filter: Guest) > Licenses',
      automation: removeLicence,
    },
    datasets: ['users'],
    evaluate: ({ view }) =>
      noneMayFail(
        view
          .items<User>('users')
          .filter((u) => u.userType === 'Guest' && (u.assignedLicenses ?? []).length > 0)
          .map((u) => userEvidence(u, { licences: u.assignedLicenses?.map((l) => l.skuId) })),
        'guests hold licences',
        'No guest holds a licence.',
      ),
  },
  {
    id: 'lic-assignment-errors',
    rationale:
      'A licence in error state means the user lacks a service they are supposed to have (and may be paid for).',
    remediation: {
      portal: 'Entra admin center > Groups > (licence group) > Licenses (errors)',
      automation: 'GET /groups?$filter=hasMembersWithLicenseErrors eq true; fix conflicting plans',
    },
    datasets: ['users'],
    evaluate: ({ view }) =>
      noneMayFail(
        view
          .items<User>('users')
          .filter((u) => (u.licenseAssignmentStates ?? []).some((s) => s.state === 'Error'))
          .map((u) =>
            userEvidence(u, {
              errors: (u.licenseAssignmentStates ?? [])
                .filter((s) => s.state === 'Error')
                .map((s) => s.error),
            }),
          ),
        'users have licence assignment errors',
        'No licence assignment is in error.',
      ),
  },
  {
    id: 'lic-overlapping-skus',
    rationale:
      'Two SKUs where one contains the other (E3 with E5, P1 with EMS) pay twice for the same services.',
    remediation: {
      portal: 'Microsoft 365 admin center > Users > Active users > Licenses and apps',
      automation: removeLicence,
    },
    notes:
      'Overlap: every service plan of one assigned SKU is also in another assigned SKU (from subscribedSkus.servicePlans).',
    datasets: ['users', 'subscribedSkus'],
    evaluate: ({ view }) => {
      const plans = new Map(
        view
          .items<Sku>('subscribedSkus')
          .map((s) => [s.skuId, new Set((s.servicePlans ?? []).map((p) => p.servicePlanId))]),
      );
      const names = new Map(view.items<Sku>('subscribedSkus').map((s) => [s.skuId, skuName(s)]));
      const within = (a: string, b: string) => {
        const pa = plans.get(a);
        const pb = plans.get(b);
        return (
          pa !== undefined && pb !== undefined && pa.size > 0 && a !== b && [...pa].every((p) => pb.has(p))
        );
      };
      const bad = view.items<User>('users').flatMap((u) => {
        const skus = (u.assignedLicenses ?? []).map((l) => l.skuId);
        const pairs = skus.flatMap((a) =>
          skus.filter((b) => within(a, b)).map((b) => `${names.get(a)} ⊂ ${names.get(b)}`),
        );
        return pairs.length ? [userEvidence(u, { overlaps: pairs })] : [];
      });
      return noneMayFail(bad, 'users hold overlapping SKUs', 'No user holds overlapping SKUs.');
    },
  },
  {
    id: 'lic-free-viral-skus',
    rationale: 'Self-service and viral SKUs show what users signed up for on their own.',
    remediation: {
      portal: PORTAL,
      automation:
        'Update-MgPolicyAuthorizationPolicy -AllowedToSignUpEmailBasedSubscriptions:$false; MSCommerce self-service purchase settings',
    },
    datasets: ['subscribedSkus'],
    evaluate: ({ view }) => {
      const free = view.items<Sku>('subscribedSkus').filter((s) => FREE_SKUS.has(s.skuPartNumber ?? ''));
      return pass(
        `${free.length} free or viral SKUs in the tenant.`,
        free.map((s) => skuEvidence(s, { consumedUnits: s.consumedUnits })),
      );
    },
  },
  {
    id: 'lic-report-names-concealed',
    rationale:
      'With concealed names, usage reports show hashes, and licence and activity findings cannot name the user.',
    remediation: {
      portal: 'Microsoft 365 admin center > Settings > Org settings > Reports',
      automation:
        'PATCH /admin/reportSettings {"displayConcealedNames":false} (needs ReportSettings.ReadWrite.All; Tenantscope never writes)',
    },
    notes:
      'Informational: concealment is a legitimate privacy choice; it only limits per-user licence findings.',
    datasets: ['reportSettings'],
    evaluate: ({ view }) => {
      const s = view.single<Raw>('reportSettings');
      const ev = [
        named('reportSettings', { id: 'reportSettings' }, { displayConcealedNames: s.displayConcealedNames }),
      ];
      return s.displayConcealedNames === false
        ? pass('Usage reports show user names.', ev)
        : notApplicable(
            "Usage reports conceal user names (Microsoft's default, a privacy choice); per-user licence findings show hashes.",
          );
    },
  },
];
