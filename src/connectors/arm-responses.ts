import type { HttpResponse } from './http.ts';
import { stripQuery } from './http.ts';
import { classifyResponse, MicrosoftError } from './microsoft-error.ts';

/** Reading ARM answers: Cost Management rows, failures with Microsoft's message, quota headers. */

/** One query row as `{ column name: value }`. */
export type CostRow = Record<string, unknown>;

/**
 * Query rows are positional and their order differs between sources (§1.3: aggregations, date,
 * groupings, Currency in practice; groupings first in the SPEC example), so every row becomes an
 * object keyed by its column's name, never read by position.
 */
export function rowsToObjects(columns: { name: string }[], rows: unknown[], where = ''): CostRow[] {
  const names = columns.map((c) => c.name);
  if (names.some((n) => typeof n !== 'string') || new Set(names).size !== names.length)
    throw new MicrosoftError('rejected', `Cost Management returned unnamed or repeated columns ${at(where)}`);
  return rows.map((row) => {
    if (!Array.isArray(row) || row.length !== names.length)
      throw new MicrosoftError(
        'rejected',
        `Cost Management returned a row that does not match its ${names.length} columns ${at(where)}`,
      );
    const out: CostRow = {};
    names.forEach((name, i) => {
      out[name] = row[i];
    });
    return out;
  });
}

/**
 * `classifyResponse` with Microsoft's own message appended: for ARM it names what is missing
 * ("does not have authorization to perform action 'Microsoft.CostManagement/query/action'…",
 * "Cost Management supports only Enterprise Agreement, Web direct and Microsoft Customer
 * Agreement offer types…", §1.1), which is what an admin needs to act.
 */
export function armFailure(res: HttpResponse, url: string, now?: number): MicrosoftError {
  const failure = classifyResponse(res, url, now);
  if (failure.kind === 'throttled' && failure.details.retryAfterMs === undefined) {
    // Resource Graph may say when its window resets instead of sending Retry-After (§3).
    const resets = hms(res.headers['x-ms-user-quota-resets-after']);
    if (resets !== undefined)
      return new MicrosoftError(failure.kind, failure.message, { ...failure.details, retryAfterMs: resets });
  }
  const text = microsoftMessage(res.body);
  if (!text || failure.retryable) return failure;
  return new MicrosoftError(failure.kind, `${failure.message}: ${text}`, failure.details);
}

function microsoftMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown }; message?: unknown };
    const message = parsed.error?.message ?? parsed.message;
    return typeof message === 'string' && message.trim() ? message.trim().slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}

/** `hh:mm:ss` (Resource Graph's `x-ms-user-quota-resets-after`) in milliseconds. */
export function hms(value: string | undefined): number | undefined {
  const m = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value?.trim() ?? '');
  return m ? Math.ceil((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000) : undefined;
}

const at = (where: string) => (where ? `at ${stripQuery(where)}` : '');
