import { barFractions, stackShares } from './chart-fns.ts';

export interface Bar {
  key: string;
  label: string;
  value: number;
  /** the value as people read it (money, a count) */
  display: string;
  /** a colour class: severity-critical, tone-waste, … */
  tone?: string;
}

/**
 * Horizontal bars, one row each: the label and the value are real text (readable without
 * hovering, and by screen readers); the bar itself is a drawing beside them.
 */
export function Bars({ bars, label }: { bars: Bar[]; label: string }) {
  const fractions = barFractions(bars.map((b) => b.value));
  return (
    <figure className="chart bars">
      <figcaption>{label}</figcaption>
      <ul className="bar-rows">
        {bars.map((b, i) => (
          <li key={b.key} className="bar-row">
            <span className="bar-label">{b.label}</span>
            <svg viewBox="0 0 100 10" preserveAspectRatio="none" className="bar-track" aria-hidden="true">
              <rect
                x={0}
                y={0}
                width={Math.max(fractions[i]! * 100, b.value > 0 ? 1 : 0)}
                height={10}
                rx={1.5}
                className={`bar ${b.tone ?? 'tone-accent'}`}
              />
            </svg>
            <span className="bar-value num">{b.display}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** One stacked bar (open findings by severity in a table row). */
export function Stack({ parts, label }: { parts: Bar[]; label: string }) {
  const shares = stackShares(parts.map((p) => p.value));
  return (
    <svg viewBox="0 0 100 10" preserveAspectRatio="none" className="stack" role="img" aria-label={label}>
      <title>{label}</title>
      <rect x={0} y={0} width={100} height={10} className="stack-bg" />
      {parts.map((p, i) =>
        shares[i]!.share > 0 ? (
          <rect
            key={p.key}
            x={shares[i]!.start * 100}
            y={0}
            width={shares[i]!.share * 100}
            height={10}
            className={`bar ${p.tone ?? ''}`}
          />
        ) : null,
      )}
    </svg>
  );
}
