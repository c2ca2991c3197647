/**
 * `tenantscope licences --snapshot FILE …`: the licence analysis of snapshot files, offline (no
 * database, no network). Several snapshots make a book (the latest of each tenant) and, for a
 * tenant given more than once, a trend.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { latestPerTenant } from '../../analyse/licences/book.ts';
import {
  analyseLicences,
  CSV_TABLES,
  type CsvTable,
  type LicenceAnalysis,
  licenceBook,
  licencesCsv,
  licencesMarkdown,
  licenceTrend,
  type PriceBookFile,
  parsePriceBook,
  parseSkuCatalogue,
  priceBookFor,
  type SkuCatalogue,
  starterPriceBook,
} from '../../analyse/licences/index.ts';
import { money } from '../../analyse/licences/licence-markdown.ts';
import { readSnapshotFile } from '../../collect/snapshot-file.ts';
import { formatErrorLine, isTenantscopeError, TenantscopeError } from '../../platform/errors.ts';
import type { CliIo } from '../io.ts';

export const LICENCES_USAGE = `tenantscope licences --snapshot FILE [--snapshot FILE …] [options]

Licence inventory, idle and disabled holders, overlaps, usage and waste in money, read from
snapshot files (tenantscope snapshot --out FILE). Nothing is sent anywhere.

  --snapshot FILE        a snapshot; repeat for several tenants (a book) or dates (a trend)
  --prices FILE          price book (tenantscope.prices/v1, docs/licences.md); default: the
                         starter list of US list-price estimates
  --sku-catalogue FILE   Microsoft's "Product names and service plan identifiers for
                         licensing" CSV, or a tenantscope.sku-catalogue/v1 JSON
  --format md|json|csv   output format (default md)
  --table NAME           with --format csv: waste (default), inventory, users or book
  --idle-days N          idle threshold for money, in days (default 90)
  --now ISO              measure ages from this instant (default: each snapshot's collectedAt)
  --out FILE             write to FILE instead of standard output`;

const options = {
  snapshot: { type: 'string', multiple: true },
  prices: { type: 'string' },
  'sku-catalogue': { type: 'string' },
  format: { type: 'string' },
  table: { type: 'string' },
  'idle-days': { type: 'string' },
  now: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Plan {
  snapshots: string[];
  prices: string | undefined;
  catalogue: string | undefined;
  format: 'md' | 'json' | 'csv';
  table: CsvTable;
  idleDays: number;
  now: Date | undefined;
  out: string | undefined;
}

class UsageProblem extends Error {}

export async function licencesCommand(argv: string[], io: CliIo): Promise<number> {
  let plan: Plan | 'help';
  try {
    plan = parsePlan(argv);
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n\n${LICENCES_USAGE}`);
    return 2;
  }
  if (plan === 'help') {
    io.stdout(LICENCES_USAGE);
    return 0;
  }
  try {
    const output = render(plan, analyseAll(plan));
    if (plan.out) writeOut(plan.out, output);
    else io.stdout(output);
    return 0;
  } catch (error) {
    if (!isTenantscopeError(error)) throw error;
    io.stderr(formatErrorLine(error));
    return 1;
  }
}

function parsePlan(argv: string[]): Plan | 'help' {
  let values: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof options; strict: true }>
  >['values'];
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageProblem((error as Error).message);
  }
  if (values.help) return 'help';
  if (!values.snapshot?.length) throw new UsageProblem('licences needs at least one --snapshot FILE');
  const format = values.format ?? 'md';
  if (format !== 'md' && format !== 'json' && format !== 'csv')
    throw new UsageProblem(`--format must be md, json or csv, got '${format}'`);
  const table = values.table ?? 'waste';
  if (!CSV_TABLES.includes(table as CsvTable))
    throw new UsageProblem(`--table must be one of ${CSV_TABLES.join(', ')}, got '${table}'`);
  if (values.table && format !== 'csv') throw new UsageProblem('--table goes with --format csv');
  const idleDays = Number(values['idle-days'] ?? 90);
  if (!Number.isInteger(idleDays) || idleDays < 1 || idleDays > 3650)
    throw new UsageProblem(
      `--idle-days must be a whole number of days from 1 to 3650, got '${values['idle-days']}'`,
    );
  const now = values.now === undefined ? undefined : new Date(values.now);
  if (now && Number.isNaN(now.getTime()))
    throw new UsageProblem(`--now must be an ISO 8601 instant, got '${values.now}'`);
  return {
    snapshots: values.snapshot,
    prices: values.prices,
    catalogue: values['sku-catalogue'],
    format,
    table: table as CsvTable,
    idleDays,
    now,
    out: values.out,
  };
}

function analyseAll(plan: Plan): LicenceAnalysis[] {
  const prices: PriceBookFile = plan.prices
    ? parsePriceBook(readText(plan.prices), plan.prices)
    : starterPriceBook();
  const catalogue: SkuCatalogue | undefined = plan.catalogue
    ? parseSkuCatalogue(readText(plan.catalogue), plan.catalogue)
    : undefined;
  // One snapshot at a time: a 100,000-user file is parsed, analysed and dropped before the next.
  return plan.snapshots.map((file) => {
    const snapshot = readSnapshotFile(file);
    return analyseLicences(snapshot, {
      prices: priceBookFor(prices, snapshot.tenant.tenantId),
      idleDays: plan.idleDays,
      ...(catalogue ? { catalogue } : {}),
      ...(plan.now ? { now: plan.now } : {}),
    });
  });
}

function render(plan: Plan, analyses: LicenceAnalysis[]): string {
  const latest = latestPerTenant(analyses);
  const book = licenceBook(latest);
  const trend = Object.fromEntries(
    Object.entries(licenceTrend(analyses)).filter(([, rows]) => rows.length > 1),
  );
  if (plan.format === 'json') return `${JSON.stringify({ book, trend, tenants: latest }, null, 2)}\n`;
  if (plan.format === 'csv') return licencesCsv(plan.table, latest, book.tenants);
  return licencesMarkdown(latest, book) + trendMarkdown(trend);
}

function trendMarkdown(trend: ReturnType<typeof licenceTrend>): string {
  const parts = Object.values(trend).map((rows) => {
    const lines = rows.map(
      (r) =>
        `| ${r.collectedAt} | ${r.purchased} | ${r.consumed} | ${money(r.spendMonthly, r.currency)} | ${money(r.wasteMonthly, r.currency)} | ${r.idle ?? 'cannot tell'} |`,
    );
    return [
      `\n## Trend: ${rows[0]!.displayName ?? rows[0]!.tenantId}\n`,
      '| snapshot | purchased | assigned | spend/month | waste/month | idle |',
      '|---|---|---|---|---|---|',
      ...lines,
    ].join('\n');
  });
  return parts.length ? `${parts.join('\n')}\n` : '';
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
