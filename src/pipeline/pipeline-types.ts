/** Shapes shared by the analysis pipeline and its queries (see README.md for the module API). */
import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Schema } from '../storage/schema.ts';

export interface PipelineDeps {
  db: Kysely<Schema>;
  clock: Clock;
  logger: Logger;
}

/** A stored, complete snapshot of one tenant. */
export interface StoredSnapshotRef {
  workspaceId: string;
  tenantId: string;
  snapshotId: string;
}

/** A read held in memory only (minimal mode): no snapshot row exists. */
export interface InMemoryRef {
  workspaceId: string;
  tenantId: string;
}

/** Where the analysed read came from: the stored snapshot id, or null in minimal mode. */
export interface AnalysisTarget {
  workspaceId: string;
  tenantId: string;
  snapshotId: string | null;
  /** the snapshot's collectedAt: every stored date of this analysis is this instant */
  collectedAt: Date;
}

export interface AnalysisOutcome {
  runId: string;
  posture: { evaluated: number; open: number; opened: number; resolved: number; score: number | null };
  drift: { status: 'compared' | 'noPrevious' | 'minimalMode'; events: number; notCompared: number };
  licences: { currency: string; wasteMonthly: number; unpricedUnits: number };
}
