/**
 * Data-subject rights: the types shared by export and erasure. "One person" is a user of a
 * customer tenant (an employee in the Microsoft tenant), not a member of a Tenantscope workspace.
 */

/** Everything that names the person: lower-cased, de-duplicated. */
export interface Subject {
  /** Entra object ids (one, in practice) */
  objectIds: string[];
  /** UPNs and mail addresses the person had in any stored snapshot */
  addresses: string[];
  /** display names the person had; matched only where a field is known to hold a name */
  names: string[];
}

/**
 * Decides whether a value names the person. Identifiers are compared whole and case-insensitively;
 * inside longer text they are found as tokens (GUIDs and address-shaped words, subject-match.ts).
 */
export interface Matcher {
  /** an id or an address, compared whole */
  is(value: string): boolean;
  /** the text with each token that `is` names replaced; the very same string when none does */
  replaceIn(text: string, ph: Placeholders): string;
  /** whether the text contains one of the person's display names (plain matchers only) */
  mentionsName(text: string): boolean;
  /** free text (a note someone typed) with the person's display names replaced too */
  replaceNames(text: string, replacement: string): string;
}

/** What stands in for a removed reference, so the object around it keeps its shape and counts. */
export interface Placeholders {
  id: string;
  address: string;
  name: string;
  ip: string;
}

/** The fixed placeholder of an erased person: the same for everyone, so nothing links two erasures. */
export const ERASED: Placeholders = {
  id: 'erased-person',
  address: 'erased-person@erased.invalid',
  name: 'Erased person',
  ip: '0.0.0.0',
};

/** In an export, anyone but the person (another user in a group list, an audit target…). */
export const OTHER: Placeholders = {
  id: 'another-person',
  address: 'another-person@redacted.invalid',
  name: 'Another person',
  ip: '0.0.0.0',
};

/** How one snapshot item stands to the person. */
export type ItemRelation = 'self' | 'mention' | 'none';

/**
 * What an erasure changed, by place. Every key is a count; a second erasure of the same person
 * answers zero everywhere but `snapshotsScanned`.
 */
export interface EraseCounts {
  /** complete snapshots of the tenant read */
  snapshotsScanned: number;
  /** snapshots that held the person (at least one chunk rewritten) */
  snapshotsChanged: number;
  /** objects that were the person, or their own records (sign-ins, usage rows), removed */
  snapshotItemsRemoved: number;
  /** objects that named the person (a group's member list, an audit record), now with the placeholder */
  snapshotItemsChanged: number;
  /** finding evidence items about the person, removed */
  evidenceItemsRemoved: number;
  /** findings whose evidence or summary changed */
  findingsChanged: number;
  /** drift events about the person, deleted */
  driftEventsDeleted: number;
  /** drift events the person made (attribution), now attributed to the placeholder */
  driftEventsChanged: number;
  /** events about the person removed from stored baseline comparisons */
  baselineEventsRemoved: number;
  baselineComparisonsChanged: number;
  standardResultsChanged: number;
  alertDeliveriesChanged: number;
  emailsChanged: number;
  /** addresses of the person removed from alert rules' email recipients */
  alertRecipientsRemoved: number;
  /** entries of the tenant's break-glass list that named the person, removed */
  breakGlassRemoved: number;
  /** the delegated ARM sign-in was made by the person: its "signed in as" is cleared */
  armSignInCleared: number;
  /** free-text notes naming the person (acceptance reasons, triage notes, baseline notes) */
  notesChanged: number;
  notificationsChanged: number;
}

export const emptyCounts = (): EraseCounts => ({
  snapshotsScanned: 0,
  snapshotsChanged: 0,
  snapshotItemsRemoved: 0,
  snapshotItemsChanged: 0,
  evidenceItemsRemoved: 0,
  findingsChanged: 0,
  driftEventsDeleted: 0,
  driftEventsChanged: 0,
  baselineEventsRemoved: 0,
  baselineComparisonsChanged: 0,
  standardResultsChanged: 0,
  alertDeliveriesChanged: 0,
  emailsChanged: 0,
  alertRecipientsRemoved: 0,
  breakGlassRemoved: 0,
  armSignInCleared: 0,
  notesChanged: 0,
  notificationsChanged: 0,
});

/** The export's format name; a change that breaks readers gets a new version. */
export const PERSON_EXPORT_FORMAT = 'tenantscope.person-export/v1';

/** Said with every erasure: what Tenantscope can and cannot do about the person's account. */
export const ERASURE_NOTICE =
  "Tenantscope keeps a hashed erasure record for this tenant, so later syncs drop this person before storing anything. Their account in Microsoft Entra is not touched (Tenantscope is read-only): removing it there is the tenant's administrators' decision.";
