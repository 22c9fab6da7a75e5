// The admins' audit page: the trail filtered by who and what, the chain verified, the JSONL export of the
// filter; an agent who is not an admin is told the page is for admins.
// Run: PARLEY_ADMIN_PASSWORD=.. PARLEY_AGENT_USER=.. PARLEY_AGENT_PASSWORD=.. node tests/audit.test.mjs URL
import assert from 'node:assert/strict';
import { launch, baseUrl, signedIn as signIn } from './browser.mjs';

const base = baseUrl();
const browser = await launch();

const signedIn = (user, password) => signIn(browser, base, user, password);

try {
  const agent = await signedIn(process.env.PARLEY_AGENT_USER, process.env.PARLEY_AGENT_PASSWORD);
  await agent.goto(`${base}/console/audit.html`);
  await agent.waitForFunction(() => document.querySelector('#audit-status').textContent.includes('Only admins'));

  const admin = await signedIn('admin', process.env.PARLEY_ADMIN_PASSWORD);
  await admin.goto(`${base}/console/audit.html`);
  await admin.locator('#entries tr').first().waitFor();

  // who: the agent; what: their sign-ins
  await admin.fill('#audit-filter [name=actor]', process.env.PARLEY_AGENT_USER);
  await admin.selectOption('#audit-filter [name=action]', 'sign_in');
  await admin.click('#audit-filter button[type=submit]');
  await admin.waitForFunction(() => [...document.querySelectorAll('#entries tr')].length > 0
    && [...document.querySelectorAll('#entries tr')].every((tr) => tr.dataset.action === 'sign_in'));
  const first = await admin.locator('#entries tr').first().textContent();
  assert.match(first, new RegExp(process.env.PARLEY_AGENT_USER));

  // the agent's refused visit to the audit API is in the trail, as denied
  await admin.selectOption('#audit-filter [name=action]', 'api_read');
  await admin.click('#audit-filter button[type=submit]');
  await admin.waitForFunction(() => [...document.querySelectorAll('#entries tr.denied')].some((tr) => tr.textContent.includes('/api/audit')));

  await admin.click('#verify');
  await admin.waitForFunction(() => document.querySelector('#chain').textContent.startsWith('Chain intact'));

  const href = await admin.getAttribute('#export', 'href');
  assert.match(href, /actor=/);
  const jsonl = await (await admin.request.get(`${base}${href}`)).text();
  const lines = jsonl.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length > 0 && lines.every((e) => e.actor === process.env.PARLEY_AGENT_USER && e.action === 'api_read'));
  await admin.locator('#anomalies li').first().waitFor();
  assert.equal(await admin.textContent('#audit-status'), '');
  console.log('audit page: filter by who and what, denied calls shown, chain verified, JSONL export: ok');
} finally {
  await browser.close();
}
