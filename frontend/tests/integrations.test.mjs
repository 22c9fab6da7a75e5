// The admins' integrations page: an agent who is not an admin is told it is for admins; the admin
// creates a key, sees it once, and it works from a server (a REST conversation, a batch whose progress
// the page shows); after a reload the secret is gone; revoked, the key is refused at once.
// Run: PARLEY_ADMIN_PASSWORD=.. PARLEY_AGENT_USER=.. PARLEY_AGENT_PASSWORD=.. node tests/integrations.test.mjs URL
import assert from 'node:assert/strict';
import { launch, baseUrl, signedIn, assertAccessible } from './browser.mjs';

const base = baseUrl();
const browser = await launch();

const call = (key, path, body, type = 'application/json') => fetch(`${base}${path}`, {
  method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': type }, body });

try {
  const agent = await signedIn(browser, base, process.env.PARLEY_AGENT_USER, process.env.PARLEY_AGENT_PASSWORD);
  await agent.goto(`${base}/console/integrations.html`);
  await agent.waitForFunction(() => document.querySelector('#integrations-status').textContent.includes('Only admins'));

  const admin = await signedIn(browser, base, 'admin', process.env.PARLEY_ADMIN_PASSWORD);
  admin.on('dialog', (d) => d.accept());
  await admin.goto(`${base}/console/integrations.html`);
  await admin.fill('#new-key [name=name]', 'order system');
  await admin.check('#new-key [name=scope][value=batch]');
  await admin.click('#new-key button[type=submit]');
  await admin.locator('#new-secret:not([hidden])').waitFor();
  const secret = (await admin.textContent('#secret')).trim();
  assert.ok(secret.length >= 20, 'the new key is shown');
  const row = admin.locator('#keys tbody tr', { hasText: 'order system' });
  assert.match(await row.textContent(), /chat, batch/);
  assert.ok(!(await row.textContent()).includes(secret), 'the list shows a prefix, never the key');
  await assertAccessible(admin, 'the integrations page');

  // the key works from a server
  const started = await call(secret, '/integration/v1/conversations', JSON.stringify({ locale: 'en' }));
  assert.equal(started.status, 201, await started.clone().text());
  const batch = await call(secret, '/integration/v1/batches?mode=classify',
    '{"id":"1","text":"where is my order AB1234567?"}\n{"id":"2","text":"I want a refund"}\n', 'application/x-ndjson');
  assert.equal(batch.status, 201);
  await admin.locator('#batches article', { hasText: 'classify · done' }).waitFor({ timeout: 20000 });
  assert.match(await admin.textContent('#batches article'), /2 of 2 \(0 failed\)/);

  // shown once: a reload does not show it again
  await admin.reload();
  await row.waitFor();
  assert.ok(await admin.locator('#new-secret').isHidden());
  assert.ok(!(await admin.content()).includes(secret));

  // revoked: refused at once
  await row.locator('button', { hasText: 'Revoke' }).click();
  await admin.waitForFunction(() => [...document.querySelectorAll('#keys tbody tr')]
    .some((r) => r.textContent.includes('order system') && r.textContent.includes('revoked')));
  const refused = await call(secret, '/integration/v1/conversations', JSON.stringify({ locale: 'en' }));
  assert.equal(refused.status, 401);
  console.log('integrations page: agent refused, key created and shown once, used over REST and batch, revoked');
} finally {
  await browser.close();
}
