import { countOf, formatDate, formatNumber } from '../format.ts';
import type { ScorePoint } from '../types.ts';
import { ChartTable } from './ChartTable.tsx';
import { pathOf, scoreSegments } from './chart-fns.ts';

const BOX = { width: 640, height: 200, pad: 28 };
const GRID = [0, 25, 50, 75, 100];

/** The posture score over time: a line per run of known scores, with the values in a table for screen readers. */
export function ScoreTrend({ points }: { points: ScorePoint[] }) {
  const scores = points.map((p) => p.score);
  const segments = scoreSegments(scores, BOX);
  const y = (v: number) => BOX.height - BOX.pad - (v / 100) * (BOX.height - 2 * BOX.pad);
  const first = points[0];
  const last = points.at(-1);
  const label = last
    ? `Posture score over ${countOf(points.length, 'analysis', 'analyses')}, now ${formatNumber(last.score)} out of 100`
    : 'No score yet';
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-label={label} className="chart-svg">
        <title>{label}</title>
        {GRID.map((g) => (
          <g key={g} className="chart-grid">
            <line x1={BOX.pad} x2={BOX.width - BOX.pad} y1={y(g)} y2={y(g)} />
            <text x={BOX.pad - 6} y={y(g) + 4} textAnchor="end">
              {g}
            </text>
          </g>
        ))}
        {segments.map((seg) => (
          <path key={`${seg[0]!.x}-${seg[0]!.y}`} d={pathOf(seg)} className="chart-line" />
        ))}
        {segments.flat().map((p) => (
          <circle key={`${p.x}-${p.y}`} cx={p.x} cy={p.y} r={3.5} className="chart-dot" />
        ))}
        {first && (
          <text x={BOX.pad} y={BOX.height - 6} className="chart-axis">
            {formatDate(first.collectedAt)}
          </text>
        )}
        {last && points.length > 1 && (
          <text x={BOX.width - BOX.pad} y={BOX.height - 6} textAnchor="end" className="chart-axis">
            {formatDate(last.collectedAt)}
          </text>
        )}
      </svg>
      <ChartTable
        head={['Collected', 'Score']}
        rows={points.map((p) => ({
          key: p.collectedAt,
          cells: [formatDate(p.collectedAt), formatNumber(p.score)],
        }))}
      />
    </figure>
  );
}
