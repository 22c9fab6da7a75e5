// The chat page at "/", as a customer uses it: answers stream in with intent and entities, and the
// conversation is back after a reload. Run: node tests/chat-page.test.mjs http://127.0.0.1:8080
import assert from 'node:assert/strict';
import { launch, baseUrl } from './browser.mjs';

const base = baseUrl();
const browser = await launch();
try {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => { console.error('page error:', e); process.exitCode = 1; });
  await page.goto(`${base}/`);
  await page.waitForSelector('#status.online');

  // record every length the answer text goes through, to see it stream rather than appear at once
  await page.evaluate(() => {
    window.__lengths = [];
    new MutationObserver(() => {
      const t = [...document.querySelectorAll('.msg.assistant .text')].pop();
      if (t) window.__lengths.push(t.textContent.length);
    }).observe(document.querySelector('#log'), { subtree: true, childList: true, characterData: true });
  });

  await page.fill('#text', 'where is my order AB1234567?');
  await page.keyboard.press('Enter');
  const first = page.locator('.msg.assistant').nth(0);
  await first.locator('.chip.intent').waitFor();
  await page.waitForSelector('.msg.assistant:not(.streaming)');
  assert.equal(await first.locator('.chip.intent').textContent(), 'order_status');
  assert.equal(await first.locator('.chip.entity').first().textContent(), 'order_id: AB1234567');
  assert.equal(await first.locator('.chip.source').textContent(), 'offline mode');
  const answer = await first.locator('.text').textContent();
  assert.match(answer, /AB1234567/);
  const lengths = await page.evaluate(() => window.__lengths);
  const partial = new Set(lengths.filter((n) => n > 0 && n < answer.length));
  assert.ok(partial.size >= 3, `the answer should appear piece by piece, saw lengths ${[...new Set(lengths)]}`);
  assert.equal(await page.locator('.msg.customer').first().textContent(), 'where is my order AB1234567?');

  await page.fill('#text', '我的订单 AB1234567 到哪了');
  await page.click('#composer button[type=submit]');
  const second = page.locator('.msg.assistant').nth(1);
  await page.waitForFunction(() => document.querySelectorAll('.msg.assistant:not(.streaming) .chip.intent').length === 2);
  assert.match(await second.locator('.text').textContent(), /订单 AB1234567/);

  // a suggestion chip sends its text
  const suggestion = second.locator('.suggestion').first();
  const suggested = await suggestion.textContent();
  await suggestion.click();
  await page.waitForFunction(() => document.querySelectorAll('.msg.assistant:not(.streaming) .chip.intent').length === 3);
  assert.equal(await page.locator('.msg.customer').nth(2).textContent(), suggested);

  // close the tab, come back: the whole conversation is there, in order
  const before = await page.locator('#log .msg:not(.system) .text').allTextContents();
  assert.equal(before.length, 6);
  await page.reload();
  await page.waitForSelector('#status.online');
  await page.waitForFunction((n) => document.querySelectorAll('#log .msg:not(.system)').length === n, before.length);
  assert.deepEqual(await page.locator('#log .msg:not(.system) .text').allTextContents(), before);
  assert.equal(await page.locator('.msg.assistant .chip.intent').first().textContent(), 'order_status');
  console.log('chat page: streamed, structured and resumed OK');
} finally {
  await browser.close();
}
