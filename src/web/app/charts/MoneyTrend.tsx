import { formatDate, formatMoney } from '../format.ts';
import { ChartTable } from './ChartTable.tsx';
import { niceCeiling, pathOf, seriesLines } from './chart-fns.ts';

export interface MoneyLine {
  key: string;
  label: string;
  values: number[];
  /** a colour class: tone-accent, tone-waste, tone-possible */
  tone: string;
}

// wide: the chart spans a whole card, and its labels should stay near the page's text size
const BOX = { width: 900, height: 240, pad: 28 };
const LEFT = 64; // room for the money labels of the axis

/**
 * Amounts of one currency over time, several lines on one axis from zero (so a line's height
 * compares with the others'), with a legend in words and the figures in a table for screen readers.
 */
export function MoneyTrend(props: { label: string; currency: string; at: string[]; lines: MoneyLine[] }) {
  const { at, lines, currency } = props;
  const top = niceCeiling(Math.max(0, ...lines.flatMap((l) => l.values)));
  const box = { ...BOX, width: BOX.width - LEFT };
  const paths = seriesLines(
    lines.map((l) => l.values),
    top,
    box,
  );
  const y = (v: number) => BOX.height - BOX.pad - (v / top) * (BOX.height - 2 * BOX.pad);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${BOX.width} ${BOX.height}`}
        role="img"
        aria-label={props.label}
        className="chart-svg"
      >
        <title>{props.label}</title>
        {[0, top / 2, top].map((g) => (
          <g key={g} className="chart-grid">
            <line x1={LEFT} x2={BOX.width - BOX.pad} y1={y(g)} y2={y(g)} />
            <text x={LEFT - 6} y={y(g) + 4} textAnchor="end">
              {formatMoney(g, currency)}
            </text>
          </g>
        ))}
        <g transform={`translate(${LEFT} 0)`}>
          {paths.map((pts, i) => (
            <g key={lines[i]!.key} className={`chart-series ${lines[i]!.tone}`}>
              <path d={pathOf(pts)} className="chart-series-line" />
              {pts.map((p) => (
                <circle key={`${p.x}-${p.y}`} cx={p.x} cy={p.y} r={3} className="chart-series-dot" />
              ))}
            </g>
          ))}
        </g>
        {at.length > 0 && (
          <text
            x={at.length === 1 ? LEFT + box.width / 2 : LEFT + BOX.pad}
            y={BOX.height - 6}
            textAnchor={at.length === 1 ? 'middle' : 'start'}
            className="chart-axis"
          >
            {formatDate(at[0]!)}
          </text>
        )}
        {at.length > 1 && (
          <text x={BOX.width - BOX.pad} y={BOX.height - 6} textAnchor="end" className="chart-axis">
            {formatDate(at.at(-1)!)}
          </text>
        )}
      </svg>
      <ul className="chart-legend" aria-hidden="true">
        {lines.map((l) => (
          <li key={l.key} className={l.tone}>
            <span className="chart-swatch" />
            {l.label}
          </li>
        ))}
      </ul>
      <ChartTable
        head={['Date', ...lines.map((l) => l.label)]}
        rows={at.map((when, i) => ({
          key: when,
          cells: [formatDate(when), ...lines.map((l) => formatMoney(l.values[i]!, currency))],
        }))}
      />
    </figure>
  );
}
