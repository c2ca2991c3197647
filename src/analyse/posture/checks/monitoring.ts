/** Identity Protection: risky users left untriaged (Entra ID P2). */
import type { CheckImpl } from '../define-check.ts';
import type { Raw } from '../snapshot-view.ts';
import { noneMayFail } from './common.ts';

export const monitoringChecks: CheckImpl[] = [
  {
    id: 'idp-risky-users-triaged',
    rationale: 'A user at high risk is probably compromised; leaving them untriaged leaves the attacker in.',
    remediation: {
      portal: 'Entra admin center > Protection > Identity Protection > Risky users',
      automation: 'POST /identityProtection/riskyUsers/confirmCompromised or /dismiss after investigation',
    },
    datasets: ['riskyUsers'],
    evaluate: ({ view }) =>
      noneMayFail(
        view
          .items<Raw & { id: string }>('riskyUsers')
          .filter((u) => u.riskState === 'atRisk' && u.riskLevel === 'high')
          .map((u) => ({
            type: 'user',
            id: u.id,
            name: String(u.userPrincipalName ?? u.userDisplayName ?? u.id),
            properties: {
              riskLevel: u.riskLevel,
              riskState: u.riskState,
              riskLastUpdatedDateTime: u.riskLastUpdatedDateTime,
            },
          })),
        'users are at high risk and not remediated',
        'No user is at high risk.',
      ),
  },
];
