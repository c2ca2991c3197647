/**
 * Paths the single-page app answers in the browser. The server sends index.html for exactly
 * these (and everything below the `/*` ones), so an unknown address under `/api` still gets the
 * API's JSON 404, never a page.
 */
export const CLIENT_ROUTES = [
  '/',
  '/signin',
  '/tenants',
  '/tenants/*',
  '/findings',
  '/licences',
  '/connect',
  '/settings',
  '/settings/*',
  '/standards',
  '/standards/*',
  '/alerts',
  '/audit',
  '/account',
  '/not-allowed',
  // public: no session needed (links from emails)
  '/forgot-password',
  '/reset-password/*',
  '/invite/*',
] as const;
