import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { countOf, formatDateTime } from '../format.ts';
import type { Tenant } from '../types.ts';
import { Async, Empty, Field } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { AREAS, KINDS, kindInfo, kindLabel } from './kind-fns.ts';
import type { RuleForm } from './standard-form-fns.ts';
import {
  applyPick,
  emptyWords,
  groupSettings,
  PICK_PAGE,
  type PickTarget,
  pickedWords,
  rangeWords,
  type SettingsPage,
  settingsUrl,
  type TenantSetting,
  valueText,
} from './standard-picker-fns.ts';

/**
 * "Take values from a tenant", inside one rule of the standard editor: choose a tenant, browse
 * or search its current settings grouped by kind, and use one as a new row (equals its current
 * value) or to fill an existing row. Searching runs on Enter or the button, never on each key.
 */
export function StandardSettingsPicker({
  rule,
  ruleNumber,
  tenantId,
  onTenant,
  onPick,
  onClose,
}: {
  rule: RuleForm;
  ruleNumber: number;
  tenantId: string;
  onTenant(id: string): void;
  onPick(patch: Partial<RuleForm>): void;
  onClose(): void;
}) {
  const n = ruleNumber;
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const tenants = useApi<{ tenants: Tenant[] }>('/api/tenants');
  const [kind, setKind] = useState('');
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [target, setTarget] = useState('expect');
  const [said, setSaid] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => heading.current?.focus(), []);

  const only = tenants.data?.tenants.length === 1 ? tenants.data.tenants[0]!.id : '';
  const chosen = tenantId || only;
  const effectiveKind = rule.objectKind || kind;
  const collection = kindInfo(effectiveKind)?.cardinality === 'many';

  const search = () => {
    setQ(text);
    setOffset(0);
  };
  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    // Enter would submit the editor's form (and save the standard)
    if (e.key !== 'Enter') return;
    e.preventDefault();
    search();
  };
  const pickTarget = (): PickTarget => {
    if (target === 'where' && collection) return { to: 'where' };
    const key = Number(target.replace(/^row-/, ''));
    return target.startsWith('row-') ? { to: 'row', key } : { to: 'expect' };
  };
  const use = (s: TenantSetting) => {
    const to = pickTarget();
    const result = applyPick(rule, s, to);
    if ('error' in result) return setSaid({ text: result.error, error: true });
    onPick(result.patch);
    setSaid({ text: pickedWords(s, to, n), error: false });
    if (to.to === 'row') setTarget('expect');
  };

  return (
    <section className="picker" aria-labelledby={headingId}>
      <h3 className="rule-sub" id={headingId} ref={heading} tabIndex={-1}>
        Take values from a tenant, rule {n}
      </h3>
      <Async loaded={tenants} what="the tenants">
        {({ tenants: list }) =>
          list.length === 0 ? (
            <Empty>No tenant is connected yet: connect one to take its current values.</Empty>
          ) : (
            <div className="picker-bar">
              <Field label={`Tenant to take values from, rule ${n}`}>
                {(id) => (
                  <select
                    id={id}
                    value={chosen}
                    onChange={(e) => {
                      onTenant(e.target.value);
                      setOffset(0);
                    }}
                  >
                    {!chosen && <option value="">Choose…</option>}
                    {list.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.displayName}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              {rule.objectKind ? (
                <p className="picker-kind">
                  Settings of <strong>{kindLabel(rule.objectKind)}</strong>, the kind this rule checks.
                </p>
              ) : (
                <Field label={`Kind of setting to browse, rule ${n}`}>
                  {(id) => (
                    <select
                      id={id}
                      value={kind}
                      onChange={(e) => {
                        setKind(e.target.value);
                        setOffset(0);
                      }}
                    >
                      <option value="">Every kind</option>
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
              )}
              <Field
                label={`Search settings, rule ${n}`}
                hint="Words in the path, the object’s name or the value."
              >
                {(id, hintId) => (
                  <span className="picker-search">
                    <input
                      id={id}
                      type="search"
                      aria-describedby={hintId}
                      value={text}
                      onChange={(e) => setText(e.target.value)}
                      onKeyDown={onSearchKey}
                    />
                    <button type="button" className="btn" onClick={search}>
                      Search
                    </button>
                  </span>
                )}
              </Field>
              <Field label={`Use a setting to, rule ${n}`}>
                {(id) => (
                  <select id={id} value={target} onChange={(e) => setTarget(e.target.value)}>
                    <option value="expect">add a row to the expected settings</option>
                    {collection && <option value="where">add a condition: only objects where</option>}
                    {rule.expect.map((r, i) => (
                      <option key={r.key} value={`row-${r.key}`}>
                        fill expected row {i + 1}
                        {r.path.trim() ? ` (${r.path.trim()})` : ''}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
          )
        }
      </Async>
      <p className={said?.error ? 'error-note' : 'muted small'} role="status" aria-live="polite">
        {said?.text ?? ''}
      </p>
      {chosen && (
        <SettingsList
          url={settingsUrl(chosen, { kind: effectiveKind, q, offset })}
          query={{ kind: effectiveKind, q }}
          tenantName={tenants.data?.tenants.find((t) => t.id === chosen)?.displayName ?? 'the tenant'}
          collectionNote={collection || !effectiveKind}
          onUse={use}
          onPage={setOffset}
        />
      )}
      <div className="actions">
        <button type="button" className="btn" onClick={onClose}>
          Close, rule {n}
        </button>
      </div>
    </section>
  );
}

function SettingsList({
  url,
  query,
  tenantName,
  collectionNote,
  onUse,
  onPage,
}: {
  url: string;
  query: { kind: string; q: string };
  tenantName: string;
  collectionNote: boolean;
  onUse(s: TenantSetting): void;
  onPage(offset: number): void;
}) {
  const loaded = useApi<SettingsPage>(url);
  return (
    <Async loaded={loaded} what={`${tenantName}’s settings`}>
      {(page) => (
        <div className="picker-results" aria-busy={loaded.loading}>
          <p className="muted small">
            {rangeWords(page)}, as read {formatDateTime(page.collectedAt)}.
            {collectionNote &&
              ' A value taken from one object of a collection is checked on every object the rule looks at; narrow it with “only objects where”.'}
          </p>
          {page.settings.length === 0 ? (
            <Empty>{emptyWords(page, query)}</Empty>
          ) : (
            groupSettings(page.settings).map((g) => (
              <div key={g.kind} className="picker-group">
                <h4>
                  {g.label}{' '}
                  <span className="muted small">
                    (
                    {countOf(page.kinds.find((k) => k.kind === g.kind)?.matching ?? 0, 'setting', 'settings')}
                    )
                  </span>
                </h4>
                {g.objects.map((o) => (
                  <div key={o.objectId ?? g.kind} className="picker-object">
                    {o.objectId && <p className="picker-object-name">{o.objectName}</p>}
                    <ul className="picker-list">
                      {o.settings.map((s) => (
                        <li key={s.path}>
                          <code>{s.path}</code> <span className="picker-value">{valueText(s.value)}</span>{' '}
                          <button
                            type="button"
                            className="btn btn-quiet"
                            aria-label={`Use ${s.path} of ${s.objectName}`}
                            onClick={() => onUse(s)}
                          >
                            Use
                          </button>
                        </li>
                      ))}
                    </ul>
                  </div>
                ))}
              </div>
            ))
          )}
          {(page.offset > 0 || page.truncated) && (
            <div className="actions">
              <button
                type="button"
                className="btn"
                disabled={page.offset === 0}
                onClick={() => onPage(Math.max(0, page.offset - PICK_PAGE))}
              >
                Previous settings
              </button>
              <button
                type="button"
                className="btn"
                disabled={!page.truncated}
                onClick={() => onPage(page.offset + page.settings.length)}
              >
                Next settings
              </button>
            </div>
          )}
        </div>
      )}
    </Async>
  );
}
