import { beforeAll, describe, expect, test } from 'vitest';
import { evaluatePosture } from '../src/analyse/posture/evaluate.ts';
import { AREAS } from '../src/analyse/posture/posture-types.ts';
import { ruleset } from '../src/analyse/posture/ruleset.ts';
import { defaultSettings } from '../src/analyse/posture/settings.ts';
import { snapshotFromModel } from '../src/analyse/posture/testing/tenant-snapshot.ts';
import { graphDatasets } from '../src/collect/graph-datasets.ts';
import type { Snapshot } from '../src/collect/snapshot-types.ts';
import { generateTenant } from '../src/emulator/generator/index.ts';

const tenant = (profile: 'neglected' | 'typical' | 'hardened') => {
  const model = generateTenant({ users: 300, profile, seed: 'x' });
  const breakGlass = ((model.planted.notes.breakGlassAccounts as string[] | undefined) ?? []).map(String);
  return { model, snapshot: snapshotFromModel(model), settings: defaultSettings({ breakGlass }) };
};

describe('the ruleset over generated tenants', () => {
  let neglected: ReturnType<typeof tenant>;
  let hardened: ReturnType<typeof tenant>;
  beforeAll(() => {
    neglected = tenant('neglected');
    hardened = tenant('hardened');
  });

  test('every catalogue row is a check, with a unique id', () => {
    const ids = ruleset().map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(300);
    expect(ruleset().filter((c) => c.mode === 'automated').length).toBeGreaterThanOrEqual(150);
  });

  test('the neglected profile fails in every area Graph can read (Teams settings are not in Graph)', () => {
    const e = evaluatePosture(neglected);
    for (const area of AREAS.filter((a) => a !== 'teams'))
      expect(e.scores.areas[area].counts.fail, area).toBeGreaterThan(0);
    expect(e.results.filter((r) => r.state === 'unknown')).toEqual([]);
  });

  test('the neglected profile fails what the generator planted', () => {
    const byId = new Map(evaluatePosture(neglected).results.map((r) => [r.checkId, r]));
    const planted = neglected.model.planted;
    for (const id of [
      'ca-mfa-all-users',
      'ca-block-legacy-auth',
      'app-high-priv-app-permissions',
      'spo-external-sharing-restricted',
      'cop-public-groups-with-guests',
      'gst-no-privileged-roles',
      'lic-disabled-users-licensed',
    ])
      expect(byId.get(id)?.state, id).toBe('fail');
    expect(byId.get('rol-global-admin-count')?.evidenceTotal).toBe(planted.globalAdmins.length);
    expect(byId.get('lic-disabled-users-licensed')?.evidenceTotal).toBe(
      planted.disabledUsersWithLicences.length,
    );
  });

  test('the hardened profile passes nearly all it configures, and far more than neglected', () => {
    const h = evaluatePosture(hardened);
    const n = evaluatePosture(neglected);
    const ratio = (e: typeof h) =>
      e.scores.tenant.counts.pass / (e.scores.tenant.counts.pass + e.scores.tenant.counts.fail);
    // The generator's hardened tenant does not model ~50 advanced controls (device compliance,
    // PAW, auth flows, PIM notifications…), so "nearly all" is measured on what it does configure.
    expect(ratio(h)).toBeGreaterThan(0.6);
    expect(ratio(h) - ratio(n)).toBeGreaterThan(0.35);
    const byId = new Map(h.results.map((r) => [r.checkId, r.state]));
    const configured = [
      'ca-mfa-all-users',
      'ca-mfa-admins',
      'ca-block-legacy-auth',
      'ca-mfa-azure-management',
      'ca-user-risk-policy',
      'ca-signin-risk-mfa',
      'rol-global-admin-count',
      'rol-no-permanent-active-privileged',
      'rol-ga-activation-approval',
      'gst-restricted-directory-access',
      'gst-invites-restricted',
      'app-user-consent-restricted',
      'spo-external-sharing-restricted',
      'spo-sharing-domain-restriction',
      'amp-migration-complete',
      'amp-sms-voice-disabled',
      'ten-password-never-expire',
      'grp-creation-restricted',
      'cop-public-groups-with-guests',
      'lic-disabled-users-licensed',
      'mfa-breakglass-fido2',
    ];
    for (const id of configured) expect(byId.get(id), id).toBe('pass');
    expect(h.results.filter((r) => r.state === 'unknown')).toEqual([]);
  });

  test('without declaring the hardened break-glass accounts, their permanent GA assignment fails', () => {
    const h = evaluatePosture({ snapshot: hardened.snapshot, settings: defaultSettings() });
    expect(h.results.find((r) => r.checkId === 'rol-no-permanent-active-privileged')?.state).toBe('fail');
  });

  /** The snapshot with one dataset marked `error`. */
  const broken = (snapshot: Snapshot, name: string): Snapshot => ({
    ...snapshot,
    datasets: {
      ...snapshot.datasets,
      [name]: {
        status: 'error',
        collectedAt: snapshot.collectedAt,
        items: [],
        error: { code: 'TS_ERR_MS_UNAVAILABLE', message: 'injected' },
      },
    },
  });

  test.each(graphDatasets.map((d) => d.name))(
    'a snapshot with %s marked error yields unknown, never pass, for every check that reads it',
    (name) => {
      const results = evaluatePosture({
        snapshot: broken(hardened.snapshot, name),
        settings: hardened.settings,
      }).results;
      const readers = new Set(
        ruleset()
          .filter((c) => c.datasets.includes(name) || (c.optionalDatasets ?? []).includes(name))
          .map((c) => c.id),
      );
      const affected = results.filter((r) => readers.has(r.checkId));
      // A check that needs P2 on a P2 tenant must be evaluated, so every reader is unknown.
      for (const r of affected) expect(r.state, r.checkId).toBe('unknown');
      // No check reads a dataset it did not declare (the scoped view would have reported it).
      expect(results.filter((r) => /without declaring/.test(r.reason ?? ''))).toEqual([]);
    },
  );
});
