import { type FormEvent, useEffect, useState } from 'react';
import { api, describeError } from '../api.ts';
import { formatDateTime } from '../format.ts';
import type { PriceBookDoc } from '../types.ts';
import { Async, Field, Notice } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { newRow, type Row, rowsToEntries, toRows } from './price-fns.ts';

interface PriceBookAnswer {
  book: PriceBookDoc;
  saved: boolean;
  updatedBy: string | null;
  updatedAt: string | null;
}

export function PriceBookEditor() {
  const loaded = useApi<PriceBookAnswer>('/api/price-book');
  return (
    <section className="card span-2" aria-labelledby="prices-h">
      <h2 id="prices-h">Price book</h2>
      <p className="muted small">
        What one licence costs per user per month. Microsoft publishes no prices to tenants, so waste is
        priced with this book; a SKU without a price is shown as a gap, never as zero. Changes apply from the
        next sync.
      </p>
      <Async loaded={loaded} what="the price book">
        {(answer) => <Editor answer={answer} onSaved={loaded.reload} />}
      </Async>
    </section>
  );
}

function Editor({ answer, onSaved }: { answer: PriceBookAnswer; onSaved(): void }) {
  const [currency, setCurrency] = useState(answer.book.currency);
  const [rows, setRows] = useState<Row[]>(() => toRows(answer.book.entries));
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    setCurrency(answer.book.currency);
    setRows(toRows(answer.book.entries));
  }, [answer]);
  const update = (key: number, patch: Partial<Row>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = rowsToEntries(rows);
    if ('error' in parsed) {
      setMessage({ ok: false, text: parsed.error });
      return;
    }
    try {
      // per-tenant overrides and the source note are kept as they were
      await api('PUT', '/api/price-book', {
        ...answer.book,
        currency: currency.trim().toUpperCase(),
        entries: parsed.entries,
      });
      setMessage({ ok: true, text: 'Price book saved.' });
      onSaved();
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    }
  };
  const reset = async () => {
    if (!window.confirm('Replace the whole price book with the starter list?')) return;
    try {
      await api('DELETE', '/api/price-book');
      setMessage({ ok: true, text: 'Price book reset to the starter list.' });
      onSaved();
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    }
  };

  return (
    <form onSubmit={(e) => void save(e)} className="stack-form">
      <p className="small">
        {answer.saved
          ? `Saved ${formatDateTime(answer.updatedAt)}.`
          : 'The starter list of list-price estimates (not saved yet).'}
      </p>
      <Notice note={message} />
      <Field label="Currency (ISO 4217 code)">
        {(id) => (
          <input
            id={id}
            value={currency}
            maxLength={3}
            required
            className="short mono"
            onChange={(e) => setCurrency(e.target.value)}
          />
        )}
      </Field>
      <div className="table-wrap price-table">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">Price per month</th>
              <th scope="col">Term</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.key}>
                <td>
                  <input
                    aria-label={`SKU, row ${i + 1}`}
                    value={r.sku}
                    className="mono"
                    onChange={(e) => update(r.key, { sku: e.target.value })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Price, row ${i + 1}`}
                    inputMode="decimal"
                    value={r.price}
                    className="short"
                    onChange={(e) => update(r.key, { price: e.target.value })}
                  />
                </td>
                <td>
                  <select
                    aria-label={`Term, row ${i + 1}`}
                    value={r.term}
                    onChange={(e) => update(r.key, { term: e.target.value as Row['term'] })}
                  >
                    <option value="annual">annual</option>
                    <option value="monthly">monthly</option>
                  </select>
                </td>
                <td>
                  <button
                    type="button"
                    className="btn btn-quiet"
                    onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                  >
                    Remove<span className="visually-hidden"> row {i + 1}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="actions">
        <button type="button" className="btn" onClick={() => setRows((rs) => [...rs, newRow()])}>
          Add a price
        </button>
        <button type="submit" className="btn btn-primary">
          Save price book
        </button>
        <button type="button" className="btn btn-danger" onClick={() => void reset()}>
          Reset to starter list
        </button>
      </div>
    </form>
  );
}
