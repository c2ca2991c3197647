/**
 * A short, human label for the device a session was signed in from ("Chrome on Windows"),
 * derived once at sign-in from the User-Agent header. Only the label is stored: the raw header
 * is a fingerprint (version numbers, build ids) that the list of signed-in devices does not need.
 *
 * The order of the checks matters because browsers claim each other's names for compatibility:
 * Edge and Opera say "Chrome", Chrome says "Safari", iPhone and iPad browsers say "Mac OS X".
 * The tokens are the ones each vendor documents (Microsoft's "Detect Microsoft Edge from your
 * website": `Edg/`; Apple's iOS user agents: `CriOS`, `FxiOS`, `EdgiOS`; Opera: `OPR/`).
 */
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\b(?:Headless)?Chrom(?:e|ium)\/|\bCriOS\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//, 'curl'],
  [/\bPowerShell\//, 'PowerShell'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/** The longest label stored (the column allows 80); a longer header cannot stretch it. */
const MAX_LABEL = 60;

export function deviceLabel(userAgent: string | undefined | null): string | null {
  const ua = (userAgent ?? '').slice(0, 1000);
  if (!ua.trim()) return null;
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  const label =
    browser && system ? `${browser} on ${system}` : (browser ?? (system ? `A browser on ${system}` : null));
  return label ? label.slice(0, MAX_LABEL) : null;
}
