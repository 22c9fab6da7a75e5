// The chat page at "/", as a customer uses it: the widget mounted full-page. Answers stream in; intent
// and entities arrive first on the wire but the customer sees only the answer text; the conversation
// is back after a reload. Run: node tests/chat-page.test.mjs http://127.0.0.1:8080
import assert from 'node:assert/strict';
import { launch, baseUrl, assertAccessible, assertFits } from './browser.mjs';

const base = baseUrl();
const browser = await launch();
const inShadow = (sel) => `parley-chat ${sel}`;
try {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => { console.error('page error:', e); process.exitCode = 1; });
  // every frame the page receives, to check the structured answer it was given; and a way to add one
  const frames = [];
  let toPage;
  let oldLimit = false; // a page that believes the limit is higher than the server's (an older client)
  await page.routeWebSocket(/\/ws\/chat$/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((m) => {
      const f = JSON.parse(m);
      frames.push(f);
      ws.send(oldLimit && f.type === 'ready' ? JSON.stringify({ ...f, maxTextChars: 100000 }) : m);
    });
    toPage = (frame) => ws.send(JSON.stringify(frame));
  });
  const frame = async (test) => {
    for (let i = 0; i < 100 && !frames.some(test); i++) await page.waitForTimeout(50);
    return frames.find(test);
  };
  const turnOf = async (text) => (await frame((f) => f.type === 'message' && f.role === 'customer' && f.text === text)).id;
  const answered = (n) => page.waitForFunction((n) => document.querySelector('parley-chat').shadowRoot
    .querySelectorAll('.msg.assistant:not(.greeting):not(.streaming)').length === n, n);

  await page.goto(`${base}/`);
  await page.waitForSelector(inShadow('.status.online'));
  assert.equal(await page.locator('parley-chat .launcher').count(), 0, 'full page: the panel itself, no launcher');
  const box = await page.locator(inShadow('.panel')).boundingBox();
  const viewport = page.viewportSize();
  assert.deepEqual([box.y, box.width, box.height], [0, Math.min(760, viewport.width), viewport.height], 'the panel fills the page column');
  assert.equal(await page.evaluate(() => document.querySelector('parley-chat').shadowRoot.activeElement?.tagName), 'TEXTAREA');

  // record every length the answer text goes through, to see it stream rather than appear at once
  await page.evaluate(() => {
    const root = document.querySelector('parley-chat').shadowRoot;
    window.__lengths = [];
    new MutationObserver(() => {
      const t = [...root.querySelectorAll('.msg.assistant:not(.greeting) .text')].pop();
      if (t) window.__lengths.push(t.textContent.length);
    }).observe(root.querySelector('.log'), { subtree: true, childList: true, characterData: true });
  });

  await page.fill(inShadow('textarea'), 'where is my order AB1234567?');
  await page.keyboard.press('Enter');
  const answers = page.locator(inShadow('.msg.assistant:not(.greeting)'));
  const first = answers.nth(0);
  await first.waitFor();
  await answered(1);
  // intent and entities come first, before the text (answer.start), and with the stored answer
  const turn = await turnOf('where is my order AB1234567?');
  const end = await frame((f) => f.type === 'answer.end' && f.turn === turn);
  const start = frames.findIndex((f) => f.type === 'answer.start' && f.turn === turn);
  const firstDelta = frames.findIndex((f) => f.type === 'answer.delta' && f.turn === turn);
  assert.ok(start >= 0 && start < firstDelta, 'answer.start (intent, entities) before the first piece of text');
  assert.equal(frames[start].intent, 'order_status');
  assert.equal(end.intent, 'order_status');
  assert.equal(`${end.entities[0].type}: ${end.entities[0].value}`, 'order_id: AB1234567');
  assert.equal(end.source, 'offline');
  // ... and the customer sees the answer, nothing of the internals
  const answer = await first.locator('.text').textContent();
  assert.match(answer, /AB1234567/);
  assert.equal(answer, end.text);
  assert.equal(await first.locator('.author').textContent(), 'AAssistant', 'an avatar and who answers');
  assert.equal(await first.locator('.ai').textContent(), 'AI-generated', 'every answer is labelled as AI-generated');
  // when it was said, and that the offline engine said it (no model is configured in the tests)
  assert.match(await first.locator('.foot').textContent(), /^\d{1,2}:\d\d( [AP]M)? · Automatic reply: our assistant is offline right now$/);
  assert.equal(await first.textContent(), `AAssistantAI-generated${answer}${await first.locator('.foot').textContent()}`, 'nothing else in the bubble');
  assert.equal(await page.locator(inShadow('.chip.intent, .chip.entity, .meta')).count(), 0);
  assert.doesNotMatch(await page.locator(inShadow('.panel')).innerText(), /order_status|order_id|confidence/);
  const lengths = await page.evaluate(() => window.__lengths);
  const partial = new Set(lengths.filter((n) => n > 0 && n < answer.length));
  assert.ok(partial.size >= 3, `the answer should appear piece by piece, saw lengths ${[...new Set(lengths)]}`);
  assert.equal(await page.locator(inShadow('.msg.customer .text')).first().textContent(), 'where is my order AB1234567?');
  await assertAccessible(page, 'the chat page');

  await page.fill(inShadow('textarea'), '我的订单 AB1234567 到哪了');
  await page.click(inShadow('.composer button[type=submit]'));
  await answered(2);
  const turn2 = await turnOf('我的订单 AB1234567 到哪了');
  const second = await frame((f) => f.type === 'answer.end' && f.turn === turn2);
  assert.ok(second.intent, 'the second answer is structured too');
  assert.match(await answers.nth(1).locator('.text').textContent(), /订单 AB1234567/);
  // the visitor wrote in Chinese: the conversation's language wins over the browser's
  assert.equal(await page.textContent(inShadow('.composer button[type=submit]')), '发送');
  assert.equal(await page.getAttribute(inShadow('textarea'), 'placeholder'), '请输入您的问题…');

  // a suggestion chip (of the latest answer) sends its text
  const suggestion = page.locator(inShadow('.chips .chip')).first();
  const suggested = await suggestion.textContent();
  assert.ok(second.suggestions.includes(suggested), `${suggested} is one of the latest answer's suggestions`);
  await suggestion.click();
  await answered(3);
  assert.equal(await page.locator(inShadow('.msg.customer .text')).nth(2).textContent(), suggested);
  const turn3 = await turnOf(suggested);
  assert.ok((await frame((f) => f.type === 'answer.end' && f.turn === turn3)).intent, 'the third answer is structured too');

  // the model fails on a turn: Retry resends that message with the same id, and nothing is stored twice
  toPage({ type: 'error', code: 'model_unavailable', message: 'The assistant is unavailable right now.', turn: turn3 });
  const retry = page.locator(inShadow('.msg.error[data-code="model_unavailable"] .retry'));
  await retry.click();
  await retry.waitFor({ state: 'detached' });
  const echoes = async () => frames.filter((f) => f.type === 'message' && f.id === turn3).length;
  for (let i = 0; i < 100 && (await echoes()) < 2; i++) await page.waitForTimeout(50);
  assert.equal(await echoes(), 2, 'the resend is acknowledged again');
  await page.waitForTimeout(300);
  assert.equal(await page.locator(inShadow('.msg.customer')).count(), 3);
  assert.equal(await answers.count(), 3);

  // Enter while an IME is composing (Chinese input) does not send
  await page.fill(inShadow('textarea'), 'dingdan');
  await page.dispatchEvent(inShadow('textarea'), 'keydown', { key: 'Enter', isComposing: true });
  assert.equal(await page.inputValue(inShadow('textarea')), 'dingdan');
  await page.fill(inShadow('textarea'), '');

  // a message over the limit is not sent: the page says why and keeps every character of it
  const long = `${'很长的消息'.repeat(800)}!`;
  await page.fill(inShadow('textarea'), long);
  await page.keyboard.press('Enter');
  await page.waitForSelector(inShadow('.notice:not([hidden])'));
  assert.match(await page.textContent(inShadow('.notice')), /4001.*4000/);
  assert.equal(await page.inputValue(inShadow('textarea')), long);
  assert.equal(await page.locator(inShadow('.msg.customer')).count(), 3);
  await page.fill(inShadow('textarea'), '');

  // close the tab, come back: the whole conversation is there, in order, with its structure on the wire
  const texts = inShadow('.log .msg:not(.system):not(.greeting) .text');
  const before = await page.locator(texts).allTextContents();
  assert.equal(before.length, 6);
  frames.length = 0;
  await page.reload();
  await page.waitForSelector(inShadow('.status.online'));
  await page.waitForFunction((n) => document.querySelector('parley-chat').shadowRoot
    .querySelectorAll('.log .msg:not(.system):not(.greeting)').length === n, before.length);
  assert.deepEqual(await page.locator(texts).allTextContents(), before);
  assert.equal((await frame((f) => f.type === 'message' && f.role === 'assistant')).intent, 'order_status');
  assert.doesNotMatch(await page.locator(inShadow('.panel')).innerText(), /order_status|order_id/);

  // a page that thinks the limit is higher sends it: the server refuses it, the bubble says "not sent" (never
  // a pending bubble forever) and the text comes back into the box
  oldLimit = true;
  await page.reload();
  await page.waitForSelector(inShadow('.status.online'));
  await page.fill(inShadow('textarea'), long);
  await page.keyboard.press('Enter');
  await page.waitForSelector(inShadow('.msg.customer.failed'));
  assert.equal(await page.locator(inShadow('.msg.customer.pending')).count(), 0);
  assert.equal(await page.inputValue(inShadow('textarea')), long);
  assert.match(await page.textContent(inShadow('.notice')), /4001/);
  oldLimit = false;

  // New chat: a conversation of its own, greeted
  const token = await page.evaluate(() => localStorage.getItem('parley.token'));
  await page.locator(inShadow('button.new')).click();
  await page.waitForSelector(inShadow('.msg.greeting'));
  await page.waitForSelector(inShadow('.status.online'));
  assert.equal(await page.locator(inShadow('.msg.customer')).count(), 0);
  assert.notEqual(await page.evaluate(() => localStorage.getItem('parley.token')), token);

  // a visitor whose browser speaks Chinese, on a phone: every word in Chinese, nothing internal, the offline
  // notice, a placeholder that fits
  const zh = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } })).newPage();
  zh.on('pageerror', (e) => { console.error('page error:', e); process.exitCode = 1; });
  await zh.goto(`${base}/`);
  await zh.waitForSelector(inShadow('.status.online'));
  assert.equal(await zh.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await zh.textContent(inShadow('.msg.greeting')), '您好！请问有什么可以帮您？');
  assert.deepEqual(await zh.locator(inShadow('.head button')).allTextContents(), ['转人工', '新对话']);
  assert.equal(await zh.textContent(inShadow('.composer button[type=submit]')), '发送');
  const fits = await zh.evaluate(() => {
    const ta = document.querySelector('parley-chat').shadowRoot.querySelector('textarea');
    const cs = getComputedStyle(ta);
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = `${cs.fontSize} ${cs.fontFamily}`;
    return ctx.measureText(ta.placeholder).width <= ta.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  });
  assert.ok(fits, 'the placeholder fits the box on a phone');
  await zh.fill(inShadow('textarea'), '我的订单 AB1234567 到哪了');
  await zh.keyboard.press('Enter');
  const zhAnswer = zh.locator(inShadow('.msg.assistant:not(.greeting):not(.streaming)'));
  await zhAnswer.waitFor();
  assert.match(await zhAnswer.locator('.foot').textContent(), /自动回复：智能助手暂时离线/);
  assert.match(await zhAnswer.locator('.author').textContent(), /智能助手/);
  const shown = await zh.locator(inShadow('.panel')).innerText();
  assert.doesNotMatch(shown, /order_status|order_id|confidence|intent|offline\b|source|model/i);
  const chrome = (await zh.locator(inShadow('.head, .composer, .author, .foot')).allInnerTexts()).join(' ').replace('Parley', '');
  assert.equal(chrome.match(/[A-Za-z]{3,}/g), null, `no English in the page's own words: ${chrome}`);
  await assertFits(zh, 'the chat page at 390 px');
  await assertAccessible(zh, 'the chat page in Chinese on a phone');
  // the explicit debug mode shows the internals (for whoever tunes the bot), only there
  await zh.goto(`${base}/?debug`);
  await zh.waitForSelector(inShadow('.debug .chip.intent'));
  assert.match(await zh.textContent(inShadow('.debug')), /order_status \d+%order_id: AB1234567/);
  console.log('chat page: streamed, structured (on the wire only), resumed, in Chinese, over-long messages kept OK');
} finally {
  await browser.close();
}
