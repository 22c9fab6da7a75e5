// The Parley chat widget, the one renderer of the customer's conversation: a launcher bubble and a
// chat panel, or (option `mount`: an element or a selector, or `fullPage`) the panel alone filling a
// container, as on Parley's chat page at "/". It lives in a shadow root, so the host page's CSS
// cannot reach it and its CSS cannot leak out. Customers see clean text only: no intents, entities
// or confidences (option `debug`, set by the chat page's ?debug, shows them). Model and agent text is
// always set as text, never as HTML. Loaded by /widget.js or imported by a page; speaks the customer
// protocol through ParleyClient.
import { ParleyClient } from '../js/parley-client.js';
import { el, enterSubmits } from '../js/dom.js';
import { TEXT, languageOf } from './texts.js';
import { CSS } from './style.js';
import { attachButton, imagePart } from './attach.js';

const fill = (s, values) => s.replace(/\{(\w+)\}/g, (_, k) => values[k]);
const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '');
const button = (cls, text) => { const b = el('button', cls, text); b.type = 'button'; return b; };

/**
 * @param options the embed options (README, "Embed on your site"); `mount` (an element or a selector) or
 *                `fullPage` show the panel alone, filling that element or the window; `storageKey` names
 *                where the conversation's token is kept
 * @param base    Parley's base URL (where its socket is)
 */
