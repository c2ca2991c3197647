/**
 * `tenantscope scan`: evaluates the posture ruleset over a snapshot file or a live (or emulated)
 * tenant and writes the report. No database: a live tenant's raw data stays in memory and is
 * dropped when the command ends. Progress goes to stderr so stdout can carry the report.
 *
 * Exit codes: 0 done; 1 failed (unreadable file, bad snapshot or settings, Microsoft refused);
 * 2 usage; 3 `--fail-on SEVERITY` and a failing (not accepted) check at or above it exists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { evaluatePosture } from '../../analyse/posture/evaluate.ts';
import { SEVERITIES, type Severity } from '../../analyse/posture/posture-types.ts';
import { ruleset } from '../../analyse/posture/ruleset.ts';
import { settingsFileSchema, settingsForTenant } from '../../analyse/posture/settings.ts';
import { readSnapshotFile } from '../../collect/snapshot-file.ts';
import { snapshotFromTenant } from '../../collect/snapshot-from-tenant.ts';
import type { Snapshot } from '../../collect/snapshot-types.ts';
import { formatErrorLine, isTenantscopeError, TenantscopeError } from '../../platform/errors.ts';
import { renderHtml } from '../../present/reports/html.ts';
import { renderMarkdown } from '../../present/reports/markdown.ts';
import { renderSarif } from '../../present/reports/sarif.ts';
import { buildScanReport, renderJson, type ScanReport } from '../../present/reports/scan-report.ts';
import { CONNECTION_USAGE, connectionOptions, parseConnectionFlags } from '../connection-flags.ts';
import type { CliIo } from '../io.ts';
import { progressPrinter } from './snapshot.ts';

export const SCAN_USAGE = `usage: tenantscope scan (--snapshot FILE | <connection options>) [options]
  --snapshot FILE         evaluate a snapshot file (tenantscope snapshot --out FILE)
  --format FORMAT         json (default) | html | md | sarif
  --out FILE              where to write the report (default: stdout)
  --fail-on SEVERITY      exit 3 when a check at or above SEVERITY fails (${SEVERITIES.join(' | ')});
                          accepted findings do not count
  --break-glass ID_OR_UPN a declared break-glass account (repeatable); Conditional Access checks
                          accept its exclusion, and only its
  --settings FILE         thresholds, break-glass accounts and accepted findings (JSON,
                          docs/scan-report.md "Settings file")
Without --snapshot, the connection options read the tenant live (nothing is stored):
${CONNECTION_USAGE}`;

const FORMATS = ['json', 'html', 'md', 'sarif'] as const;
type Format = (typeof FORMATS)[number];
export const EXIT_FINDINGS = 3;

const scanOptions = {
  ...connectionOptions,
  snapshot: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  'fail-on': { type: 'string' },
  'break-glass': { type: 'string', multiple: true },
  settings: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageProblem extends Error {}

export async function scanCommand(argv: string[], io: CliIo): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}`);
    io.stderr(SCAN_USAGE);
    return 2;
  }
  if (values.help) {
    io.stdout(SCAN_USAGE);
    return 0;
  }
  try {
    const format = (values.format ?? 'json') as Format;
    const failOn = values['fail-on'] as Severity | undefined;
    const settingsFile = values.settings ? readSettings(values.settings) : undefined;
    const snapshot = await loadSnapshot(values, io);
    const settings = settingsForTenant(settingsFile, snapshot.tenant.tenantId);
    settings.breakGlass.push(...(values['break-glass'] ?? []));
    const checks = ruleset();
    io.stderr(
      `Evaluating ${checks.length} checks on ${snapshot.tenant.displayName ?? snapshot.tenant.tenantId} …`,
    );
    const report = buildScanReport(evaluatePosture({ snapshot, settings, checks }), checks);
    writeReport(render(report, format), values.out, io);
    const c = report.scores.tenant.counts;
    io.stderr(
      `Score ${report.scores.tenant.score ?? '—'}: ${c.pass} pass, ${c.fail} fail, ${c.accepted} accepted, ${c.unknown} unknown, ${c.notLicensed} not licensed, ${c.manual} manual${values.out ? ` → ${values.out}` : ''}.`,
    );
    return failOn && failsAtOrAbove(report, failOn) ? EXIT_FINDINGS : 0;
  } catch (error) {
    if (error instanceof UsageProblem) {
      io.stderr(`error: ${error.message}`);
      io.stderr(SCAN_USAGE);
      return 2;
    }
    if (isTenantscopeError(error)) {
      io.stderr(formatErrorLine(error));
      return 1;
    }
    throw error;
  }
}

function parse(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: scanOptions, strict: true, allowPositionals: false });
  if (values.format !== undefined && !FORMATS.includes(values.format as Format))
    throw new Error(`--format must be one of ${FORMATS.join(', ')}`);
  if (values['fail-on'] !== undefined && !SEVERITIES.includes(values['fail-on'] as Severity))
    throw new Error(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  const live = ['tenant-id', 'client-id', 'client-secret-env', 'certificate'].some((k) => k in values);
  if (values.snapshot && live) throw new Error('give --snapshot or connection options, not both');
  if (!values.snapshot && !live && !values.help)
    throw new Error('give --snapshot FILE or the connection options');
  if (values.snapshot && values.out && path.resolve(values.snapshot) === path.resolve(values.out))
    throw new Error('--out must not be the --snapshot file');
  return values;
}

async function loadSnapshot(values: ReturnType<typeof parse>, io: CliIo): Promise<Snapshot> {
  if (values.snapshot) {
    io.stderr(`Reading snapshot ${values.snapshot} …`);
    return readSnapshotFile(values.snapshot);
  }
  const { 'break-glass': _breakGlass, ...flags } = values;
  const connection = parseConnectionFlags(flags, io.env);
  if ('error' in connection) throw new UsageProblem(connection.error);
  io.stderr(
    `Reading tenant ${connection.tenantId} from ${connection.endpoints.graphUrl} (kept in memory only) …`,
  );
  const { snapshot } = await snapshotFromTenant(connection, { onProgress: progressPrinter(io) });
  return snapshot;
}

function readSettings(file: string) {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new TenantscopeError(
      'TS_ERR_FILE_UNREADABLE',
      `cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`,
      { cause },
    );
  }
  try {
    return settingsFileSchema.parse(JSON.parse(text));
  } catch (cause) {
    const issue = cause instanceof ZodError ? cause.issues[0] : undefined;
    const where = issue?.path.length ? issue.path.join('.') : '(top level)';
    const message = issue ? `${where} ${issue.message}` : `not valid JSON (${(cause as Error).message})`;
    throw new TenantscopeError('TS_ERR_POSTURE_SETTINGS_INVALID', `${file}: ${message}`, { cause });
  }
}

function render(report: ScanReport, format: Format): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'md':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
    case 'sarif':
      return renderSarif(report, packageVersion());
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    return String(pkg.version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

function writeReport(text: string, out: string | undefined, io: CliIo): void {
  if (!out) {
    io.stdout(text);
    return;
  }
  try {
    fs.writeFileSync(out, text, { encoding: 'utf8', mode: 0o600 });
  } catch (cause) {
    throw new TenantscopeError(
      'TS_ERR_FILE_UNREADABLE',
      `cannot write ${out}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`,
      { cause },
    );
  }
}

/** Severity order: critical ≥ high ≥ medium ≥ low ≥ info. */
export function failsAtOrAbove(report: ScanReport, threshold: Severity): boolean {
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return report.results.some((r) => r.state === 'fail' && rank(r.severity) <= rank(threshold));
}
