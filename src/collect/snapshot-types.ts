/**
 * The snapshot: one complete, immutable read of a tenant at a point in time. Its file form is
 * documented in docs/snapshot-format.md; analysis reads only this shape.
 */
export const SNAPSHOT_FORMAT = 'tenantscope.snapshot/v1';

/**
 * `ok`: read completely. `notLicensed`: the tenant lacks the licence (e.g. Entra ID P1) — not
 * "empty". `forbidden`: the app lacks the permission. `error`: the read failed. A dataset that is
 * not `ok` has no items, and analysis must treat it as unknown, never as empty.
 */
export type DatasetStatus = 'ok' | 'notLicensed' | 'forbidden' | 'error';

export interface DatasetResult<T = unknown> {
  status: DatasetStatus;
  collectedAt: string;
  items: T[];
  /** why the dataset is not `ok`: a stable error code and a message */
  error?: { code: string; message: string };
  /**
   * Delta datasets (`users`, `groups`): Graph's `@odata.deltaLink` from the end of this read. The
   * next sync follows it and applies only what changed. Not a secret: it grants nothing without
   * an access token. Graph keeps the state behind it for 7 days (graph-protocol.md §2.3).
   */
  deltaLink?: string;
  /**
   * The request the delta round started from (e.g. `/users/delta?$select=id,…`). The token encodes
   * the query, so a later sync follows `deltaLink` only when it would ask the very same thing.
   */
  deltaQuery?: string;
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  tenant: { tenantId: string; displayName?: string; cloud: string };
  collectedAt: string;
  completedAt: string;
  datasets: Record<string, DatasetResult>;
}

/** Relation datasets (members of each group, sharing of each site…) hold one entry per parent. */
export interface RelationItem<T = unknown> {
  parentId: string;
  items: T[];
}
