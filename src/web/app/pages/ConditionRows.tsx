import { type ConditionRow, newCondition, OP_LABELS, OPS, type Op } from './standard-form-fns.ts';

/**
 * Rows of "setting path · comparison · value", the one way the standard editor and the
 * per-tenant overrides name settings. Every control has its own label (read by screen readers,
 * and by the browser test), naming the group and the row.
 */
export function ConditionRows({
  rows,
  onChange,
  label,
  addLabel = 'Add a setting',
}: {
  rows: ConditionRow[];
  onChange(rows: ConditionRow[]): void;
  /** e.g. "rule 2, expect": each control is labelled "Setting, rule 2, expect, row 1" */
  label: string;
  addLabel?: string;
}) {
  const update = (key: number, patch: Partial<ConditionRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <div className="cond-rows">
      {rows.map((r, i) => {
        const at = `${label}, row ${i + 1}`;
        return (
          <div className="cond-row" key={r.key}>
            <input
              aria-label={`Setting, ${at}`}
              className="mono"
              placeholder="e.g. defaultUserRolePermissions.allowedToCreateApps"
              value={r.path}
              onChange={(e) => update(r.key, { path: e.target.value })}
            />
            <select
              aria-label={`Comparison, ${at}`}
              value={r.op}
              onChange={(e) => {
                const op = e.target.value as Op;
                update(r.key, { op, ...(op === 'absent' ? { value: 'true' } : {}) });
              }}
            >
              {OPS.map((op) => (
                <option key={op} value={op}>
                  {OP_LABELS[op]}
                </option>
              ))}
            </select>
            {r.op === 'absent' ? (
              <select
                aria-label={`Value, ${at}`}
                value={r.value === 'false' ? 'false' : 'true'}
                onChange={(e) => update(r.key, { value: e.target.value })}
              >
                <option value="true">must not be set</option>
                <option value="false">must be set</option>
              </select>
            ) : (
              <input
                aria-label={`Value, ${at}`}
                placeholder={
                  r.op === 'equals' || r.op === 'min' || r.op === 'max' ? 'false, 3, enabled' : 'a, b, c'
                }
                value={r.value}
                onChange={(e) => update(r.key, { value: e.target.value })}
              />
            )}
            <button
              type="button"
              className="btn btn-quiet"
              aria-label={`Remove ${at}`}
              onClick={() => onChange(rows.filter((x) => x.key !== r.key))}
            >
              Remove
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="btn"
        aria-label={`${addLabel}, ${label}`}
        onClick={() => onChange([...rows, newCondition()])}
      >
        {addLabel}
      </button>
    </div>
  );
}
