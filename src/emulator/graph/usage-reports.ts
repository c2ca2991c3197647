import { createHash, randomBytes } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, Route, TenantStore } from '../contract.ts';
import { csv, graphError, redirect } from '../server/http.ts';
import { unknownSegment } from './errors.ts';
import { graphGet, type Kit, ROLES, roles } from './route-kit.ts';

/**
 * Microsoft 365 usage reports (reportroot-getoffice365activeuserdetail.md): the function answers
 * `302 Found` with `Location:` a pre-authenticated download URL valid "a few minutes"; the download
 * needs no Authorization header and serves CSV with a UTF-8 BOM and CRLF lines
 * (examples/office365ActiveUserDetail.D7.csv). With `admin/reportSettings.displayConcealedNames`
 * true, user, group and site names are replaced by opaque hex identifiers.
 */
const DOWNLOAD_PREFIX = '/_emulator-reports/download';

const HEADERS: Record<string, readonly string[]> = {
  getOffice365ActiveUserDetail: [
    'Report Refresh Date',
    'User Principal Name',
    'Display Name',
    'Is Deleted',
    'Deleted Date',
    'Has Exchange License',
    'Has OneDrive License',
    'Has SharePoint License',
    'Has Skype For Business License',
    'Has Yammer License',
    'Has Teams License',
    'Exchange Last Activity Date',
    'OneDrive Last Activity Date',
    'SharePoint Last Activity Date',
    'Skype For Business Last Activity Date',
    'Yammer Last Activity Date',
    'Teams Last Activity Date',
    'Exchange License Assign Date',
    'OneDrive License Assign Date',
    'SharePoint License Assign Date',
    'Skype For Business License Assign Date',
    'Yammer License Assign Date',
    'Teams License Assign Date',
    'Assigned Products',
  ],
};

/** Columns holding names that concealment hides (users, groups, sites, owners). */
const CONCEALED_COLUMNS = new Set([
  'User Principal Name',
  'Display Name',
  'Group Display Name',
  'Owner Principal Name',
  'Owner Display Name',
  'Site URL',
]);

const FUNCTION_PATTERN = /^(get[A-Za-z0-9]+)\((?:period='(D7|D30|D90|D180)'|date=(\d{4}-\d{2}-\d{2}))\)$/;

interface Download {
  body: string;
  expires: number;
}

export function usageReportRoutes(kit: Kit): Route[] {
  const downloads = new Map<string, Download>();
  const now = () => (kit.options.now ?? (() => new Date()))().getTime();
  const ttl = (kit.options.reportUrlTtlSeconds ?? 300) * 1000;
  const report = graphGet(
    'reports/:fn',
    {
      anyOfRoles: roles(ROLES.reports),
      throttle: (req) => ({ kind: 'usageReports', report: reportName(req.params.fn ?? '') }),
    },
    (req, store) => startDownload(req, store, downloads, now() + ttl, now()),
  );
  const download: Route = {
    method: 'GET',
    path: `${DOWNLOAD_PREFIX}/:token`,
    auth: 'none',
    handler: (req) => serveDownload(req, downloads, now()),
  };
  return [...report, download];
}

function reportName(fn: string): string {
  return FUNCTION_PATTERN.exec(fn)?.[1] ?? fn;
}

function startDownload(
  req: EmulatorRequest,
  store: TenantStore,
  downloads: Map<string, Download>,
  expires: number,
  now: number,
): EmulatorResponse {
  const fn = req.params.fn ?? '';
  const match = FUNCTION_PATTERN.exec(fn);
  const name = match?.[1];
  const rows = name ? store.model.graph.usageReports[name] : undefined;
  if (!name || (!rows && !HEADERS[name])) return unknownSegment(req, fn);
  if (!match?.[2] && !match?.[3]) return graphError(req, 400, 'BadRequest', 'Invalid period or date.');
  for (const [token, d] of downloads) if (d.expires <= now) downloads.delete(token);
  const token = randomBytes(24).toString('base64url');
  downloads.set(token, { body: renderCsv(store, name, rows ?? []), expires });
  return redirect(`${req.url.origin}${DOWNLOAD_PREFIX}/${token}`, 302, { 'request-id': req.requestId });
}

function serveDownload(
  req: EmulatorRequest,
  downloads: Map<string, Download>,
  now: number,
): EmulatorResponse {
  const entry = downloads.get(req.params.token ?? '');
  if (!entry || entry.expires <= now) {
    // Expired pre-authenticated URLs are refused; the client asks the report function again.
    return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'The download link has expired.' };
  }
  return csv(200, entry.body);
}

/** UTF-8 BOM, header row, CRLF after every line (examples/office365ActiveUserDetail.D7.csv). */
export function renderCsv(store: TenantStore, name: string, rows: readonly Record<string, string>[]): string {
  const header = HEADERS[name] ?? Object.keys(rows[0] ?? {});
  const conceal = store.model.graph.singletons['admin/reportSettings']?.displayConcealedNames === true;
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) {
    const cells = header.map((column) => {
      const value = row[column] ?? '';
      return csvField(conceal && CONCEALED_COLUMNS.has(column) && value ? concealed(store, value) : value);
    });
    lines.push(cells.join(','));
  }
  return `\uFEFF${lines.map((l) => `${l}\r\n`).join('')}`;
}

/** Deterministic opaque name: 32 upper-case hex digits, like the concealed rows Microsoft serves. */
export function concealed(store: TenantStore, value: string): string {
  return createHash('sha256')
    .update(`${store.model.tenantId}:${value}`)
    .digest('hex')
    .slice(0, 32)
    .toUpperCase();
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
