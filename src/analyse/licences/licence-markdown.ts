/**
 * A Markdown summary for people: the book (one line per tenant), then per tenant the inventory,
 * the holders that waste licences and the money. Unknowns are written as "cannot tell" and price
 * gaps as "N units unpriced", never as zero.
 */
import type { Book, BookRow } from './book.ts';
import type { LicenceAnalysis, Money, WasteReason } from './licence-types.ts';

const cell = (v: string | number | null) => String(v ?? '—').replaceAll('|', '\\|');
const row = (cells: (string | number | null)[]) => `| ${cells.map(cell).join(' | ')} |`;
const table = (header: string[], rows: (string | number | null)[][]) =>
  [row(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(row)].join('\n');

export function money(amount: number, currency: string): string {
  return `${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}

function moneyWithGap(m: Money | null, currency: string): string {
  if (m === null) return 'cannot tell';
  const gap = m.unpricedUnits > 0 ? ` + ${m.unpricedUnits} units unpriced` : '';
  return `${money(m.monthly, currency)}${gap}`;
}

export function licencesMarkdown(analyses: readonly LicenceAnalysis[], book: Book): string {
  const parts = ['# Licences', ''];
  if (book.tenants.length > 1) parts.push(bookSection(book), '');
  for (const a of analyses) parts.push(tenantSection(a), '');
  return `${parts.join('\n').trimEnd()}\n`;
}

function bookSection(book: Book): string {
  const rows = book.tenants.map((t: BookRow) => [
    t.displayName ?? t.tenantId,
    t.purchased,
    t.consumed,
    t.available,
    money(t.spendMonthly, t.currency),
    money(t.wasteMonthly, t.currency),
    t.idle === null ? 'cannot tell' : t.idle,
    t.unpricedUnits,
  ]);
  const totals = book.totals.map(
    (t) =>
      `- ${t.currency}: ${t.tenants} tenants, spend ${money(t.spendMonthly, t.currency)}/month, waste ${money(t.wasteMonthly, t.currency)}/month (${money(t.savingsAnnual, t.currency)}/year if fixed)${t.unpricedUnits ? `, ${t.unpricedUnits} units unpriced` : ''}${t.tenantsWithoutSignInData ? `, ${t.tenantsWithoutSignInData} tenants cannot tell idle accounts` : ''}`,
  );
  return [
    '## All tenants',
    '',
    table(
      [
        'tenant',
        'purchased',
        'assigned',
        'available',
        'spend/month',
        'waste/month',
        'idle',
        'unpriced units',
      ],
      rows,
    ),
    '',
    ...totals,
  ].join('\n');
}

const REASON_LABEL: Record<WasteReason, string> = {
  unassigned: 'bought, not assigned',
  disabled: 'on disabled accounts',
  neverSignedIn: 'on accounts that never signed in',
  idle: 'on idle accounts',
  overlapping: 'paid twice (overlapping SKUs)',
  possibleSharedOrService: 'possible shared mailboxes / service accounts',
  guest: 'on guests (possible)',
};

function tenantSection(a: LicenceAnalysis): string {
  const w = a.waste;
  const f = a.findings;
  const lines = [
    `## ${a.tenant.displayName ?? a.tenant.tenantId}`,
    '',
    `Snapshot ${a.collectedAt}; ages measured from ${a.now}.`,
    '',
  ];
  for (const u of a.unavailable) lines.push(`- Not read: \`${u.dataset}\` (${u.status}).`);
  if (a.unavailable.length > 0) lines.push('');
  lines.push(
    table(
      ['product', 'status', 'purchased', 'assigned', 'available', 'warning', 'suspended'],
      a.inventory.map((s) => [
        s.name,
        s.capabilityStatus,
        s.purchased,
        s.consumed,
        s.available,
        s.warning,
        s.suspended,
      ]),
    ),
    '',
    '### Holders',
    '',
    `- Licensed users: ${f.licensedUsers} (assignments: ${f.directAssignments} direct, ${f.groupAssignments} through groups)`,
    `- Disabled accounts holding licences: ${f.disabledWithLicences.length}`,
    `- Never signed in: ${f.neverSignedInWithLicences?.length ?? 'cannot tell'}`,
    f.idle.status === 'known'
      ? `- Idle more than 30 / 60 / 90 days: ${f.idle.days30.length} / ${f.idle.days60.length} / ${f.idle.days90.length}`
      : `- Idle accounts: cannot tell. ${f.idle.reason}`,
    `- Paying twice (overlapping SKUs): ${f.overlapping.length}`,
    `- Guests with licences: ${f.guestsWithLicences.length}`,
    `- Possible shared mailboxes / service accounts with licences: ${f.possibleSharedMailboxes.length} / ${f.possibleServiceAccounts.length}`,
    `- Usage report: ${a.usage.status === 'ok' ? `${a.usage.rows} rows, ${a.usage.joined} matched to users` : 'not available'}${a.usage.note ? `. ${a.usage.note}` : ''}`,
    '',
    '### Money (per month)',
    '',
    table(
      ['waste', 'units', 'amount'],
      (Object.keys(REASON_LABEL) as WasteReason[]).map((r) => [
        REASON_LABEL[r],
        w.byReason[r]?.units ?? 'cannot tell',
        moneyWithGap(w.byReason[r], w.currency),
      ]),
    ),
    '',
    `- Spend: ${moneyWithGap(w.spend, w.currency)}`,
    `- Waste (certain): ${moneyWithGap(w.total, w.currency)}; possible: ${moneyWithGap(w.possible, w.currency)}`,
    `- Savings if fixed: ${money(w.savings.immediateMonthly, w.currency)}/month now (monthly terms), ${money(w.savings.atRenewalMonthly, w.currency)}/month at renewal (annual terms), ${money(w.savings.annual, w.currency)}/year`,
  );
  if (w.unpricedSkus.length > 0)
    lines.push(`- No price for: ${w.unpricedSkus.join(', ')} (add them to the price book)`);
  if (!w.idleKnown)
    lines.push('- Idle and never-signed-in waste: cannot tell without Entra ID P1 sign-in data.');
  return lines.join('\n');
}
