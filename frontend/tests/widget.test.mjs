// The embeddable widget as a site's visitor uses it: the demo site (one origin) embeds widget.js
// from Parley (another origin). Run: DEMO_URL=http://127.0.0.1:PORT node tests/widget.test.mjs PARLEY_URL
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { launch, baseUrl, assertAccessible } from './browser.mjs';

const parley = baseUrl();
const demo = process.env.DEMO_URL.replace(/\/$/, '');
const page_ = `${demo}/?parley=${encodeURIComponent(parley)}`;
const browser = await launch();

const hostile = `
  body { font-size: 50px !important; color: red !important; line-height: 3 !important; font-family: serif !important; }
  div, button, section, form, span, textarea, input { border: 7px dashed red !important; padding: 30px !important;
    margin: 20px !important; background: lime !important; font-size: 40px !important; display: block !important;
    width: 300px !important; box-shadow: none !important; border-radius: 0 !important; }`;

async function styles(page) {
  return page.evaluate(() => {
    const root = document.querySelector('parley-chat').shadowRoot;
    const pick = (sel, props) => { const s = getComputedStyle(root.querySelector(sel)); return props.map((p) => s[p]); };
    return {
      launcher: pick('.launcher', ['backgroundColor', 'width', 'height', 'borderTopWidth', 'paddingTop', 'position']),
      panel: pick('.panel', ['width', 'backgroundColor', 'fontSize']),
      input: pick('textarea', ['fontSize', 'borderTopWidth', 'paddingTop', 'fontFamily']),
      bubble: pick('.msg', ['fontSize', 'paddingTop', 'backgroundColor', 'lineHeight']),
    };
  });
}

