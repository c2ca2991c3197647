import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api.ts';
import type { RuleResult, Standard, StandardAssignment, StandardResult } from '../drift-control-types.ts';
import { formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';
import { Async, Badge } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { ConditionRows } from './ConditionRows.tsx';
import { kindLabel } from './kind-fns.ts';
import {
  actualWords,
  expectedWords,
  type OverrideMode,
  type OverrideRow,
  overrideCount,
  overridesToRows,
  rowsToOverrides,
  rulesOf,
  type Standing,
  tenantStanding,
} from './standard-fns.ts';
import { matcherRow } from './standard-form-fns.ts';

const STANDING_TONE: Record<Standing, string> = {
  deviates: 'bad',
  meets: 'ok',
  unknown: 'warn',
  notEvaluated: 'muted',
  outdated: 'warn',
};
const STANDING_LABEL: Record<Standing, string> = {
  deviates: 'deviates',
  meets: 'meets',
  unknown: 'partly checked',
  notEvaluated: 'not evaluated',
  outdated: 'older version',
};

/** One assigned tenant: how it stands, where it deviates, and its overrides. */
export function StandardTenantCard({
  standard,
  assignment,
  tenantName,
  admin,
  onChanged,
  onError,
}: {
  standard: Standard;
  assignment: StandardAssignment;
  tenantName: string;
  admin: boolean;
  onChanged(message: string): void;
  onError(message: string): void;
}) {
  const results = useApi<{ results: StandardResult[] }>(`/api/tenants/${assignment.tenantId}/standards`);
  const [editing, setEditing] = useState(false);
  const unassign = async () => {
    if (!window.confirm(`Stop applying ${standard.name} to ${tenantName}? Its overrides are dropped.`))
      return;
    try {
      await api('DELETE', `/api/standards/${standard.id}/tenants/${assignment.tenantId}`);
      onChanged(`${tenantName} no longer follows ${standard.name}.`);
    } catch (e) {
      onError(describeError(e));
    }
  };
  const headingId = `tenant-${assignment.tenantId}-h`;
  return (
    <section className="card tenant-standing" aria-labelledby={headingId}>
      <div className="section-head">
        <div>
          <h3 id={headingId}>
            <Link href={`/tenants/${assignment.tenantId}/baseline`}>{tenantName}</Link>
          </h3>
          <span className="muted small">{overrideCount(assignment.overrides)}</span>
        </div>
        {admin && (
          <span className="actions">
            <button
              type="button"
              className="btn"
              aria-expanded={editing}
              onClick={() => setEditing(!editing)}
            >
              Overrides for {tenantName}
            </button>
            <button type="button" className="btn btn-quiet" onClick={() => void unassign()}>
              Unassign {tenantName}
            </button>
          </span>
        )}
      </div>
      {editing && (
        <OverridesEditor
          standard={standard}
          assignment={assignment}
          tenantName={tenantName}
          onSaved={(text) => {
            setEditing(false);
            onChanged(text);
          }}
        />
      )}
      <Async loaded={results} what="the results">
        {({ results: list }) => (
          <StandingView standard={standard} result={list.find((r) => r.standardId === standard.id)} />
        )}
      </Async>
    </section>
  );
}

function StandingView({ standard, result }: { standard: Standard; result: StandardResult | undefined }) {
  const s = tenantStanding(standard, result);
  return (
    <>
      <p>
        <Badge tone={STANDING_TONE[s.standing]}>{STANDING_LABEL[s.standing]}</Badge> {s.words}.
        {result && (
          <span className="muted small">
            {' '}
            Evaluated {formatDateTime(result.evaluatedAt)} on the snapshot read{' '}
            {formatDateTime(result.collectedAt)}.
          </span>
        )}
      </p>
      {s.deviating.length > 0 && <DeviationTable rules={s.deviating} />}
      {result && <OtherStatuses results={result.results} />}
    </>
  );
}

function DeviationTable({ rules }: { rules: RuleResult[] }) {
  return (
    <div className="table-wrap">
      <table className="table deviations">
        <caption className="visually-hidden">Deviations</caption>
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Object</th>
            <th scope="col">Setting</th>
            <th scope="col">Expected</th>
            <th scope="col">Actual</th>
          </tr>
        </thead>
        <tbody>
          {rules.flatMap((r) =>
            r.deviations.map((d, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: deviations of one rule are positional
              <tr key={`${r.ruleId}-${i}`}>
                <th scope="row">
                  {r.title}
                  {r.overridden && <span className="muted small"> (overridden)</span>}
                </th>
                <td>
                  {d.objectName ?? kindLabel(d.objectKind)}
                  {d.objectName && d.objectName !== kindLabel(d.objectKind) && (
                    <span className="muted small"> · {kindLabel(d.objectKind)}</span>
                  )}
                </td>
                <td>{d.path ? <code>{d.path}</code> : '—'}</td>
                <td>{expectedWords(d.expected)}</td>
                <td>{actualWords(d.actual)}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}

function OtherStatuses({ results }: { results: RuleResult[] }) {
  const others = results.filter((r) => r.status === 'unknown' || r.status === 'skipped');
  if (others.length === 0) return null;
  return (
    <ul className="plain small">
      {others.map((r) => (
        <li key={r.ruleId}>
          <Badge tone={r.status === 'unknown' ? 'warn' : 'muted'}>
            {r.status === 'unknown' ? 'not checked' : 'skipped'}
          </Badge>{' '}
          {r.title}
          {r.reason && <span className="muted">: {r.reason}</span>}
        </li>
      ))}
    </ul>
  );
}

const MODES: { mode: OverrideMode; label: string }[] = [
  { mode: 'asWritten', label: 'As written' },
  { mode: 'skip', label: 'Skip for this tenant' },
  { mode: 'expect', label: 'Expect something else' },
];

function OverridesEditor({
  standard,
  assignment,
  tenantName,
  onSaved,
}: {
  standard: Standard;
  assignment: StandardAssignment;
  tenantName: string;
  onSaved(message: string): void;
}) {
  const rules = rulesOf(standard.document);
  const [rows, setRows] = useState<OverrideRow[]>(() => overridesToRows(rules, assignment.overrides));
  const [errors, setErrors] = useState<string[]>([]);
  const titleOf = (id: string) => rules.find((r) => r.id === id)?.title ?? id;
  const update = (ruleId: string, patch: Partial<OverrideRow>) =>
    setRows((rs) => rs.map((r) => (r.ruleId === ruleId ? { ...r, ...patch } : r)));
  const setMode = (row: OverrideRow, mode: OverrideMode) => {
    // "expect something else" starts from the rule's own settings, to change a value rather than retype
    const rule = rules.find((r) => r.id === row.ruleId);
    const start = Object.entries(rule?.expect ?? {})
      .map(([p, m]) => matcherRow(p, m))
      .filter((x) => x !== null);
    update(row.ruleId, { mode, ...(mode === 'expect' && row.expect.length === 0 ? { expect: start } : {}) });
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const built = rowsToOverrides(rows, titleOf);
    if ('errors' in built) return setErrors(built.errors);
    try {
      await api('PUT', `/api/standards/${standard.id}/tenants/${assignment.tenantId}`, {
        overrides: built.overrides,
      });
      onSaved(`Overrides for ${tenantName} saved. Evaluate now to see their effect.`);
    } catch (e) {
      setErrors([describeError(e)]);
    }
  };
  return (
    <form className="stack-form overrides" onSubmit={(e) => void save(e)} noValidate>
      <h4>How {tenantName} differs</h4>
      {errors.length > 0 && (
        <div className="error-note" role="alert">
          <ul>
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}
      {rows.map((row) => (
        <fieldset key={row.ruleId} className="override">
          <legend>{titleOf(row.ruleId)}</legend>
          <div className="segmented">
            {MODES.map((m) => (
              <label key={m.mode}>
                <input
                  type="radio"
                  name={`mode-${assignment.tenantId}-${row.ruleId}`}
                  checked={row.mode === m.mode}
                  onChange={() => setMode(row, m.mode)}
                />{' '}
                {m.label}
              </label>
            ))}
          </div>
          {row.mode !== 'asWritten' && (
            <label className="field">
              <span>Reason, {titleOf(row.ruleId)}</span>
              <input
                value={row.reason}
                maxLength={500}
                onChange={(e) => update(row.ruleId, { reason: e.target.value })}
              />
            </label>
          )}
          {row.mode === 'expect' && (
            <ConditionRows
              rows={row.expect}
              onChange={(expect) => update(row.ruleId, { expect })}
              label={`override of ${titleOf(row.ruleId)}`}
            />
          )}
        </fieldset>
      ))}
      <div className="actions">
        <button type="submit" className="btn btn-primary">
          Save overrides for {tenantName}
        </button>
      </div>
    </form>
  );
}
