import { type KeyboardEvent, type ReactNode, useRef } from 'react';
import { choiceSummary, toggled } from './findings-fns.ts';

export interface MultiChoiceProps<T extends string> {
  /** what is chosen, e.g. "Area" */
  label: string;
  /** the closed summary's words: "Any area", "3 areas" */
  words: { any: string; many: string };
  /** the values listed now, in the order they show */
  values: readonly T[];
  /** every value, in the order a choice is kept (addresses stay stable) */
  order: readonly T[];
  chosen: readonly T[];
  valueLabel(value: T): string;
  onChange(next: T[]): void;
  /** above the list, e.g. a search box for hundreds of tenants */
  head?: ReactNode;
  /** below the list, e.g. "12 more match" */
  foot?: ReactNode;
}

/**
 * Several choices folded into a disclosure: the summary says what is chosen, the panel holds a
 * checkbox per value and "Any …" to clear them. Escape closes it and gives focus back to the
 * summary, so a keyboard user never loses their place.
 */
export function MultiChoice<T extends string>(props: MultiChoiceProps<T>) {
  const { label, words, values, order, chosen, valueLabel, onChange } = props;
  const ref = useRef<HTMLDetailsElement>(null);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !ref.current?.open) return;
    event.preventDefault();
    ref.current.open = false;
    ref.current.querySelector('summary')?.focus();
  };
  return (
    <div className="filter-field">
      <span className="filter-field-label" aria-hidden="true">
        {label}
      </span>
      <details ref={ref} className="multi-choice" onKeyDown={onKeyDown}>
        <summary>
          <span className="visually-hidden">{label}: </span>
          {choiceSummary(chosen, (v) => valueLabel(v as T), words)}
        </summary>
        <fieldset className="multi-choice-panel">
          <legend className="visually-hidden">{words.many}</legend>
          {props.head}
          <div className="multi-choice-list">
            {values.map((v) => (
              <label key={v} className="check">
                <input
                  type="checkbox"
                  checked={chosen.includes(v)}
                  onChange={() => onChange(toggled(chosen, v, order))}
                />
                {valueLabel(v)}
              </label>
            ))}
          </div>
          {props.foot}
          {chosen.length > 0 && (
            <button type="button" className="btn btn-quiet" onClick={() => onChange([])}>
              {words.any}
            </button>
          )}
        </fieldset>
      </details>
    </div>
  );
}
