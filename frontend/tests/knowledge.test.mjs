// The Knowledge page and a customer's cited answer: an admin writes an article with the Markdown
// preview, publishes it, imports a CSV of question/answer pairs and sees the report; a customer on the
// chat page (no model: the offline path) is answered from the article and sees its source as a link.
// Run: PARLEY_ADMIN_PASSWORD=.. node tests/knowledge.test.mjs URL
import assert from 'node:assert/strict';
import { launch, baseUrl } from './browser.mjs';

const base = baseUrl();
const browser = await launch();
try {
  const admin = await (await browser.newContext()).newPage();
  admin.on('pageerror', (e) => { console.error('page error:', e); process.exitCode = 1; });
  const res = await admin.request.post(`${base}/j_security_check`, { form: { j_username: 'admin', j_password: process.env.PARLEY_ADMIN_PASSWORD } });
  assert.equal(res.status(), 200);
  await admin.goto(`${base}/console/`);
  await admin.click('#open-knowledge');
  await admin.waitForURL(/knowledge\.html$/);

  await admin.fill('#kb-form [name=title]', 'Returning a rug');
  await admin.fill('#kb-form [name=url]', 'https://shop.example.com/help/rugs');
  await admin.fill('#kb-form [name=body]', '# Rugs\n\nRugs can be sent back within **45 days** of delivery, rolled and in their bag.\n\n<script>window.__owned = 1</script>');
  assert.equal(await admin.textContent('#kb-preview strong'), '45 days', 'the preview renders Markdown');
  assert.equal(await admin.locator('#kb-preview script').count(), 0, 'and no markup of the article');
  await admin.click('#kb-save');
  await admin.locator('#kb-state', { hasText: 'draft' }).waitFor();
  await admin.click('#kb-publish');
  await admin.locator('#kb-state', { hasText: 'published' }).waitFor();
  await admin.locator('#kb-versions li', { hasText: 'v2 published by admin' }).waitFor({ state: 'attached' });
  await admin.locator('#kb-articles li', { hasText: 'Returning a rug' }).waitFor();

  await admin.setInputFiles('#kb-files', { name: 'faq.csv', mimeType: 'text/csv',
    buffer: Buffer.from('question,answer\nDo you gift-wrap rugs?,Yes: gift wrapping costs 10 yuan.\n,no question here\n') });
  await admin.click('#kb-import button');
  await admin.locator('#kb-report', { hasText: 'done: 1 of 1 — added 1' }).waitFor();
  assert.match(await admin.textContent('#kb-report'), /faq\.csv row 3: no question/);

  await admin.fill('#kb-question', 'how long can I return a rug');
  await admin.click('#kb-try button');
  await admin.locator('#kb-hits li', { hasText: 'Returning a rug' }).first().waitFor();

  const customer = await (await browser.newContext({ locale: 'en-US' })).newPage();
  customer.on('pageerror', (e) => { console.error('page error:', e); process.exitCode = 1; });
  await customer.goto(`${base}/`);
  await customer.waitForSelector('parley-chat .status.online');
  await customer.fill('parley-chat textarea', 'How many days do I have to return a rug?');
  await customer.press('parley-chat textarea', 'Enter');
  const link = customer.locator('parley-chat .msg.assistant .sources a');
  await link.waitFor();
  assert.equal(await link.textContent(), 'Returning a rug');
  assert.equal(await link.getAttribute('href'), 'https://shop.example.com/help/rugs');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
  assert.match(await customer.locator('parley-chat .msg.assistant').last().textContent(), /45 days/);
  console.log('knowledge page: edit with preview, publish, import report, try a question; customer sees the cited source: ok');
} finally {
  await browser.close();
}
