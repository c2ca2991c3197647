import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, describeError } from '../api.ts';
import type { Standard } from '../drift-control-types.ts';
import { Link, navigate } from '../router.tsx';
import { Async, Field, NotFoundOr, PageHeader } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { ConditionRows } from './ConditionRows.tsx';
import { AREAS, KINDS, kindInfo } from './kind-fns.ts';
import { StandardSettingsPicker } from './StandardSettingsPicker.tsx';
import {
  documentToForm,
  emptyForm,
  formToDocument,
  newRule,
  parseDocumentText,
  type RuleForm,
  ruleForm,
  STANDARD_FORMAT,
  type StandardForm,
} from './standard-form-fns.ts';
import { RULE_TEMPLATES } from './standard-templates.ts';

/** `/standards/new` and `/standards/:id/edit` (admin). */
export function StandardEditorPage({ standardId }: { standardId: string | null }) {
  const loaded = useApi<Standard>(standardId ? `/api/standards/${encodeURIComponent(standardId)}` : null);
  if (!standardId) return <Editor standard={null} initial={emptyForm()} />;
  return (
    <NotFoundOr loaded={loaded} what="such standard">
      <Async loaded={loaded} what="the standard">
        {(s) => {
          const parsed = documentToForm(s.document);
          return <Editor standard={s} initial={'form' in parsed ? parsed.form : emptyForm()} />;
        }}
      </Async>
    </NotFoundOr>
  );
}

