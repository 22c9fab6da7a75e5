// The admins' intents page: add an intent with ten examples, see it learnt (the background retraining
// on the server), add an example, delete it. An agent who is not an admin is told the page is for admins.
// Run: PARLEY_ADMIN_PASSWORD=.. PARLEY_AGENT_USER=.. PARLEY_AGENT_PASSWORD=.. node tests/intents.test.mjs URL
import assert from 'node:assert/strict';
import { launch, baseUrl, signedIn as signIn } from './browser.mjs';

const base = baseUrl();
const browser = await launch();

const signedIn = (user, password) => signIn(browser, base, user, password);

try {
  const agent = await signedIn(process.env.PARLEY_AGENT_USER, process.env.PARLEY_AGENT_PASSWORD);
  await agent.goto(`${base}/console/intents.html`);
  await agent.waitForFunction(() => document.querySelector('#intents-status').textContent.includes('Only admins'));

  const admin = await signedIn('admin', process.env.PARLEY_ADMIN_PASSWORD);
  admin.on('dialog', (d) => d.accept());
  await admin.goto(`${base}/console/intents.html`);
  await admin.waitForFunction(() => document.querySelector('#built-in').textContent.includes('refund_request'));

  await admin.fill('#new-intent [name=name]', 'store_hours');
  await admin.fill('#new-intent [name=en]', 'Our stores open 9:00-21:00 every day.');
  await admin.fill('#new-intent [name=zh]', '门店每天 9:00-21:00 营业。');
  await admin.fill('#new-intent [name=examples]', ['what are your opening hours', 'what time do you open',
    'until when are you open', 'are you open on sundays', 'when does the store close', '营业时间是几点',
    '周末营业吗', '你们几点关门', '门店几点开门', 'opening times please'].join('\n'));
  await admin.click('#new-intent button[type=submit]');
  const card = admin.locator('.intent-card', { hasText: 'store_hours' });
  await card.getByText('10 examples').waitFor();
  await card.getByText('learnt', { exact: true }).waitFor({ timeout: 30000 });

  await card.locator('.add-examples textarea').fill('is the shop open on holidays');
  await card.locator('.add-examples button').click();
  await card.getByText('11 examples').waitFor();
  assert.match(await card.textContent(), /is the shop open on holidays/);

  await card.getByText('Delete intent').click();
  await admin.getByText('None yet.').waitFor();
  assert.equal(await admin.textContent('#intents-status'), '');
  console.log('intents page: add, learnt, more examples, delete: ok');
} finally {
  await browser.close();
}
