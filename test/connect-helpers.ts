import type { TrustingFetch } from '../src/emulator/server/test-clients.ts';

/**
 * Drives the emulator's sign-in pages the way a browser would, with plain HTTP: load the page,
 * read its hidden fields, submit the form with a username and password, return where it
 * redirects. No browser, no script: the pages are plain HTML forms.
 */
export async function submitSignIn(
  f: TrustingFetch,
  pageUrl: string,
  fields: Record<string, string>,
): Promise<{ status: number; location?: URL; html?: string }> {
  const page = await f(pageUrl);
  const html = await page.text();
  if (!html.includes('<form method="post"'))
    throw new Error(`no sign-in form at ${pageUrl}: ${html.slice(0, 300)}`);
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form.set(
      m[1]!,
      m[2]!.replace(/&#(\d+);/g, (_x, c: string) => String.fromCharCode(Number(c))).replace(/&amp;/g, '&'),
    );
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await f(pageUrl.split('?')[0]!, {
    method: 'POST',
    body: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
  const location = res.headers.get('location');
  return {
    status: res.status,
    ...(location ? { location: new URL(location) } : { html: await res.text() }),
  };
}

/** The redirect's query as the callback route receives it. */
export const callbackPath = (location: URL): string => `/api/connect/callback${location.search}`;
