import { type ChangeEvent, type FormEvent, Fragment, useEffect, useRef, useState } from 'react';
import { api, apiBytes, describeError } from '../api.ts';
import { can, useSession } from '../session.tsx';
import { Async, Field, Notice } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import {
  BRANDING_ROWS,
  type Branding,
  type BrandingDraft,
  brandingChanges,
  draftOf,
  logoFileProblem,
  previewOf,
  textOn,
} from './branding-fns.ts';

type Note = { ok: boolean; text: string } | null;

/**
 * Settings → Branding: the name, accent colour, footer and logo on the workspace's reports, and
 * the sender name of its emails, with a live preview of a report header. Admins change it; other
 * members see it read-only.
 */
export function BrandingCard() {
  const loaded = useApi<Branding>('/api/branding');
  return (
    <section className="card span-2" aria-labelledby="branding-h">
      <h2 id="branding-h">Branding</h2>
      <Async loaded={loaded} what="the branding">
        {(branding) => <BrandingForm branding={branding} onSaved={loaded.reload} />}
      </Async>
    </section>
  );
}

function BrandingForm({ branding, onSaved }: { branding: Branding; onSaved(): void }) {
  const { role } = useSession();
  const admin = can(role, 'admin');
  const [draft, setDraft] = useState<BrandingDraft>(() => draftOf(branding));
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);
  // a saved branding replaces whatever was typed
  useEffect(() => setDraft(draftOf(branding)), [branding]);

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setNote(null);
    try {
      setNote({ ok: true, text: await action() });
      onSaved();
    } catch (e) {
      setNote({ ok: false, text: describeError(e) });
    } finally {
      setBusy(false);
    }
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    const change = brandingChanges(branding, draft);
    if ('error' in change) return setNote({ ok: false, text: change.error });
    if (Object.keys(change.changes).length === 0) return setNote({ ok: true, text: 'Nothing to change.' });
    void run(async () => {
      await api('PUT', '/api/branding', change.changes);
      return 'Branding saved.';
    });
  };
  const upload = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = ''; // choosing the same file again still uploads it
    if (!file) return;
    const problem = logoFileProblem(file, branding.limits.logoBytes);
    if (problem) return setNote({ ok: false, text: problem });
    void run(async () => {
      await apiBytes('PUT', '/api/branding/logo', file, file.type || 'application/octet-stream');
      return 'Logo uploaded.';
    });
  };
  const removeLogo = () =>
    run(async () => {
      await api('DELETE', '/api/branding/logo');
      return 'Logo removed.';
    });

  return (
    <div className="branding">
      <form noValidate onSubmit={save} className="branding-form">
        <p className="muted small">
          How your reports look, and who your emails come from.
          {!admin && ' Only an admin can change these.'}
        </p>
        <Notice note={note} />
        {BRANDING_ROWS.map((row, i) => (
          <Fragment key={row.field}>
            <TextField row={row} branding={branding} draft={draft} admin={admin} onChange={setDraft} />
            {/* the colour right after the name: the two a report header shows first */}
            {i === 0 && (
              <AccentField
                draft={draft}
                disabled={!admin}
                onChange={(accentColor) => setDraft({ ...draft, accentColor })}
              />
            )}
          </Fragment>
        ))}
        {admin && (
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              Save branding
            </button>
          </div>
        )}
        <LogoField
          branding={branding}
          admin={admin}
          busy={busy}
          onFile={upload}
          onRemove={() => void removeLogo()}
        />
      </form>
      <ReportPreview branding={branding} draft={draft} />
    </div>
  );
}

function TextField({
  row,
  branding,
  draft,
  admin,
  onChange,
}: {
  row: (typeof BRANDING_ROWS)[number];
  branding: Branding;
  draft: BrandingDraft;
  admin: boolean;
  onChange(next: BrandingDraft): void;
}) {
  return (
    <Field label={row.label} hint={row.hint}>
      {(id, hintId) => (
        <input
          id={id}
          type="text"
          maxLength={branding.limits[row.field]}
          disabled={!admin}
          aria-describedby={hintId}
          placeholder={row.field === 'displayName' ? branding.defaults.displayName : undefined}
          value={draft[row.field]}
          onChange={(e) => onChange({ ...draft, [row.field]: e.target.value })}
        />
      )}
    </Field>
  );
}

