import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api.ts';
import type { AlertRule } from '../drift-control-types.ts';
import type { Tenant } from '../types.ts';
import { Field } from '../ui.tsx';
import { formOf, type RuleFormState, ruleBody, SEVERITY_CHOICES, secretFrom } from './alert-fns.ts';
import { AREAS, KINDS } from './kind-fns.ts';

/** 32 random bytes from the browser's CSPRNG: the server only ever stores it sealed. */
export const generateSecret = () => secretFrom(crypto.getRandomValues(new Uint8Array(32)));

/**
 * Create or change an alert rule. A new signing secret is generated here and sent once; the
 * server seals it and never returns it, so the page shows it once after saving (`onSaved`'s
 * `secret`) and then forgets it.
 */
export function AlertRuleForm({
  rule,
  tenants,
  onSaved,
  onCancel,
}: {
  rule: AlertRule | null;
  tenants: Tenant[];
  onSaved(rule: AlertRule, secret: string | null): void;
  onCancel(): void;
}) {
  const [form, setForm] = useState<RuleFormState>(() => formOf(rule, generateSecret()));
  const [replaceSecret, setReplaceSecret] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<RuleFormState>) => setForm((f) => ({ ...f, ...patch }));
  const urlChanged = form.webhookUrl.trim() !== (rule?.webhook?.url ?? '');
  // a new address needs a new secret: the API takes both together
  const askSecret = !!form.webhookUrl.trim() && (!rule?.webhook || replaceSecret || urlChanged);

  const toggle = (list: string[], value: string) =>
    list.includes(value) ? list.filter((v) => v !== value) : [...list, value];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const secret = askSecret ? form.secret || generateSecret() : '';
    const built = ruleBody({ ...form, secret }, rule);
    if ('errors' in built) return setErrors(built.errors);
    setErrors([]);
    setBusy(true);
    try {
      const saved = rule
        ? await api<AlertRule>('PATCH', `/api/alert-rules/${rule.id}`, built.body)
        : await api<AlertRule>('POST', '/api/alert-rules', built.body);
      onSaved(saved, 'webhook' in built.body && built.body.webhook ? secret : null);
    } catch (e) {
      setErrors([describeError(e)]);
      setBusy(false);
    }
  };

  return (
    <form
      className="card stack-form alert-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-labelledby="rule-form-h"
    >
      <h2 id="rule-form-h">{rule ? `Edit “${rule.name}”` : 'New alert rule'}</h2>
      {errors.length > 0 && (
        <div className="error-note" role="alert">
          <strong>The rule was not saved.</strong>
          <ul>
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}
      <Field label="Name">
        {(id) => (
          <input id={id} value={form.name} maxLength={200} onChange={(e) => set({ name: e.target.value })} />
        )}
      </Field>
      <label className="check">
        <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} />{' '}
        Enabled
      </label>
      <Field label="Notify about" hint="New drift found by a sync and not yet triaged.">
        {(id, hintId) => (
          <select
            id={id}
            aria-describedby={hintId}
            value={form.minSeverity}
            onChange={(e) => set({ minSeverity: e.target.value as RuleFormState['minSeverity'] })}
          >
            {SEVERITY_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset className="choices">
        <legend>Kinds of settings</legend>
        <p className="field-hint">None ticked: every kind.</p>
        {AREAS.map((a) => (
          <div key={a.key} className="choice-group">
            <span className="choice-area">{a.label}</span>
            {KINDS.filter((k) => k.area === a.key).map((k) => (
              <label key={k.kind} className="check">
                <input
                  type="checkbox"
                  checked={form.objectKinds.includes(k.kind)}
                  onChange={() => set({ objectKinds: toggle(form.objectKinds, k.kind) })}
                />{' '}
                {k.label}
              </label>
            ))}
          </div>
        ))}
      </fieldset>
      <fieldset className="choices">
        <legend>Tenants</legend>
        <p className="field-hint">None ticked: every tenant, including those connected later.</p>
        {tenants.map((t) => (
          <label key={t.id} className="check">
            <input
              type="checkbox"
              checked={form.tenantIds.includes(t.id)}
              onChange={() => set({ tenantIds: toggle(form.tenantIds, t.id) })}
            />{' '}
            {t.displayName}
          </label>
        ))}
      </fieldset>
      <Field
        label="Webhook URL"
        hint="https:// (http:// only for a receiver on this machine). Each POST is signed with HMAC-SHA256: X-Tenantscope-Signature."
      >
        {(id, hintId) => (
          <input
            id={id}
            aria-describedby={hintId}
            type="url"
            value={form.webhookUrl}
            placeholder="https://hooks.example.com/tenantscope"
            onChange={(e) =>
              set({ webhookUrl: e.target.value, ...(form.secret ? {} : { secret: generateSecret() }) })
            }
          />
        )}
      </Field>
      {rule?.webhook && !urlChanged && (
        <label className="check">
          <input
            type="checkbox"
            checked={replaceSecret}
            onChange={(e) => {
              setReplaceSecret(e.target.checked);
              if (e.target.checked) set({ secret: generateSecret() });
            }}
          />{' '}
          Replace the signing secret (the stored one is never shown again)
        </label>
      )}
      {askSecret && (
        <Field
          label="Signing secret"
          hint="Generated here; paste your receiver's own instead if it has one (16 characters or more). Shown once more after saving, then never."
        >
          {(id, hintId) => (
            <span className="inline-input">
              <input
                id={id}
                aria-describedby={hintId}
                className="mono"
                autoComplete="off"
                spellCheck={false}
                value={form.secret}
                onChange={(e) => set({ secret: e.target.value })}
              />
              <button type="button" className="btn" onClick={() => set({ secret: generateSecret() })}>
                Generate
              </button>
            </span>
          )}
        </Field>
      )}
      <Field label="Email recipients" hint="Separated by commas or lines; sent through the email outbox.">
        {(id, hintId) => (
          <textarea
            id={id}
            aria-describedby={hintId}
            rows={2}
            value={form.emails}
            onChange={(e) => set({ emails: e.target.value })}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {rule ? 'Save rule' : 'Create rule'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
