// The chat page under the message limit (parley.limits.messages-per-minute, 3 in this test's profile):
// a visitor who reloads before writing sees no error; a message over the limit stays on screen with one
// clear notice, goes again by itself after retryAfterMs (same id: stored once), and is answered.
// Run: node tests/limits.test.mjs http://127.0.0.1:8080 (against a Parley with that limit)
import assert from 'node:assert/strict';
import { launch, baseUrl } from './browser.mjs';

const base = baseUrl();
const browser = await launch();
const inShadow = (sel) => `parley-chat ${sel}`;
try {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => { console.error('page error:', e); process.exitCode = 1; });
  const frames = [];
  await page.routeWebSocket(/\/ws\/chat$/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((m) => { frames.push(JSON.parse(m)); ws.send(m); });
  });

  // the page's token opens nothing until the visitor writes: a reload starts afresh, without an error note
  await page.goto(`${base}/`);
  await page.waitForSelector(inShadow('.status.online'));
  await page.reload();
  await page.waitForSelector(inShadow('.status.online'));
  await page.waitForTimeout(300);
  assert.equal(await page.locator(inShadow('.msg.error')).count(), 0, 'no error shown for a conversation never written in');

  const texts = ['where is my order AB1234567?', 'and the refund?', 'how long does shipping take?', 'one more question'];
  for (const text of texts) {
    await page.fill(inShadow('textarea'), text);
    await page.keyboard.press('Enter');
  }
  const notice = page.locator(inShadow('.msg.error[data-code="rate_limited"]'));
  await notice.waitFor();
  assert.equal(await notice.count(), 1, 'one notice for the refused message');
  assert.match(await notice.innerText(), /kept and sent again/);
  const refused = frames.find((f) => f.type === 'error' && f.code === 'rate_limited');
  assert.ok(refused.turn && refused.retryAfterMs > 0, 'the refusal names the message and when to send it again');
  // the typed text is not lost: it stays on screen as a pending message
  assert.equal(await page.locator(inShadow('.msg.customer.pending')).last().textContent(), 'one more question');

  // after retryAfterMs the page sends it again by itself: stored once, answered, the notice gone
  await page.waitForFunction(() => document.querySelector('parley-chat').shadowRoot
    .querySelectorAll('.msg.assistant:not(.greeting):not(.streaming)').length === 4, null, { timeout: 60_000 });
  assert.equal(await notice.count(), 0, 'the notice goes once the message is stored');
  assert.deepEqual(await page.locator(inShadow('.msg.customer .text')).allTextContents(), texts);
  const echoes = frames.filter((f) => f.type === 'message' && f.role === 'customer' && f.id === refused.turn);
  assert.equal(echoes.length, 1, 'the refused message is stored once, under its own id');
  console.log('limits: refused message kept, noticed, sent again and answered OK');
} finally {
  await browser.close();
}