function AccentField({
  draft,
  disabled,
  onChange,
}: {
  draft: BrandingDraft;
  disabled: boolean;
  onChange(value: string): void;
}) {
  const picker = /^#[0-9a-fA-F]{6}$/.test(draft.accentColor.trim())
    ? draft.accentColor.trim().toLowerCase()
    : '#000000';
  return (
    <Field label="Accent colour" hint="The bar and headings of your reports, as #rrggbb.">
      {(id, hintId) => (
        <div className="colour-pair">
          <input
            type="color"
            aria-label="Accent colour picker"
            disabled={disabled}
            value={picker}
            onChange={(e) => onChange(e.target.value)}
          />
          <input
            id={id}
            type="text"
            className="short"
            spellCheck={false}
            disabled={disabled}
            aria-describedby={hintId}
            value={draft.accentColor}
            onChange={(e) => onChange(e.target.value)}
          />
        </div>
      )}
    </Field>
  );
}

function LogoField({
  branding,
  admin,
  busy,
  onFile,
  onRemove,
}: {
  branding: Branding;
  admin: boolean;
  busy: boolean;
  onFile(e: ChangeEvent<HTMLInputElement>): void;
  onRemove(): void;
}) {
  const { logo, limits } = branding;
  return (
    <fieldset className="logo-field">
      <legend>Logo</legend>
      {logo ? (
        <p className="small">
          <img
            className="logo-thumb"
            src={logo.url}
            alt="Current logo"
            width={logo.width}
            height={logo.height}
          />{' '}
          {logo.width} × {logo.height} px, {logo.type.replace('image/', '').toUpperCase()}
        </p>
      ) : (
        <p className="muted small">No logo yet: reports show the name alone.</p>
      )}
      {admin && (
        <div className="actions">
          <label className="btn file-btn">
            {logo ? 'Replace logo…' : 'Upload logo…'}
            <input
              type="file"
              className="visually-hidden"
              accept="image/png,image/jpeg,image/webp"
              disabled={busy}
              onChange={onFile}
            />
          </label>
          {logo && (
            <button type="button" className="btn" disabled={busy} onClick={onRemove}>
              Remove logo
            </button>
          )}
        </div>
      )}
      <p className="field-hint">
        PNG, JPEG or WebP, at most {limits.logoBytes / 1024} KB and {limits.logoPixels} × {limits.logoPixels}{' '}
        px. SVG is not accepted (it can carry scripts).
      </p>
    </fieldset>
  );
}

/**
 * A report header as it would look. The accent is a CSS custom property set through the CSSOM:
 * the CSP (`style-src 'self'`) forbids `style=""` attributes, not style changes made by our own script.
 */
function ReportPreview({ branding, draft }: { branding: Branding; draft: BrandingDraft }) {
  const preview = previewOf(branding, draft);
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.style.setProperty('--report-accent', preview.accent);
    ref.current?.style.setProperty('--report-accent-text', textOn(preview.accent));
  }, [preview.accent]);
  return (
    <figure className="report-preview" aria-label="Report preview" ref={ref}>
      <figcaption className="muted small">Preview of a report header</figcaption>
      <div className="report-sheet">
        <div className="report-head">
          {branding.logo && (
            <img className="report-logo" src={branding.logo.url} alt={`${preview.name} logo`} height={40} />
          )}
          <div>
            <div className="report-name">{preview.name}</div>
          </div>
        </div>
        <div className="report-bar">Security posture · Contoso · this month</div>
        <div className="report-lines" aria-hidden="true">
          <span />
          <span />
          <span />
        </div>
        <div className="report-foot">{preview.footer || 'No footer'}</div>
      </div>
    </figure>
  );
}
