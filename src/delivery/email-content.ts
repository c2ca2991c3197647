/**
 * What an email says, and how it is written out: plain text and a simple HTML part, made from
 * the same structured content so they never disagree. Pure: no I/O, no clock.
 *
 * The HTML is deliberately plain: inline styles only, no remote images, fonts or stylesheets
 * (mail clients block them, and a remote image is a tracking pixel), every value escaped.
 */
export const PRODUCT_NAME = 'Tenantscope';

export interface EmailContent {
  subject: string;
  /** the first line, e.g. "You are invited to Contoso IT" */
  heading: string;
  paragraphs: string[];
  /** label → value lines shown under the paragraphs (tenant, date, role…) */
  details?: [string, string][];
  /** the button's label; its link is given at render time (it may be a sealed secret) */
  actionLabel?: string;
  /** after the action: "The link works once and expires on …" */
  note?: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Subjects are one line and name the product, so a person sees at once who writes. */
export function subjectLine(content: Pick<EmailContent, 'subject'>): string {
  const one = content.subject.replace(/[\r\n\t]+/g, ' ').trim();
  return one.startsWith(PRODUCT_NAME) ? one : `${PRODUCT_NAME}: ${one}`;
}

export function renderEmail(content: EmailContent, actionUrl?: string): RenderedEmail {
  if (content.actionLabel && !actionUrl) throw new Error('this email needs its action link to render');
  return {
    subject: subjectLine(content),
    text: renderText(content, actionUrl),
    html: renderHtml(content, actionUrl),
  };
}

function renderText(c: EmailContent, actionUrl: string | undefined): string {
  const lines = [c.heading, '', ...c.paragraphs.flatMap((p) => [p, ''])];
  if (c.details?.length) lines.push(...c.details.map(([k, v]) => `${k}: ${v}`), '');
  if (c.actionLabel && actionUrl) lines.push(`${c.actionLabel}:`, actionUrl, '');
  if (c.note) lines.push(c.note, '');
  lines.push('—', `${PRODUCT_NAME}. This message was sent automatically; replies are not read.`);
  return `${lines.join('\n')}\n`;
}

function renderHtml(c: EmailContent, actionUrl: string | undefined): string {
  const p = (text: string) => `<p style="margin:0 0 16px">${escapeHtml(text)}</p>`;
  const details = c.details?.length
    ? `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${c.details
        .map(
          ([k, v]) =>
            `<tr><td style="padding:2px 16px 2px 0;color:#555">${escapeHtml(k)}</td><td style="padding:2px 0">${escapeHtml(v)}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const action =
    c.actionLabel && actionUrl
      ? `<p style="margin:24px 0"><a href="${escapeHtml(actionUrl)}" style="background:#1f4e8c;color:#ffffff;padding:10px 18px;border-radius:4px;text-decoration:none;display:inline-block">${escapeHtml(c.actionLabel)}</a></p>` +
        `<p style="margin:0 0 16px;font-size:13px;color:#555">Or copy this address into your browser:<br>${escapeHtml(actionUrl)}</p>`
      : '';
  const note = c.note ? `<p style="margin:0 0 16px;font-size:13px;color:#555">${escapeHtml(c.note)}</p>` : '';
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subjectLine(c))}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f4f5f7;font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1b1b1b">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #dde1e6;border-radius:6px;padding:24px">',
    `<p style="margin:0 0 16px;font-weight:600;color:#1f4e8c">${PRODUCT_NAME}</p>`,
    `<h1 style="margin:0 0 16px;font-size:20px">${escapeHtml(c.heading)}</h1>`,
    ...c.paragraphs.map(p),
    details,
    action,
    note,
    `<p style="margin:24px 0 0;font-size:12px;color:#777">${PRODUCT_NAME}. This message was sent automatically; replies are not read.</p>`,
    '</div></body></html>',
  ].join('\n');
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}
