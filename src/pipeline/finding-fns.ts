/**
 * The lifecycle of one stored finding, as a pure function: the row as it was, the new result,
 * the collection time of the snapshot → the row as it should be, and whether the state changed.
 *
 * An episode opens when a check fails (or fails but is accepted): `first_seen_at` is that
 * snapshot's time. Each later failing snapshot moves `last_seen_at`. A pass or notApplicable
 * closes it (`resolved_at`); failing again later opens a new episode. A result that cannot tell
 * (unknown, notLicensed, manual) leaves the episode as it was: a failed read never resolves a
 * finding (never a false pass).
 */
import type { FindingState } from '../storage/schema.ts';

export interface Episode {
  state: FindingState;
  firstSeenAt: Date | null;
  lastSeenAt: Date | null;
  resolvedAt: Date | null;
}

const OPEN_STATES: ReadonlySet<FindingState> = new Set(['fail', 'accepted']);
const CLOSING_STATES: ReadonlySet<FindingState> = new Set(['pass', 'notApplicable', 'retired']);

export const isFailing = (state: FindingState): boolean => OPEN_STATES.has(state);

/** Open: it failed once and nothing since proved it fixed. */
export const isOpen = (e: Pick<Episode, 'firstSeenAt' | 'resolvedAt'>): boolean =>
  e.firstSeenAt !== null && e.resolvedAt === null;

export function nextEpisode(
  previous: Episode | undefined,
  state: FindingState,
  at: Date,
): { episode: Episode; changed: boolean } {
  const was = previous ?? { state, firstSeenAt: null, lastSeenAt: null, resolvedAt: null };
  const changed = previous === undefined || previous.state !== state;
  if (isFailing(state)) {
    const continuing = isOpen(was);
    return {
      episode: {
        state,
        firstSeenAt: continuing ? was.firstSeenAt : at,
        lastSeenAt: at,
        resolvedAt: null,
      },
      changed,
    };
  }
  if (CLOSING_STATES.has(state) && isOpen(was)) {
    return { episode: { ...was, state, resolvedAt: at }, changed };
  }
  return { episode: { ...was, state }, changed };
}