try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => { console.error('page error:', e); process.exitCode = 1; });

  // a socket the test can drop, and keep refusing while "offline"
  let offline = false;
  const sockets = [];
  await page.routeWebSocket(/\/ws\/chat$/, (ws) => {
    if (offline) { ws.close({ code: 4000, reason: 'offline (test)' }); return; }
    ws.connectToServer();
    sockets.push(ws);
  });

  // what the widget loads, and from where
  const loaded = [];
  page.on('response', async (r) => { loaded.push({ url: r.url(), body: await r.body().catch(() => Buffer.alloc(0)) }); });
  const plain = await context.newPage(); // a page of the same site without the widget
  await plain.goto(`${demo}/no-widget-here`);
  const blank = await plain.evaluate(() => Object.keys(window));
  await plain.close();

  await page.goto(page_);
  const launcher = page.locator('parley-chat .launcher');
  await launcher.waitFor();
  await page.waitForTimeout(300);

  // one global, nothing from third-party hosts, at most 15 KB gzipped in total
  const globals = (await page.evaluate(() => Object.keys(window)))
    .filter((k) => !blank.includes(k) && !k.startsWith('__pw')); // __pw…: Playwright's own socket routing
  assert.deepEqual(globals, ['Parley']);
  const fromParley = loaded.filter((r) => r.url.startsWith(parley));
  const others = loaded.filter((r) => !r.url.startsWith(parley) && !r.url.startsWith(demo));
  assert.deepEqual(others.map((r) => r.url), []);
  const gz = fromParley.reduce((n, r) => n + gzipSync(r.body, { level: 9 }).length, 0);
  console.log(`widget: ${fromParley.length} files from Parley (${fromParley.map((r) => new URL(r.url).pathname).join(', ')}), ${gz} bytes gzipped`);
  assert.ok(gz <= 15 * 1024, `widget budget: ${gz} bytes gzipped > 15 KB`);

  // open from the keyboard-reachable launcher: the greeting shows and the input has focus
  await launcher.click();
  const panel = page.locator('parley-chat .panel');
  await panel.waitFor();
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  assert.match(await page.locator('parley-chat .msg.greeting').textContent(), /Ask us about orders/);
  assert.equal(await page.evaluate(() => document.querySelector('parley-chat').shadowRoot.activeElement?.tagName), 'TEXTAREA');
  assert.equal(await page.locator('parley-chat .log').getAttribute('role'), 'log');
  assert.equal(await page.locator('parley-chat .log').getAttribute('aria-live'), 'polite');

  // a message gets a streamed answer (seen mid-stream), with suggestion chips
  await page.keyboard.type('where is my order AB1234567?');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => {
    const b = document.querySelector('parley-chat').shadowRoot.querySelector('.msg.assistant.streaming');
    return b && b.textContent.length > 0;
  }, null, { polling: 5 });
  const answer = page.locator('parley-chat .msg.assistant:not(.streaming):not(.greeting)').first();
  await answer.waitFor();
  assert.match(await answer.textContent(), /AB1234567/);
  // the widget says when the offline engine answered, as the README promises
  assert.match(await answer.locator('.foot').textContent(), /Automatic reply: our assistant is offline right now/);
  await assertAccessible(page, 'the widget, open, with an answer', 'parley-chat');
  const chip = page.locator('parley-chat .chip').first();
  const suggestion = await chip.textContent();
  await chip.click();
  await page.waitForFunction((n) => document.querySelector('parley-chat').shadowRoot
    .querySelectorAll('.msg.assistant:not(.streaming):not(.greeting)').length === n, 2);
  assert.equal(await page.locator('parley-chat .msg.customer .text').nth(1).textContent(), suggestion);

  // answers never become markup
  await page.keyboard.type('<img src=x onerror="window.__owned=1"> hello');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('parley-chat').shadowRoot
    .querySelectorAll('.msg.assistant:not(.streaming):not(.greeting)').length === 3);
  assert.equal(await page.evaluate(() => window.__owned), undefined);
  assert.equal(await page.locator('parley-chat .msg img').count(), 0);

  // hostile host-page CSS does not change the widget
  const before = await styles(page);
  await page.addStyleTag({ content: hostile });
  assert.deepEqual(await styles(page), before);

  // reload: the conversation resumes
  const history = await page.locator('parley-chat .msg:not(.greeting):not(.system)').allTextContents();
  assert.equal(history.length, 6);
  await page.reload();
  await page.locator('parley-chat .launcher').click();
  await page.waitForFunction((n) => document.querySelector('parley-chat').shadowRoot
    .querySelectorAll('.msg:not(.greeting):not(.system)').length === n, history.length);
  assert.deepEqual(await page.locator('parley-chat .msg:not(.greeting):not(.system)').allTextContents(), history);

  // the connection drops: an offline notice, a message typed meanwhile, delivered once when back
  offline = true;
  for (const ws of sockets.splice(0)) ws.close({ code: 4001, reason: 'dropped (test)' });
  await page.locator('parley-chat .offline').waitFor();
  await page.locator('parley-chat textarea').fill('typed while offline');
  await page.keyboard.press('Enter');
  await page.locator('parley-chat .msg.customer.pending').waitFor();
  await page.waitForTimeout(800); // a reconnect attempt or two is refused
  offline = false;
  await page.locator('parley-chat .offline').waitFor({ state: 'hidden', timeout: 20000 });
  await page.waitForFunction(() => !document.querySelector('parley-chat').shadowRoot.querySelector('.msg.customer.pending'));
  await page.waitForFunction(() => document.querySelector('parley-chat').shadowRoot
    .querySelectorAll('.msg.assistant:not(.streaming):not(.greeting)').length === 4);
  await page.reload();
  await page.locator('parley-chat .launcher').click();
  await page.waitForFunction(() => document.querySelector('parley-chat').shadowRoot
    .querySelectorAll('.msg.assistant:not(.streaming):not(.greeting)').length === 4);
  const texts = await page.locator('parley-chat .msg.customer .text').allTextContents();
  assert.equal(texts.filter((t) => t === 'typed while offline').length, 1, `delivered exactly once: ${texts}`);

  // Escape closes and gives focus back; an answer arriving while closed counts as unread
  await page.locator('parley-chat textarea').fill('where is my order AB7777777?');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  assert.equal(await panel.isHidden(), true);
  assert.equal(await page.evaluate(() => document.querySelector('parley-chat').shadowRoot.activeElement?.className), 'launcher');
  await page.locator('parley-chat .badge').waitFor();
  assert.equal(await page.locator('parley-chat .badge').textContent(), '1');

  // phones: the panel takes the whole screen
  const phone = await (await browser.newContext({ viewport: { width: 375, height: 700 } })).newPage();
  await phone.goto(page_);
  await phone.locator('parley-chat .launcher').click();
  const box = await phone.locator('parley-chat .panel').boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, 375, 700]);
  // a photo as the visitor's very first act (a damaged parcel): shown, and honestly left to a person
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  await phone.setInputFiles('parley-chat input[type=file]', { name: 'parcel.png', mimeType: 'image/png', buffer: png });
  await phone.waitForFunction(() => document.querySelector('parley-chat').shadowRoot.querySelector('.msg.customer img.image')?.naturalWidth > 0);
  await phone.waitForFunction(() => [...document.querySelector('parley-chat').shadowRoot.querySelectorAll('.msg.assistant')]
    .some((m) => m.textContent.includes('a person from our team will look at it')));
  console.log('widget: embedded cross-origin, streamed, resumed, survived a dropped socket and hostile CSS, a first-act photo OK');
} finally {
  await browser.close();
}
