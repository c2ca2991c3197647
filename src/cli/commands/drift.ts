import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { diffSnapshots } from '../../analyse/drift/diff-snapshots.ts';
import type { DriftReport, StandardReport } from '../../analyse/drift/drift-types.ts';
import { renderDriftMarkdown, renderStandardMarkdown } from '../../analyse/drift/render-markdown.ts';
import { compareToStandard } from '../../analyse/drift/standard-eval.ts';
import { parseStandardText } from '../../analyse/drift/standard-schema.ts';
import { readSnapshotFile } from '../../collect/snapshot-file.ts';
import type { Snapshot } from '../../collect/snapshot-types.ts';
import { formatErrorLine, isTenantscopeError, TenantscopeError } from '../../platform/errors.ts';
import { type CliIo, EXIT } from '../io.ts';

export const DRIFT_USAGE = `Usage: tenantscope drift --from A.json --to B.json [options]
       tenantscope drift --to B.json --standard FILE [options]

Diffs two snapshot files of one tenant (docs/snapshot-format.md) and names who made each change
from the later snapshot's directoryAudits. No database is needed.

  --from FILE       the earlier snapshot (or a pinned baseline, with --baseline)
  --to FILE         the later snapshot
  --baseline        --from is a pinned baseline rather than the previous snapshot
  --standard FILE   also compare --to with a standard (docs/drift.md, "Standards")
  --format md|json  output format (default md)
  --out FILE        write there instead of stdout
  -h, --help        this help`;

const options = {
  from: { type: 'string' },
  to: { type: 'string' },
  baseline: { type: 'boolean' },
  standard: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; strict: true }>>['values'];

/** `tenantscope drift`: the offline drift of two snapshot files, optionally against a standard. */
export async function driftCommand(argv: string[], io: CliIo): Promise<number> {
  let values: Values;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    return usage(io, (e as Error).message);
  }
  if (values.help) {
    io.stdout(DRIFT_USAGE);
    return EXIT.ok;
  }
  const format = values.format ?? 'md';
  if (format !== 'md' && format !== 'json') return usage(io, `--format must be md or json (got '${format}')`);
  if (!values.to) return usage(io, 'drift needs --to FILE');
  if (!values.from && !values.standard) return usage(io, 'drift needs --from FILE, --standard FILE, or both');
  try {
    const output = run(values, format);
    if (values.out) {
      writeOut(values.out, output.text);
      io.stderr(`Wrote ${values.out}: ${output.summary}`);
    } else {
      io.stdout(output.text);
    }
    return EXIT.ok;
  } catch (e) {
    if (!isTenantscopeError(e)) throw e;
    io.stderr(formatErrorLine(e));
    return EXIT.failed;
  }
}

function usage(io: CliIo, message: string): number {
  io.stderr(`error: ${message}`);
  io.stderr(DRIFT_USAGE);
  return EXIT.usage;
}

function run(values: Values, format: 'md' | 'json'): { text: string; summary: string } {
  const to = readSnapshotFile(values.to!);
  const from = values.from ? readSnapshotFile(values.from) : undefined;
  if (from) checkPair(from, to, values.from!, values.to!);
  const standard = values.standard
    ? parseStandardText(readText(values.standard), values.standard)
    : undefined;
  const drift: DriftReport | undefined = from
    ? diffSnapshots(from, to, { against: values.baseline ? 'baseline' : 'previous' })
    : undefined;
  const deviations: StandardReport | undefined = standard ? compareToStandard(to, standard) : undefined;
  const text =
    format === 'json'
      ? `${JSON.stringify({ ...(drift ? { drift } : {}), ...(deviations ? { standard: deviations } : {}) }, null, 2)}\n`
      : [drift && renderDriftMarkdown(drift), deviations && renderStandardMarkdown(deviations)]
          .filter(Boolean)
          .join('\n');
  const summary = [
    drift && `${drift.events.length} change(s), ${drift.notCompared.length} dataset(s) not compared`,
    deviations && `${deviations.summary.deviation} rule(s) deviate`,
  ]
    .filter(Boolean)
    .join('; ');
  return { text, summary };
}

/** Drift across two tenants, or backwards in time, would be nonsense that looks like data. */
function checkPair(from: Snapshot, to: Snapshot, fromFile: string, toFile: string): void {
  if (from.tenant.tenantId !== to.tenant.tenantId) {
    throw new TenantscopeError(
      'TS_ERR_DRIFT_SNAPSHOTS_MISMATCHED',
      `${fromFile} is of tenant ${from.tenant.tenantId} but ${toFile} is of tenant ${to.tenant.tenantId}`,
    );
  }
  if (Date.parse(from.collectedAt) > Date.parse(to.collectedAt)) {
    throw new TenantscopeError(
      'TS_ERR_DRIFT_SNAPSHOTS_MISMATCHED',
      `${fromFile} (${from.collectedAt}) is newer than ${toFile} (${to.collectedAt})`,
    );
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new TenantscopeError('TS_ERR_FILE_UNREADABLE', `cannot read ${file}: ${code}`, { cause });
  }
}

function writeOut(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text, { mode: 0o600 });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new TenantscopeError('TS_ERR_FILE_UNREADABLE', `cannot write ${file}: ${code}`, { cause });
  }
}
