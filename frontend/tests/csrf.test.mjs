// Forged agent actions from a real browser: an agent signs in to the console, then opens a page of
// another origin on the same site (another port of 127.0.0.1: SameSite=Strict still sends the session
// cookie there). That page posts a take-over and a note with `no-cors` text/plain fetches, and opens
// the agent socket. What the server did is checked by the Java side (ConsoleCsrfBrowserTest); here
// the socket must never open.
// Run: PARLEY_AGENT_USER=.. PARLEY_AGENT_PASSWORD=.. PARLEY_ATTACKER_URL=.. PARLEY_CONVERSATION=.. node tests/csrf.test.mjs URL
import assert from 'node:assert/strict';
import { launch, baseUrl } from './browser.mjs';

const base = baseUrl();
const attacker = process.env.PARLEY_ATTACKER_URL;
const conversation = process.env.PARLEY_CONVERSATION;
const browser = await launch();
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/console/`);
  await page.fill('#username', process.env.PARLEY_AGENT_USER);
  await page.fill('#password', process.env.PARLEY_AGENT_PASSWORD);
  await page.press('#password', 'Enter');
  await page.waitForSelector('#live.online');
  const cookies = (await context.cookies(base)).map((c) => c.name);
  assert.ok(cookies.includes('quarkus-credential'), `signed in: ${cookies}`);

  // the agent, still signed in, visits the other origin's page
  const evil = await context.newPage();
  await evil.goto(`${attacker}/?target=${encodeURIComponent(base)}&conversation=${conversation}`);
  await evil.waitForFunction(() => window.attack && window.attack.done, null, { timeout: 20000 });
  const result = await evil.evaluate(() => window.attack);
  console.log('attack page saw:', JSON.stringify(result));
  assert.equal(result.socketOpened, false, 'the agent socket must not open for another origin');
  assert.equal(result.frames.length, 0, 'no frame reaches another origin');
} finally {
  await browser.close();
}