export function mount(options, base) {
  let lang = (options.locale && options.locale !== 'auto' ? options.locale : navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
  let t = TEXT[lang];
  const container = typeof options.mount === 'string' ? document.querySelector(options.mount) : options.mount;
  const page = Boolean(container || options.fullPage);
  const host = document.createElement('parley-chat');
  if (page) host.className = container ? 'page' : 'page full';
  const shadow = host.attachShadow({ mode: 'open' });
  const style = el('style');
  style.textContent = CSS;
  const root = el('div', `root ${page ? 'page' : options.position === 'left' ? 'left' : 'right'} ${options.dark === true ? 'dark' : options.dark === 'auto' ? 'auto' : ''}`);
  if (options.color && /^#[0-9a-f]{3,8}$|^rgb/i.test(options.color)) root.style.setProperty('--c', options.color);

  const launcher = button('launcher');
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', 'parley-panel');
  launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
  const badge = el('span', 'badge');
  badge.hidden = true;
  launcher.append(badge);

  const panel = el('section', 'panel');
  panel.id = 'parley-panel';
  panel.setAttribute('role', page ? 'region' : 'dialog');
  panel.hidden = true;
  const head = el('div', 'head');
  const title = el('h2');
  const human = button('human');
  const close = button('close', '×');
  const status = el('span', 'status');
  status.setAttribute('role', 'status');
  const fresh = button('new');
  head.append(title);
  // on a page of its own: whether it is connected, and a new conversation (a verified user has only one)
  if (page) head.append(status, human, ...(options.userId ? [] : [fresh]));
  else head.append(human, close);
  const offline = el('div', 'offline');
  offline.setAttribute('role', 'status');
  offline.hidden = true;
  const log = el('div', 'log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  log.tabIndex = 0; // scrollable with the keyboard
  const typing = el('div', 'typing');
  typing.setAttribute('aria-live', 'polite');
  typing.hidden = true;
  const chips = el('div', 'chips');
  const rating = el('form', 'rating');
  rating.hidden = true;
  const stars = [1, 2, 3, 4, 5].map((n) => {
    const b = button('star', String(n));
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', () => stars.forEach((s, i) => s.setAttribute('aria-pressed', String(i === n - 1))));
    return b;
  });
  const rateLabel = el('span');
  const comment = el('input');
  comment.maxLength = 2000;
  const rateButton = el('button', 'submit');
  rateButton.type = 'submit';
  rating.append(rateLabel, ...stars, comment, rateButton);
  const notice = el('div', 'notice');
  notice.setAttribute('role', 'alert');
  notice.hidden = true;
  const composer = el('form', 'composer');
  const input = el('textarea');
  const send = el('button');
  send.type = 'submit';
  composer.append(input, send);
  // AI-generated answers are labelled, and the disclosure page says which models answer and what is stored
  const about = el('a', 'about');
  about.href = new URL('/ai-disclosure', base).href;
  about.target = '_blank';
  about.rel = 'noopener';
  panel.append(head, offline, log, typing, chips, rating, notice, composer, about);
  if (page) root.append(panel);
  else root.append(launcher, panel);
  shadow.append(style, root);
  (container || document.body).append(host);

  const parley = new URL(base);
  const client = new ParleyClient({
    url: `${parley.protocol === 'https:' ? 'wss' : 'ws'}://${parley.host}/ws/chat`,
    storageKey: options.storageKey || `parley.widget:${parley.host}`,
    locale: lang === 'zh' ? 'zh-CN' : 'en',
    identity: options.userId ? { userId: String(options.userId), userHash: String(options.userHash || '') } : null,
  });
  const bubbles = new Map(); // "c:<id>" customer, "a:<customer seq>" answer, "s:<seq>" others, "t:<turn>" streaming
  const loadedAt = Date.now();
  let unread = 0;
  let typingTimer;
  let greeting = null;
  const attach = attachButton(base, client, () => t, showNotice); // a photo (a damaged item, say), sent over HTTP
  composer.prepend(attach.button, attach.input);
  const image = imagePart(base, client, () => t);

  // every word a customer reads, in the current language: again when the conversation's language changes
  function relabel() {
    host.lang = lang === 'zh' ? 'zh-CN' : 'en';
    launcher.setAttribute('aria-label', isOpen() ? t.close : unread ? `${t.open} (${unread} ${t.unread})` : t.open);
    panel.setAttribute('aria-label', options.title || t.title);
    title.textContent = options.title || t.title;
    human.textContent = t.human;
    close.setAttribute('aria-label', t.close);
    status.textContent = client.ready ? t.online : status.classList.contains('seen') ? t.reconnecting : t.connecting;
    fresh.textContent = t.newChat;
    fresh.title = t.newChatTitle;
    offline.textContent = t.offline;
    rateLabel.textContent = t.rate;
    comment.placeholder = t.comment;
    comment.setAttribute('aria-label', t.comment);
    rateButton.textContent = t.rateSend;
    input.placeholder = t.placeholder;
    input.setAttribute('aria-label', t.placeholder);
    send.textContent = t.send;
    about.textContent = t.about;
    attach.relabel();
    if (greeting && !options.greeting) greeting.querySelector('.text').textContent = t.greeting;
  }
  function speak(text) {
    const found = options.locale && options.locale !== 'auto' ? null : languageOf(text);
    if (!found || found === lang) return;
    lang = found;
    t = TEXT[lang];
    relabel();
  }

  const isOpen = () => !panel.hidden;
  const scroll = () => { log.scrollTop = log.scrollHeight; };
  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    if (open) {
      unread = 0;
      badge.hidden = true;
      scroll();
      input.focus();
    } else {
      launcher.focus();
    }
    relabel();
  }
  function countUnread(f) {
    if (isOpen() || f.role === 'customer' || Date.parse(f.at) < loadedAt - 2000) return;
    unread += 1;
    badge.textContent = String(unread);
    badge.hidden = false;
    relabel();
  }
  function hideTyping() { typing.hidden = true; clearTimeout(typingTimer); }
  function showNotice(text) { notice.textContent = text; notice.hidden = !text; }

  // A stored message's bubble is built from parts, one function each, in this order; a new part (a label,
  // sources, an attachment) is one more function here. Each returns an element or nothing.
  const PARTS = [
    function author(f) {
      if (f.role !== 'agent' && f.role !== 'assistant') return null;
      const name = f.role === 'agent' ? f.author || t.support : t.assistant;
      const who = el('span', 'author');
      const avatar = el('span', 'avatar', name.slice(0, 1).toUpperCase());
      avatar.setAttribute('aria-hidden', 'true');
      who.append(avatar, el('span', 'name', name));
      return who;
    },
    // every answer the assistant wrote is labelled as AI-generated (answer.end's aiGenerated)
    (f) => (f.role === 'assistant' && f.aiGenerated ? el('span', 'ai', t.ai) : null),
    (f) => (f.attachment ? image(f) : el('span', 'text', f.text)), // an image's message text is only a placeholder
    // the articles an answer cites (answer.end's sources), as links; only http(s) addresses become links
    function sources(f) {
      if (!f.sources?.length) return null;
      const box = el('span', 'sources', `${t.sources}:`);
      for (const s of f.sources.slice(0, 5)) {
        const link = /^https?:\/\//i.test(s.url || '') ? el('a', '', s.title) : el('span', '', ` ${s.title}`);
        if (link.tagName === 'A') Object.assign(link, { href: s.url, target: '_blank', rel: 'noopener noreferrer' });
        box.append(link);
      }
      return box;
    },
    function debug(f) {
      if (!options.debug || f.role !== 'assistant' || !f.intent) return null;
      const d = el('span', 'debug');
      d.append(el('span', 'chip intent', `${f.intent} ${Math.round((f.confidence || 0) * 100)}%`),
        ...(f.entities || []).map((e) => el('span', 'chip entity', `${e.type}: ${e.value}`)));
      return d;
    },
    function foot(f) {
      if (f.role === 'system' || !f.at) return null;
      const foot = el('span', 'foot');
      const time = el('time', null, clock(f.at));
      time.dateTime = f.at;
      foot.append(time);
      // the offline engine answered (no model reachable): say so, as the README promises
      if (f.role === 'assistant' && (f.source === 'offline' || f.source === 'kb')) foot.append(' · ', el('span', 'offline-note', t.offlineAnswer));
      return foot;
    },
  ];

  function bubble(key, role) {
    let b = bubbles.get(key);
    if (!b) {
      b = el('div', `msg ${role}`);
      b.dataset.role = role;
      b.append(el('span', 'text'));
      log.append(b);
      bubbles.set(key, b);
    }
    return b;
  }
  const textOf = (b) => b.querySelector('.text');
  function showChips(list) {
    chips.replaceChildren(...(list || []).slice(0, 4).map((s) => {
      const c = button('chip', s);
      c.addEventListener('click', () => { say(s); input.focus(); }); // the chip goes away: keep the keyboard in the input
      return c;
    }));
  }
  function stored(f) {
    let key = `s:${f.seq}`;
    if (f.role === 'customer') key = `c:${f.id}`;
    if (f.role === 'assistant' && f.replyTo) key = `a:${f.replyTo}`;
    const b = bubble(key, f.role);
    b.classList.remove('pending', 'streaming', 'failed', 'working');
    b.dataset.seq = f.seq;
    if (f.kind) b.dataset.kind = f.kind;
    b.replaceChildren(...PARTS.map((part) => part(f)).filter(Boolean));
    if (f.role === 'customer') {
      bubbles.set(`seq:${f.seq}`, b);
      rating.hidden = true;
      bubbles.get(`e:limited:${f.id}`)?.remove(); // stored now: the slow-down notice has done its job
      bubbles.delete(`e:limited:${f.id}`);
      speak(f.text);
    }
    if (f.role === 'assistant') {
      showChips(f.suggestions);
      b.classList.toggle('incomplete', Boolean(f.incomplete)); // cut short: Retry (on its error) resends the turn
      b.dataset.note = t.interrupted;
    }
    if (f.role === 'agent' || f.role === 'customer') showChips([]);
    if (f.role === 'agent') hideTyping();
    if (f.role === 'system') {
      if (f.kind === 'agent_left' || f.kind === 'resolved') hideTyping();
      rating.hidden = f.kind !== 'resolved';
      human.disabled = ['handoff_requested', 'handoff_no_agent', 'agent_joined'].includes(f.kind);
    }
    countUnread(f);
    scroll();
  }
  function say(text) {
    const id = client.send(text);
    const b = bubble(`c:${id}`, 'customer');
    b.classList.add('pending');
    textOf(b).textContent = text;
    showChips([]);
    showNotice('');
    scroll();
  }
  function streamBubble(turn) {
    const customer = bubbles.get(`c:${turn}`);
    const key = customer?.dataset.seq ? `a:${customer.dataset.seq}` : `t:${turn}`;
    const b = bubble(key, 'assistant');
    bubbles.set(`t:${turn}`, b);
    return b;
  }
  function refused(f) {
    // the server will never store it: the bubble says so and the text goes back into the box, not lost
    const b = bubbles.get(`c:${f.turn}`);
    if (b) {
      b.classList.replace('pending', 'failed');
      b.append(el('span', 'foot', t.notSent));
    }
    if (!input.value) input.value = f.unsentText;
    showNotice(f.code === 'too_large' ? fill(t.tooLong, { n: f.unsentText.length, max: client.maxTextChars }) : f.message);
    input.focus();
  }

  client.addEventListener('status', (e) => {
    offline.hidden = e.detail.online;
    if (e.detail.online) status.classList.add('seen');
    status.classList.toggle('online', e.detail.online);
    relabel();
  });
  client.addEventListener('ready', (e) => {
    if (!greeting && e.detail.seq === 0 && options.greeting !== '') {
      greeting = el('div', 'msg assistant greeting');
      greeting.append(el('span', 'text', options.greeting || t.greeting));
      log.prepend(greeting);
    }
  });
  client.addEventListener('message', (e) => stored(e.detail));
  client.addEventListener('answer.start', (e) => {
    const b = streamBubble(e.detail.turn);
    b.classList.add('streaming');
    textOf(b).textContent = '';
    if (!b.querySelector('.ai')) b.prepend(el('span', 'ai', t.ai)); // labelled while it streams too
  });
  client.addEventListener('answer.status', (e) => {
    // an action is running ("Looking up your order…"): shown in the answer's place until its text comes
    const b = streamBubble(e.detail.turn);
    b.classList.add('streaming', 'working');
    textOf(b).textContent = e.detail.text;
    scroll();
  });
  client.addEventListener('answer.delta', (e) => {
    const b = streamBubble(e.detail.turn);
    if (b.classList.contains('working')) {
      b.classList.remove('working');
      textOf(b).textContent = '';
    }
    textOf(b).textContent += e.detail.text;
    scroll();
  });
  client.addEventListener('answer.end', (e) => stored(e.detail));
  client.addEventListener('typing', (e) => {
    if (e.detail.role !== 'agent') return;
    typing.textContent = `${e.detail.name || t.support} ${t.typing}`;
    typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, 4000);
  });
  client.addEventListener('error', (e) => {
    const f = e.detail;
    if (f.unsentText != null) { refused(f); return; }
    if (f.code === 'rate_limited' && f.turn) {
      // the message stays on screen as pending and the client sends it again: one notice per message, gone once it is stored
      const note = bubble(`e:limited:${f.turn}`, 'system');
      note.classList.add('error', 'limited');
      note.dataset.code = f.code;
      textOf(note).textContent = t.slowDown;
      scroll();
      return;
    }
    const note = bubble(`e:${Date.now()}:${Math.random()}`, 'system');
    note.classList.add('error');
    textOf(note).textContent = f.message;
    note.dataset.code = f.code;
    const asked = f.turn && bubbles.get(`c:${f.turn}`);
    if (asked && textOf(asked) && (f.code === 'model_unavailable' || f.code === 'storage_unavailable')) {
      // retrying a turn is resending its message with the same id: never a second message
      const retry = button('retry', t.retry);
      retry.addEventListener('click', () => { client.send(textOf(asked).textContent, f.turn); note.remove(); });
      note.append(retry);
    }
    scroll();
  });

  launcher.addEventListener('click', () => setOpen(!isOpen()));
  close.addEventListener('click', () => setOpen(false));
  human.addEventListener('click', () => client.handoff());
  if (!page) panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); setOpen(false); } });
  fresh.addEventListener('click', () => { client.forget(); location.reload(); });
  composer.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    // over the server's limit: say so and keep the text, rather than send what would be refused
    if (text.length > client.maxTextChars) { showNotice(fill(t.tooLong, { n: text.length, max: client.maxTextChars })); return; }
    input.value = '';
    speak(text);
    say(text);
  });
  enterSubmits(input, composer);
  input.addEventListener('input', () => client.typing());
  rating.addEventListener('submit', (e) => {
    e.preventDefault();
    const score = stars.findIndex((s) => s.getAttribute('aria-pressed') === 'true') + 1;
    if (score) client.rate(score, comment.value.trim() || undefined);
  });

  relabel();
  client.connect();
  if (page || options.open) setOpen(true);
}
