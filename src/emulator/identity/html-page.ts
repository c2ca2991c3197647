/** Plain HTML for the sign-in and consent pages: no scripts, no external assets. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto">
<h1 style="font-size: 1.3rem">${escapeHtml(title)}</h1>
${body}
<p style="color: #666; font-size: .8rem">Tenantscope Microsoft emulator — not a Microsoft service.</p>
</body></html>`;
}

export function hiddenFields(params: URLSearchParams, skip: string[]): string {
  return [...params]
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
}

export function signInFields(error?: string): string {
  return `${error ? `<p role="alert" style="color: #a00">${escapeHtml(error)}</p>` : ''}
<p><label>User name <input name="username" autocomplete="username" required></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>`;
}

/** An AADSTS error shown to a person, as the real pages do before any redirect is trusted. */
export function errorPage(code: number, description: string): string {
  return page('Sign in', `<p role="alert"><strong>AADSTS${code}</strong>: ${escapeHtml(description)}</p>`);
}
