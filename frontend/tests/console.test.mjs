// The agent console, as an agent uses it next to a customer on the chat page (the widget mounted
// full-page): sign in, find the conversation the customer just started, take it over, reply, see the
// customer's next message arrive live, resolve, see the rating.
// Run: PARLEY_AGENT_USER=.. PARLEY_AGENT_PASSWORD=.. node tests/console.test.mjs URL
import assert from 'node:assert/strict';
import { launch, baseUrl, assertAccessible, assertFits } from './browser.mjs';

const base = baseUrl();
const user = process.env.PARLEY_AGENT_USER;
const password = process.env.PARLEY_AGENT_PASSWORD;
const marker = `parcel-${Date.now().toString(36)}`;
const browser = await launch();
try {
  const agent = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  const customer = await (await browser.newContext()).newPage();
  for (const p of [agent, customer]) p.on('pageerror', (e) => { console.error('page error:', e); process.exitCode = 1; });

  // the agent's live socket, which the test can drop
  const agentSockets = [];
  await agent.routeWebSocket(/\/ws\/agent$/, (ws) => { ws.connectToServer(); agentSockets.push(ws); });

  // sign in: a wrong password is refused, the right one opens the console
  await agent.goto(`${base}/console/`);
  await agent.fill('#username', user);
  await agent.fill('#password', 'not-the-password');
  await agent.click('#signin button[type=submit]');
  await agent.waitForFunction(() => document.querySelector('#signin-error').textContent.includes('Wrong'));
  await assertAccessible(agent, 'the sign-in form');
  await agent.fill('#password', password);
  await agent.press('#password', 'Enter');
  await agent.waitForSelector('#live.online');
  assert.match(await agent.textContent('#me'), /Cora/);

  // the name customers see is the account's display name: the console says so, and it can be changed
  assert.match(await agent.getAttribute('#me', 'title'), /Customers see you as “Cora”/);
  await agent.click('#open-account');
  await agent.fill('#name-form [name=displayName]', 'Cora Lin');
  await agent.click('#name-form button[type=submit]');
  await agent.waitForFunction(() => document.querySelector('#name-form .error').textContent.includes('customers now see “Cora Lin”'));
  await agent.click('#account-dialog form[method=dialog] button');
  assert.match(await agent.textContent('#me'), /Cora Lin \(agent\)/);
  const titleBefore = await agent.title();

  // a customer starts a conversation; the agent watches the Waiting tab for it
  await customer.goto(`${base}/`);
  await customer.waitForSelector('parley-chat .status.online');
  await customer.fill('parley-chat textarea', `my ${marker} arrived damaged`);
  await customer.keyboard.press('Enter');
  await customer.waitForSelector('parley-chat .msg.assistant:not(.greeting):not(.streaming)');
  await agent.click('#tabs [data-status="waiting_agent"]');
  await agent.click('#q');
  await agent.keyboard.type(marker);
  await agent.waitForFunction(() => document.querySelector('#page').textContent === 'No conversations');

  // the customer asks for a person: the conversation appears in the agent's list by itself (no reload)
  // the header's button (a greeting's suggestion chips may offer the same words)
  await customer.locator('button.human').click();
  await customer.waitForSelector('.msg.system[data-kind="handoff_requested"]');
  await agent.waitForFunction(() => document.querySelectorAll('#conversations .row').length === 1);
  // a new waiting conversation: a chime, the count in the title, a waiting timer in its SLA colour
  await agent.waitForFunction(() => Number(document.body.dataset.chimes || 0) >= 1);
  assert.match(await agent.title(), /^\(\d+\) Parley — agent console$/, `title was "${titleBefore}" before`);
  assert.match(await agent.textContent('#conversations .row .wait.sla-ok'), /^0:\d\d$/);
  await agent.keyboard.press('Escape');
  await agent.keyboard.press('j'); // open the first conversation from the keyboard
  await agent.waitForFunction((m) => document.querySelector('#transcript')?.textContent.includes(m), marker);
  assert.equal(await agent.textContent('#conv-status'), 'Waiting');
  assert.ok(await agent.locator('#transcript .line.assistant .chip.intent').count() >= 1, 'answers show their intent');
  assert.equal(await agent.locator('#transcript .why').count(), 0, '"Why?" (the model calls behind an answer) is for admins');

  // take over with the keyboard: the customer is told a person joined
  await agent.keyboard.press('t');
  await agent.waitForFunction(() => document.querySelector('#conv-status').textContent === 'With agent');
  const joined = customer.locator('.msg.system[data-kind="agent_joined"]');
  await joined.waitFor();
  assert.match(await joined.textContent(), /Cora Lin from our support team has joined/);

  // the customer panel: where from (the chat page's site), who (an anonymous visitor), nothing linked
  assert.match(await agent.textContent('#customer'), new RegExp(`From${base}Identityanonymous visitorLanguageen`));
  assert.equal(await agent.textContent('#past'), 'Not linked (anonymous)');
  await assertAccessible(agent, 'the console with a conversation open');

  // a small laptop and a phone: nothing sideways, every control on screen, list → transcript → details
  await agent.setViewportSize({ width: 1024, height: 768 });
  await assertFits(agent, 'the console at 1024 px');
  assert.ok((await agent.locator('#transcript').boundingBox()).width >= 600, 'the transcript keeps its width at 1024 px');
  await agent.click('#show-details');
  await agent.waitForSelector('#customer', { state: 'visible' });
  await assertFits(agent, 'the customer panel at 1024 px');
  await agent.click('#hide-details');
  await agent.setViewportSize({ width: 390, height: 844 });
  await assertFits(agent, 'a conversation at 390 px');
  assert.ok(await agent.isVisible('#transcript') && await agent.isVisible('#reply') && await agent.isVisible('#signout'));
  assert.equal(await agent.isVisible('#conversations'), false, 'one view at a time on a phone');
  await agent.click('#show-details');
  await assertFits(agent, 'the customer panel at 390 px');
  assert.ok(await agent.isVisible('#customer'));
  await agent.click('#hide-details');
  await agent.click('#back');
  await assertFits(agent, 'the list at 390 px');
  assert.ok(await agent.isVisible('#conversations') && await agent.isVisible('#q'));
  await agent.click('#tabs [data-status="agent"]'); // taken over: it is under "With agent" now
  await agent.click('#conversations .row');
  await agent.waitForSelector('#transcript', { state: 'visible' });
  await assertAccessible(agent, 'the console at 390 px');
  await agent.setViewportSize({ width: 1440, height: 900 });

  // the agent types (the customer sees it) and replies with Enter
  await agent.focus('#reply');
  await agent.keyboard.type('Sorry to hear that! ', { delay: 150 }); // over 2 s: typing is announced at most every 2 s, and a burst can fall in a moment the socket is busy
  await customer.waitForSelector('parley-chat .typing');
  assert.match(await customer.textContent('parley-chat .typing'), /Cora Lin is typing/);
  await agent.keyboard.type('I am sending a replacement today.');
  await agent.dispatchEvent('#reply', 'keydown', { key: 'Enter', isComposing: true }); // an IME choosing characters: no send
  assert.equal(await agent.inputValue('#reply'), 'Sorry to hear that! I am sending a replacement today.');
  await agent.keyboard.press('Enter');
  const reply = customer.locator('.msg.agent');
  await reply.waitFor();
  assert.equal(await reply.locator('.text').textContent(), 'Sorry to hear that! I am sending a replacement today.');
  assert.equal(await reply.locator('.author .name').textContent(), 'Cora Lin');
  await customer.waitForSelector('parley-chat .typing', { state: 'hidden' }); // the indicator goes with the message

  // the agent's connection drops: the console says so, reconnects by itself and watches the conversation again
  for (const ws of agentSockets.splice(0)) ws.close({ code: 4001, reason: 'dropped (test)' });
  await agent.waitForSelector('#live.offline');
  await agent.waitForSelector('#live.online', { timeout: 20000 });

  // the customer's next message arrives in the console live, and their typing shows there first
  await customer.click('parley-chat textarea');
  await customer.keyboard.type('Thank you, that is great', { delay: 100 }); // typing is announced every 2 s
  await agent.waitForSelector('#customer-typing:not([hidden])');
  await customer.keyboard.press('Enter');
  await agent.waitForFunction(() => [...document.querySelectorAll('#transcript .line.customer .text')]
    .some((t) => t.textContent === 'Thank you, that is great'));
  assert.equal(await agent.isHidden('#customer-typing'), true, 'the message ends "Customer is typing…" at once');
  await customer.waitForTimeout(300);
  assert.equal(await customer.locator('.msg.assistant:not(.greeting)').count(), 1, 'the bot stays silent while an agent has the conversation');

  // a photo of the damaged parcel from the widget: both sides see the image itself, loaded (not a broken icon)
  await customer.setInputFiles('parley-chat input[type=file]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') });
  await customer.waitForFunction(() => document.querySelector('parley-chat').shadowRoot.querySelector('.notice').textContent.includes('choose an image'));
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  await customer.setInputFiles('parley-chat input[type=file]', { name: 'parcel.png', mimeType: 'image/png', buffer: png });
  await agent.waitForFunction(() => document.querySelector('#transcript .line.customer .attachment img')?.naturalWidth > 0);
  await customer.waitForFunction(() => document.querySelector('parley-chat').shadowRoot.querySelector('.msg.customer img.image')?.naturalWidth > 0);
  // and the agent sends one back from the reply box
  await agent.setInputFiles('#attach-file', { name: 'label.png', mimeType: 'image/png', buffer: png });
  await customer.waitForFunction(() => document.querySelector('parley-chat').shadowRoot.querySelector('.msg.agent img.image')?.naturalWidth > 0);
  await agent.waitForFunction(() => document.querySelector('#transcript .line.agent .attachment img')?.naturalWidth > 0);

  // resolve: the customer rates it, and the rating shows in the console
  await agent.keyboard.press('Escape');
  await agent.keyboard.press('r');
  await customer.waitForSelector('parley-chat .rating');
  await customer.locator('parley-chat .rating .star').nth(4).click();
  await customer.fill('parley-chat .rating input', 'Quick and kind');
  await customer.click('parley-chat .rating button[type=submit]');
  await customer.waitForSelector('.msg.system[data-kind="rated"]');
  await agent.waitForFunction(() => document.querySelector('#conv-rating').textContent.includes('Rated 5/5'));
  assert.equal(await agent.textContent('#conv-status'), 'Resolved');

  // the export links point at this conversation
  const href = await agent.getAttribute('#export-html', 'href');
  const html = await (await agent.request.get(`${base}${href}`)).text();
  assert.match(html, new RegExp(marker));
  console.log('console: signed in, found, took over, replied, saw the customer live, exchanged images, resolved and rated OK');
} finally {
  await browser.close();
}
