/** Named locations: trusted ranges that are too broad, and locations no policy uses. */
import type { CheckImpl } from '../define-check.ts';
import type { Raw } from '../snapshot-view.ts';
import { CA_DATASET, policies } from './ca-helpers.ts';
import { fail, named, noneMayFail, pass } from './common.ts';

interface NamedLocation extends Raw {
  id: string;
  displayName?: string;
  isTrusted?: boolean;
  ipRanges?: { cidrAddress?: string }[];
}

const remediation = {
  portal: 'Entra admin center > Protection > Conditional Access > Named locations',
  automation:
    'PATCH /identity/conditionalAccess/namedLocations/{id} (Update-MgIdentityConditionalAccessNamedLocation)',
};
const isIp = (l: Raw) => String(l['@odata.type'] ?? '').endsWith('ipNamedLocation');

/** The prefix length of a CIDR, or undefined when it is not one. */
export function prefixOf(cidr: string): { v6: boolean; prefix: number } | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!m) return undefined;
  return { v6: m[1]!.includes(':'), prefix: Number(m[2]) };
}

export const namedLocationChecks: CheckImpl[] = [
  {
    id: 'nl-trusted-location-defined',
    rationale:
      'Trusted locations let policies and Identity Protection tell your offices from the rest of the internet.',
    remediation,
    datasets: ['namedLocations'],
    evaluate: ({ view }) => {
      const trusted = view
        .items<NamedLocation>('namedLocations')
        .filter((l) => isIp(l) && l.isTrusted === true);
      return trusted.length
        ? pass(
            `${trusted.length} trusted IP locations are defined.`,
            trusted.map((l) => named('namedLocation', l)),
          )
        : fail('No IP named location is marked trusted.', [
            {
              type: 'tenant',
              id: view.tenantId,
              name: 'Named locations',
              properties: { trustedIpLocations: 0 },
            },
          ]);
    },
  },
  {
    id: 'nl-trusted-ranges-not-broad',
    rationale:
      'A trusted range like 0.0.0.0/0 or a /8 makes "trusted" mean "anywhere" and silently disables location-based controls.',
    remediation,
    notes: 'Limits: thresholds.trustedIpv4MinPrefix (default /16) and trustedIpv6MinPrefix (default /48).',
    datasets: ['namedLocations'],
    evaluate: ({ view, settings }) => {
      const t = settings.thresholds;
      const bad = view
        .items<NamedLocation>('namedLocations')
        .filter((l) => isIp(l) && l.isTrusted === true)
        .map((l) => ({
          l,
          wide: (l.ipRanges ?? [])
            .map((r) => r.cidrAddress ?? '')
            .filter((c) => {
              const p = prefixOf(c);
              return p !== undefined && p.prefix < (p.v6 ? t.trustedIpv6MinPrefix : t.trustedIpv4MinPrefix);
            }),
        }))
        .filter((x) => x.wide.length > 0);
      return noneMayFail(
        bad.map(({ l, wide }) => named('namedLocation', l, { broadRanges: wide })),
        'trusted locations contain overly broad ranges',
        'No trusted range is broader than the limit.',
      );
    },
  },
  {
    id: 'nl-unused-locations',
    rationale: 'Named locations no policy uses are clutter that hides the ones that matter.',
    remediation,
    datasets: ['namedLocations', CA_DATASET],
    evaluate: ({ view }) => {
      const used = new Set<string>();
      for (const p of policies(view))
        for (const id of [
          ...(p.conditions?.locations?.includeLocations ?? []),
          ...(p.conditions?.locations?.excludeLocations ?? []),
        ])
          used.add(id);
      return noneMayFail(
        view
          .items<NamedLocation>('namedLocations')
          .filter((l) => !used.has(l.id) && !(l.isTrusted && used.has('AllTrusted')))
          .map((l) => named('namedLocation', l)),
        'named locations are not used by any policy',
        'Every named location is used by a policy.',
      );
    },
  },
];
