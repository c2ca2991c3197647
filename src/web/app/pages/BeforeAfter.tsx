import { countOf } from '../format.ts';
import { diffLines, linesOf } from './diff-fns.ts';

/** Badge tones of drift severities (shared by the drift and baseline views). */
export const SEV_TONE = { high: 'sev-high', medium: 'sev-medium', low: 'sev-low' } as const;

/**
 * One changed value side by side, and line by line when it spans several lines: the view of a
 * drift event between syncs and of a change against the baseline.
 */
export function BeforeAfter({
  before,
  after,
  beforeLabel = 'Before',
  afterLabel = 'After',
  level = 3,
}: {
  before: unknown;
  after: unknown;
  beforeLabel?: string;
  afterLabel?: string;
  /** the heading level of the two sides, under the section that holds them */
  level?: 3 | 4;
}) {
  const Heading = level === 3 ? 'h3' : 'h4';
  const lines = diffLines(linesOf(before), linesOf(after));
  return (
    <>
      <div className="diff">
        <div className="diff-side">
          <Heading>{beforeLabel}</Heading>
          <pre className="code">{linesOf(before).join('\n') || '(absent)'}</pre>
        </div>
        <div className="diff-side">
          <Heading>{afterLabel}</Heading>
          <pre className="code">{linesOf(after).join('\n') || '(absent)'}</pre>
        </div>
      </div>
      {lines.length > 1 && (
        <details>
          <summary>
            Line by line ({countOf(lines.filter((l) => l.op !== 'same').length, 'line', 'lines')} changed)
          </summary>
          <pre className="code diff-lines">
            {lines.map((l, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
              <span key={i} className={`diff-${l.op}`}>
                {l.op === 'removed' ? '− ' : l.op === 'added' ? '+ ' : '  '}
                {l.text}
                {'\n'}
              </span>
            ))}
          </pre>
        </details>
      )}
    </>
  );
}
