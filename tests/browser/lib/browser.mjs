// Debian's Chromium driven by playwright-core (no browser download), and a
// page watcher that fails a test on console errors, uncaught exceptions and
// Content-Security-Policy violations.

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** The missing-favicon 404: reported once, by pages.test.mjs; other tests pass ignoreFavicon. */
export const FAVICON = /\/favicon\.ico(\?|$)/;

/**
 * Records what went wrong on the pages of a browser context:
 * console errors, uncaught page errors, CSP violations (from the
 * securitypolicyviolation event, reported through a binding), failed requests.
 * problems() lists them; reset() forgets them.
 */
export async function watch(context, { ignore = [] } = {}) {
  const seen = [];
  const ignored = (resource) => ignore.some((re) => re.test(resource));
  await context.exposeBinding('__reportCsp', ({ page }, v) => {
    seen.push({
      kind: 'csp',
      url: page.url(),
      text: `${v.effectiveDirective} blocked ${v.blockedURI || '(inline)'} at ${v.sourceFile || '?'}:${v.lineNumber}`,
    });
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__reportCsp({
        effectiveDirective: e.effectiveDirective,
        blockedURI: e.blockedURI,
        sourceFile: e.sourceFile,
        lineNumber: e.lineNumber,
      });
    });
  });
  const hook = (page) => {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      // For "Failed to load resource", the location is the resource's address.
      const resource = msg.location()?.url ?? '';
      if (resource && ignored(resource)) return;
      const where = resource && resource !== page.url() ? ` (${resource})` : '';
      seen.push({ kind: 'console', url: page.url(), text: msg.text() + where });
    });
    page.on('pageerror', (err) => seen.push({ kind: 'exception', url: page.url(), text: String(err) }));
    page.on('requestfailed', (req) => {
      const why = req.failure()?.errorText;
      // ERR_ABORTED is a load the browser itself cancelled (the test moved on
      // before a low-priority favicon arrived), not a failure of the site; a
      // missing file still shows as a console 404, a dead server as another error.
      if (ignored(req.url()) || why === 'net::ERR_ABORTED') return;
      seen.push({ kind: 'request', url: page.url(), text: `${req.url()}: ${why}` });
    });
  };
  context.pages().forEach(hook);
  context.on('page', hook);
  return {
    problems: () => seen.slice(),
    reset: () => {
      seen.length = 0;
    },
    format: (list = seen) => list.map((p) => `  [${p.kind}] ${p.url}: ${p.text}`).join('\n'),
  };
}
