/**
 * CSV (RFC 4180) for spreadsheets. A cell starting with `=`, `+`, `-`, `@`, tab or carriage
 * return is prefixed with `'` so a spreadsheet shows it instead of running it as a formula
 * (OWASP "CSV Injection"): audit details quote names that tenants' admins chose.
 */
export function toCsv(header: string[], rows: (string | null | undefined)[][]): string {
  return `${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}

function cell(value: string | null | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
