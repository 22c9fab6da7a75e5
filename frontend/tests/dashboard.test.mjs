// The supervisors' dashboard: an agent who is not an admin is told it is for admins; the admin opens it
// from the console's header, sees the charts drawn and the current figures (the turns the server
// counted), switches to the last week, sees a customer's new turn counted without reloading (the page
// polls), and switches to the last day.
// Run: PARLEY_ADMIN_PASSWORD=.. PARLEY_AGENT_USER=.. PARLEY_AGENT_PASSWORD=.. PARLEY_WEEK_TURNS=N node tests/dashboard.test.mjs URL
import assert from 'node:assert/strict';
import { launch, baseUrl, signedIn as signIn } from './browser.mjs';

const base = baseUrl();
const weekTurns = Number(process.env.PARLEY_WEEK_TURNS);
const browser = await launch();

const signedIn = (user, password) => signIn(browser, base, user, password);

const turnsShown = (page) => page.$eval('#current tr[data-figure="turns"] td', (td) => Number(td.textContent.replace(/,/g, '')));

try {
  const agent = await signedIn(process.env.PARLEY_AGENT_USER, process.env.PARLEY_AGENT_PASSWORD);
  await agent.goto(`${base}/console/`);
  await agent.waitForSelector('#app:not([hidden])');
  assert.equal(await agent.isVisible('#open-dashboard'), false);
  await agent.goto(`${base}/console/dashboard.html`);
  await agent.waitForFunction(() => document.querySelector('#dashboard-status').textContent.includes('Only admins'));

  const admin = await signedIn('admin', process.env.PARLEY_ADMIN_PASSWORD);
  await admin.goto(`${base}/console/`);
  await admin.click('#open-dashboard');
  await admin.waitForURL(/\/console\/dashboard\.html$/);

  // the last hour: six charts drawn, the guide's thresholds in their legends, figures in the table
  await admin.waitForFunction(() => document.querySelectorAll('.charts figure .uplot canvas').length === 6);
  await admin.waitForFunction(() => /Updated/.test(document.querySelector('#updated').textContent));
  assert.equal(await admin.getAttribute('#ranges [data-range="hour"]', 'aria-pressed'), 'true');
  assert.match(await admin.textContent('#chart-latency .u-legend'), /500 ms/);
  assert.match(await admin.textContent('#chart-errors .u-legend'), /5 %/);
  assert.match(await admin.textContent('#chart-concurrency .u-legend'), /80 %/);
  assert.ok(await turnsShown(admin) >= 2, 'the turns sent before the page opened are counted');
  assert.match(await admin.textContent('#current tr[data-figure="handoffs"] td'), /^\d+$/);
  assert.match(await admin.textContent('#current caption'), /last hour/);

  // the last week: exactly the customer turns stored in that window
  await admin.click('#ranges [data-range="week"]');
  await admin.waitForFunction(() => document.querySelector('#range-label').textContent === 'last week');
  assert.equal(await admin.getAttribute('#ranges [data-range="week"]', 'aria-pressed'), 'true');
  assert.equal(await admin.getAttribute('#ranges [data-range="hour"]', 'aria-pressed'), 'false');
  assert.equal(await turnsShown(admin), weekTurns);

  // a customer's turn on the chat page shows up by itself
  const customer = await (await browser.newContext()).newPage();
  await customer.goto(`${base}/`);
  await customer.waitForSelector('parley-chat .status.online');
  await customer.fill('parley-chat textarea', 'where is my order AB7654321?');
  await customer.keyboard.press('Enter');
  await customer.waitForSelector('parley-chat .msg.assistant:not(.greeting):not(.streaming)');
  await admin.waitForFunction((n) => Number(document.querySelector('#current tr[data-figure="turns"] td').textContent.replace(/,/g, '')) === n,
    weekTurns + 1, { timeout: 30000 });

  await admin.click('#ranges [data-range="day"]');
  await admin.waitForFunction(() => document.querySelector('#range-label').textContent === 'last day');
  assert.ok(await turnsShown(admin) >= 3);
  assert.equal(await admin.textContent('#dashboard-status'), '');
  console.log('dashboard: admins only, charts with thresholds, figures, range switch, live update: ok');
} finally {
  await browser.close();
}