function Editor({ standard, initial }: { standard: Standard | null; initial: StandardForm }) {
  const [form, setForm] = useState<StandardForm>(initial);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  // the tenant values are taken from, kept while moving between rules
  const [pickTenant, setPickTenant] = useState('');
  const setRule = (key: number, patch: Partial<RuleForm>) =>
    setForm((f) => ({ ...f, rules: f.rules.map((r) => (r.key === key ? { ...r, ...patch } : r)) }));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const built = formToDocument(form);
    if ('errors' in built) return setErrors(built.errors);
    setErrors([]);
    setBusy(true);
    try {
      const saved = standard
        ? await api<Standard>('PUT', `/api/standards/${standard.id}`, built.document)
        : await api<Standard>('POST', '/api/standards', built.document);
      navigate(`/standards/${saved.id}`);
    } catch (e) {
      setErrors([describeError(e)]);
      setBusy(false);
    }
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link href="/standards">Standards</Link> <span aria-hidden="true">/</span>{' '}
        <span>{standard ? standard.name : 'New standard'}</span>
      </nav>
      <PageHeader title={standard ? `Edit ${standard.name}` : 'New standard'} />
      <form className="stack-form standard-form" onSubmit={(e) => void save(e)} noValidate>
        {errors.length > 0 && (
          <div className="error-note" role="alert">
            <strong>The standard was not saved.</strong>
            <ul>
              {errors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </div>
        )}
        <section className="card">
          <Field label="Name">
            {(id) => (
              <input
                id={id}
                value={form.name}
                maxLength={200}
                onChange={(e) => setForm({ ...form, name: e.target.value })}
              />
            )}
          </Field>
          <Field label="Description (optional)">
            {(id) => (
              <input
                id={id}
                value={form.description}
                onChange={(e) => setForm({ ...form, description: e.target.value })}
              />
            )}
          </Field>
          {standard && (
            <p className="muted small">
              Saving makes version {standard.version + 1}. Tenants keep their results until the next
              evaluation.
            </p>
          )}
        </section>
        {form.rules.map((r, i) => (
          <RuleFields
            key={r.key}
            rule={r}
            index={i}
            pickTenant={pickTenant}
            onPickTenant={setPickTenant}
            onChange={(patch) => setRule(r.key, patch)}
            onRemove={() => setForm({ ...form, rules: form.rules.filter((x) => x.key !== r.key) })}
          />
        ))}
        <AddRule onAdd={(rule) => setForm({ ...form, rules: [...form.rules, rule] })} />
        <JsonEditor form={form} onApply={setForm} />
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Save standard
          </button>
          <Link className="btn" href={standard ? `/standards/${standard.id}` : '/standards'}>
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}

function RuleFields({
  rule: r,
  index,
  pickTenant,
  onPickTenant,
  onChange,
  onRemove,
}: {
  rule: RuleForm;
  index: number;
  pickTenant: string;
  onPickTenant(id: string): void;
  onChange(patch: Partial<RuleForm>): void;
  onRemove(): void;
}) {
  const n = index + 1;
  const [picking, setPicking] = useState(false);
  const takeButton = useRef<HTMLButtonElement>(null);
  const closed = useRef(false);
  // closing the picker gives the keyboard back to the button that opened it
  useEffect(() => {
    if (!picking && closed.current) takeButton.current?.focus();
  }, [picking]);
  const collection = kindInfo(r.objectKind)?.cardinality === 'many';
  return (
    <fieldset className="card rule-card">
      <legend>
        Rule {n}
        {r.title.trim() ? `: ${r.title.trim()}` : ''}
      </legend>
      <div className="rule-grid">
        <Field label={`Title, rule ${n}`}>
          {(id) => <input id={id} value={r.title} onChange={(e) => onChange({ title: e.target.value })} />}
        </Field>
        <Field
          label={`Id, rule ${n}`}
          hint="Per-tenant overrides refer to it. Made from the title when empty."
        >
          {(id, hintId) => (
            <input
              id={id}
              aria-describedby={hintId}
              className="mono"
              value={r.id}
              onChange={(e) => onChange({ id: e.target.value })}
            />
          )}
        </Field>
        <Field label={`Kind of setting, rule ${n}`}>
          {(id) => (
            <select id={id} value={r.objectKind} onChange={(e) => onChange({ objectKind: e.target.value })}>
              <option value="">Choose…</option>
              {AREAS.map((a) => (
                <optgroup key={a.key} label={a.label}>
                  {KINDS.filter((k) => k.area === a.key).map((k) => (
                    <option key={k.kind} value={k.kind}>
                      {k.label}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          )}
        </Field>
        <Field label={`Severity, rule ${n}`}>
          {(id) => (
            <select
              id={id}
              value={r.severity}
              onChange={(e) => onChange({ severity: e.target.value as RuleForm['severity'] })}
            >
              <option value="high">high</option>
              <option value="medium">medium</option>
              <option value="low">low</option>
            </select>
          )}
        </Field>
      </div>
      {collection && (
        <fieldset className="segmented rule-match">
          <legend>Which objects must match, rule {n}</legend>
          <label>
            <input
              type="radio"
              name={`match-${r.key}`}
              checked={r.match !== 'any'}
              onChange={() => onChange({ match: 'all' })}
            />{' '}
            Every one
          </label>
          <label>
            <input
              type="radio"
              name={`match-${r.key}`}
              checked={r.match === 'any'}
              onChange={() => onChange({ match: 'any' })}
            />{' '}
            At least one
          </label>
        </fieldset>
      )}
      {collection && (
        <>
          <h3 className="rule-sub">Only objects where (optional)</h3>
          <ConditionRows
            rows={r.where}
            onChange={(where) => onChange({ where })}
            label={`rule ${n}, only where`}
            addLabel="Add a condition"
          />
        </>
      )}
      <h3 className="rule-sub">Expected settings</h3>
      <ConditionRows
        rows={r.expect}
        onChange={(expect) => onChange({ expect })}
        label={`rule ${n}, expect`}
      />
      {picking ? (
        <StandardSettingsPicker
          rule={r}
          ruleNumber={n}
          tenantId={pickTenant}
          onTenant={onPickTenant}
          onPick={onChange}
          onClose={() => {
            closed.current = true;
            setPicking(false);
          }}
        />
      ) : null}
      <div className="actions">
        {!picking && (
          <button type="button" className="btn" ref={takeButton} onClick={() => setPicking(true)}>
            Take values from a tenant, rule {n}
          </button>
        )}
        <button type="button" className="btn btn-danger" onClick={onRemove}>
          Remove rule {n}
        </button>
      </div>
    </fieldset>
  );
}

function AddRule({ onAdd }: { onAdd(rule: RuleForm): void }) {
  const [template, setTemplate] = useState('');
  const add = () => {
    const t = RULE_TEMPLATES.find((x) => x.id === template);
    const form = t ? ruleForm(t, t.id) : newRule();
    if (typeof form !== 'string') onAdd(form);
    setTemplate('');
  };
  return (
    <section className="card add-rule" aria-labelledby="add-rule-h">
      <h2 id="add-rule-h">Add a rule</h2>
      <div className="actions">
        <label className="filter">
          <span>Common rule</span>
          <select value={template} onChange={(e) => setTemplate(e.target.value)}>
            <option value="">An empty rule</option>
            {RULE_TEMPLATES.map((t) => (
              <option key={t.id} value={t.id}>
                {t.title}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn" onClick={add}>
          Add rule
        </button>
      </div>
      <p className="muted small">
        Setting paths are Microsoft Graph property names as the Drift tab shows them (
        <code>conditions.users.includeUsers</code>, <code>authenticationMethodConfigurations[Sms].state</code>
        ). Values: <code>false</code>, <code>3</code>, <code>enabled</code>; lists separated by commas. Or
        take paths and values from a tenant’s current settings with “Take values from a tenant” in a rule.
      </p>
    </section>
  );
}

/** The same standard as JSON, for pasting a file (`tenantscope drift --standard`) or bulk edits. */
function JsonEditor({ form, onApply }: { form: StandardForm; onApply(form: StandardForm): void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const open = () => {
    const built = formToDocument(form);
    const empty = { format: STANDARD_FORMAT, name: form.name, rules: [] };
    setText(JSON.stringify('document' in built ? built.document : empty, null, 2));
    setError(
      'errors' in built
        ? `The form is not complete (${built.errors[0]}), so the JSON starts from an empty standard.`
        : null,
    );
  };
  const apply = () => {
    const parsed = parseDocumentText(text);
    if ('error' in parsed) return setError(parsed.error);
    setError(null);
    onApply(parsed.form);
  };
  return (
    <details className="card" onToggle={(e) => (e.currentTarget.open ? open() : undefined)}>
      <summary>Edit as JSON</summary>
      <p className="muted small">
        The <code>tenantscope.standard/v1</code> format (without <code>overrides</code>: those are set per
        tenant).
      </p>
      {error && (
        <p className="error-note" role="alert">
          {error}
        </p>
      )}
      <Field label="Standard as JSON">
        {(id) => (
          <textarea
            id={id}
            className="mono json-text"
            rows={16}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        )}
      </Field>
      <button type="button" className="btn" onClick={apply}>
        Use this JSON
      </button>
    </details>
  );
}
