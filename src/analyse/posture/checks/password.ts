/**
 * Password protection and smart lockout (directory setting "Password Rule Settings", template
 * 5cf42378-d67d-4f36-ba46-e8b86229381d). Without a setting object Microsoft's defaults apply:
 * lockout after 10 attempts for 60 seconds, no custom banned list, on-premises protection off.
 */
import type { CheckImpl } from '../define-check.ts';
import type { CheckContext } from '../posture-types.ts';
import type { Raw } from '../snapshot-view.ts';
import { directorySetting } from './app-policies.ts';
import { fail, notApplicable, pass } from './common.ts';

const DEFAULTS: Record<string, string> = {
  EnableBannedPasswordCheck: 'false',
  BannedPasswordList: '',
  EnableBannedPasswordCheckOnPremises: 'false',
  BannedPasswordCheckOnPremisesMode: 'Audit',
  LockoutThreshold: '10',
  LockoutDurationInSeconds: '60',
};
const PORTAL = 'Entra admin center > Protection > Authentication methods > Password protection';
const AUTOMATION = 'PATCH /groupSettings/{id} (template "Password Rule Settings"); Update-MgGroupSetting';

const value = (ctx: CheckContext, name: string) =>
  directorySetting(ctx.view.items<Raw>('groupSettings'), 'Password Rule Settings', name) ?? DEFAULTS[name]!;

function passwordCheck(
  id: string,
  names: string[],
  ok: (v: Record<string, string>) => boolean,
  rationale: string,
  onPremOnly = false,
): CheckImpl {
  return {
    id,
    rationale,
    remediation: { portal: PORTAL, automation: AUTOMATION },
    notes: "Without a Password Rule Settings object, Microsoft's defaults apply.",
    datasets: onPremOnly ? ['groupSettings', 'organization'] : ['groupSettings'],
    evaluate: (ctx) => {
      if (onPremOnly && ctx.view.items<Raw>('organization')[0]?.onPremisesSyncEnabled !== true)
        return notApplicable('The tenant does not synchronise from on-premises Active Directory.');
      const values = Object.fromEntries(names.map((n) => [n, value(ctx, n)]));
      const ev = [
        {
          type: 'directorySetting',
          id: 'Password Rule Settings',
          name: 'Password Rule Settings',
          properties: values,
        },
      ];
      const text = names.map((n) => `${n}=${values[n] || '(empty)'}`).join(', ');
      return ok(values) ? pass(text, ev) : fail(text, ev);
    },
  };
}

export const passwordChecks: CheckImpl[] = [
  passwordCheck(
    'pwd-custom-banned-list',
    ['EnableBannedPasswordCheck', 'BannedPasswordList'],
    (v) => v.EnableBannedPasswordCheck!.toLowerCase() === 'true' && v.BannedPasswordList!.trim() !== '',
    'A custom banned list stops passwords built from your company, product and place names.',
  ),
  passwordCheck(
    'pwd-onprem-protection-enabled',
    ['EnableBannedPasswordCheckOnPremises'],
    (v) => v.EnableBannedPasswordCheckOnPremises!.toLowerCase() === 'true',
    'Password protection on domain controllers applies the banned lists to on-premises password changes.',
    true,
  ),
  passwordCheck(
    'pwd-onprem-protection-enforce-mode',
    ['BannedPasswordCheckOnPremisesMode'],
    (v) => v.BannedPasswordCheckOnPremisesMode === 'Enforce',
    'Audit mode only logs weak passwords; Enforce rejects them.',
    true,
  ),
  passwordCheck(
    'pwd-lockout-threshold',
    ['LockoutThreshold'],
    (v) => Number(v.LockoutThreshold) > 0 && Number(v.LockoutThreshold) <= 10,
    'Smart lockout slows password guessing; more than 10 attempts gives attackers room.',
  ),
  passwordCheck(
    'pwd-lockout-duration',
    ['LockoutDurationInSeconds'],
    (v) => Number(v.LockoutDurationInSeconds) >= 60,
    'A lockout shorter than a minute barely slows an attacker.',
  ),
];
