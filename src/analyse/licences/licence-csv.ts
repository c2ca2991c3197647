/**
 * CSV export (RFC 4180: comma-separated, CRLF line ends, fields with a quote, comma or line break
 * quoted and their quotes doubled). Text cells that a spreadsheet would run as a formula (starting
 * with = + - @, tab or carriage return) get a leading apostrophe (OWASP "CSV injection"): reports
 * go to customers, and a user's display name is data we do not control.
 */
import type { BookRow } from './book.ts';
import type { LicenceAnalysis } from './licence-types.ts';

export type CsvTable = 'waste' | 'inventory' | 'users' | 'book';
export const CSV_TABLES: readonly CsvTable[] = ['waste', 'inventory', 'users', 'book'];

type Cell = string | number | boolean | null | undefined;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const out = [header.map(csvCell).join(',')];
  for (const row of rows) out.push(row.map(csvCell).join(','));
  return `${out.join('\r\n')}\r\n`;
}

export function licencesCsv(
  table: CsvTable,
  analyses: readonly LicenceAnalysis[],
  book: readonly BookRow[],
): string {
  switch (table) {
    case 'waste':
      return wasteCsv(analyses);
    case 'inventory':
      return inventoryCsv(analyses);
    case 'users':
      return usersCsv(analyses);
    case 'book':
      return bookCsv(book);
  }
}

function wasteCsv(analyses: readonly LicenceAnalysis[]): string {
  const header = ['tenantId', 'tenant', 'reason', 'possible', 'skuPartNumber', 'units', 'userPrincipalName'];
  header.push('department', 'viaGroups', 'pricePerMonth', 'term', 'monthly', 'currency');
  return toCsv(
    header,
    analyses.flatMap((a) =>
      a.waste.lines.map((l) => [
        a.tenant.tenantId,
        a.tenant.displayName,
        l.reason,
        l.possible,
        l.skuPartNumber,
        l.units,
        l.userPrincipalName,
        l.department,
        l.viaGroups.join('; '),
        l.pricePerMonth,
        l.term,
        l.monthly,
        a.waste.currency,
      ]),
    ),
  );
}

function inventoryCsv(analyses: readonly LicenceAnalysis[]): string {
  const header = ['tenantId', 'tenant', 'skuPartNumber', 'product', 'skuId', 'capabilityStatus', 'purchased'];
  header.push(
    'warning',
    'suspended',
    'consumed',
    'available',
    'overAssigned',
    'free',
    'nextLifecycleDateTime',
  );
  return toCsv(
    header,
    analyses.flatMap((a) =>
      a.inventory.map((s) => [
        a.tenant.tenantId,
        a.tenant.displayName,
        s.skuPartNumber,
        s.name,
        s.skuId,
        s.capabilityStatus,
        s.purchased,
        s.warning,
        s.suspended,
        s.consumed,
        s.available,
        s.overAssigned,
        s.free,
        s.subscriptions?.map((x) => x.nextLifecycleDateTime ?? '').join('; ') ?? null,
      ]),
    ),
  );
}

function usersCsv(analyses: readonly LicenceAnalysis[]): string {
  const header = ['tenantId', 'userPrincipalName', 'displayName', 'department', 'userType', 'accountEnabled'];
  header.push('licences', 'assignment', 'lastSignIn', 'daysSinceSignIn', 'overlapping', 'possibleKind');
  header.push('lastActivity');
  return toCsv(
    header,
    analyses.flatMap((a) =>
      a.users
        .filter((u) => u.licences.length > 0)
        .map((u) => [
          a.tenant.tenantId,
          u.userPrincipalName,
          u.displayName,
          u.department,
          u.userType,
          u.accountEnabled,
          u.licences.map((l) => l.skuPartNumber).join('; '),
          u.licences.map((l) => l.path).join('; '),
          u.signIn.state === 'seen' ? u.signIn.last : u.signIn.state,
          u.signIn.state === 'seen' ? u.signIn.daysSince : null,
          u.redundantSkuIds.length > 0,
          u.possibleSharedMailbox ? 'sharedMailbox' : u.possibleServiceAccount ? 'serviceAccount' : null,
          u.usage?.lastActivity ?? null,
        ]),
    ),
  );
}

function bookCsv(book: readonly BookRow[]): string {
  const header = Object.keys(book[0] ?? emptyBookRow()) as (keyof BookRow)[];
  return toCsv(
    header,
    book.map((r) => header.map((h) => r[h])),
  );
}

function emptyBookRow(): BookRow {
  return {
    tenantId: '',
    displayName: null,
    collectedAt: '',
    currency: '',
    purchased: 0,
    consumed: 0,
    available: 0,
    licensedUsers: 0,
    disabledWithLicences: 0,
    neverSignedIn: null,
    idle: null,
    overlapping: 0,
    spendMonthly: 0,
    wasteMonthly: 0,
    possibleWasteMonthly: 0,
    savingsAnnual: 0,
    unpricedUnits: 0,
  };
}
