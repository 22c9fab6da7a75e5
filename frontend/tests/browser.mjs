// Shared by the browser tests: Debian's Chromium driven by playwright-core (no browser download).
import { chromium } from 'playwright-core';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A new page signed in to the console as {@code user}; a script error on it fails the test. */
export async function signedIn(browser, base, user, password) {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => { console.error('page error:', e); process.exitCode = 1; });
  const res = await page.request.post(`${base}/j_security_check`, { form: { j_username: user, j_password: password } });
  if (res.status() !== 200) throw new Error(`sign-in as ${user}: HTTP ${res.status()}`);
  return page;
}

export function baseUrl() {
  const url = process.argv[2] || process.env.PARLEY_URL;
  if (!url) throw new Error('usage: node <test> http://127.0.0.1:PORT');
  return url.replace(/\/$/, '');
}

// axe-core, evaluated in the page through DevTools (the pages' CSP refuses inline scripts, rightly)
const axeSource = (await import('node:fs')).readFileSync(
  (await import('node:module')).createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page as it is now (shadow roots included): fails on any serious or critical violation. */
export async function assertAccessible(page, what, selector) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async (sel) => (await window.axe.run(sel ? document.querySelector(sel) : document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 8).map((n) => n.target.join(' ')).join(' | ')}`), selector);
  if (violations.length) throw new Error(`accessibility of ${what}:\n  ${violations.join('\n  ')}`);
}

/** Fails when the page scrolls sideways or when a visible control lies outside the viewport. */
export async function assertFits(page, what) {
  const problems = await page.evaluate(() => {
    const out = [];
    const vw = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > vw) out.push(`page is ${document.documentElement.scrollWidth} px wide in a ${vw} px viewport`);
    for (const c of document.querySelectorAll('button, a[href], input, select, textarea')) {
      const r = c.getBoundingClientRect();
      if (!r.width || !r.height || c.closest('[hidden], dialog:not([open])')) continue;
      if (r.left < -1 || r.right > vw + 1) out.push(`${c.id || c.textContent.trim().slice(0, 20) || c.tagName} at ${Math.round(r.left)}–${Math.round(r.right)}`);
    }
    return out;
  });
  if (problems.length) throw new Error(`${what} does not fit:\n  ${problems.join('\n  ')}`);
}
