// The Parley chat widget, the one renderer of the customer's conversation: a launcher bubble and a
// chat panel, or (option `mount`: an element or a selector, or `fullPage`) the panel alone filling a
// container, as on Parley's chat page at "/". It lives in a shadow root, so the host page's CSS
// cannot reach it and its CSS cannot leak out. Customers see clean text only: no intents, entities
// or confidences. Model and agent text is always set as text, never as HTML. Loaded by /widget.js
// or imported by a page; speaks the customer protocol through ParleyClient.
import { ParleyClient } from '../js/parley-client.js';
import { el, enterSubmits } from '../js/dom.js';

const TEXT = {
  en: { title: 'Chat with us', greeting: 'Hi! How can we help you today?', placeholder: 'Type your message…', send: 'Send',
    open: 'Open chat', close: 'Close chat', human: 'Talk to a person', offline: 'Connection lost. Reconnecting… Messages you send now go out when it is back.',
    typing: 'is typing…', support: 'Support', rate: 'How did we do?', rateSend: 'Rate', comment: 'Comment (optional)', unread: 'unread messages',
    connecting: 'connecting…', online: 'online', reconnecting: 'reconnecting…', newChat: 'New chat', newChatTitle: 'Start a new conversation',
    retry: 'Retry', interrupted: '(interrupted)', sources: 'Sources', slowDown: 'Too many messages at once. Yours is kept and sent again by itself shortly.',
    ai: 'AI-generated', about: 'About this AI assistant' },
  zh: { title: '在线客服', greeting: '您好！请问有什么可以帮您？', placeholder: '请输入您的问题…', send: '发送',
    open: '打开聊天', close: '关闭聊天', human: '转人工', offline: '连接已断开，正在重连…现在发送的消息会在恢复后送达。',
    typing: '正在输入…', support: '客服', rate: '请为本次服务评分', rateSend: '提交', comment: '留言（可选）', unread: '条未读消息',
    connecting: '连接中…', online: '在线', reconnecting: '重连中…', newChat: '新对话', newChatTitle: '开始新的对话',
    retry: '重试', interrupted: '（已中断）', sources: '来源', slowDown: '发送太频繁了。您的消息已保留，稍后会自动重新发送。',
    ai: 'AI 生成', about: '关于 AI 助手' },
};

const CSS = `
:host { all: initial; }
:host(.page) { display: block; height: 100%; }
:host(.full) { position: fixed; inset: 0; }
* { box-sizing: border-box; }
.root { --c: #2563eb; --bg: #fff; --fg: #1f2937; --muted: #6b7280; --bubble: #f3f4f6; --line: #e5e7eb;
  position: fixed; bottom: 20px; right: 20px; z-index: 2147483000; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); }
.root.left { right: auto; left: 20px; }
.root.dark { --bg: #111827; --fg: #f3f4f6; --muted: #9ca3af; --bubble: #1f2937; --line: #374151; }
@media (prefers-color-scheme: dark) { .root.auto { --bg: #111827; --fg: #f3f4f6; --muted: #9ca3af; --bubble: #1f2937; --line: #374151; } }
button, textarea, input { font: inherit; color: inherit; margin: 0; }
.launcher { width: 56px; height: 56px; border-radius: 50%; border: 0; background: var(--c); color: #fff; cursor: pointer; box-shadow: 0 4px 16px rgb(0 0 0 / 25%); display: grid; place-items: center; position: relative; padding: 0; }
.launcher svg { width: 26px; height: 26px; fill: currentColor; }
.badge { position: absolute; top: -4px; right: -4px; min-width: 20px; height: 20px; border-radius: 10px; background: #dc2626; color: #fff; font-size: 12px; line-height: 20px; padding: 0 5px; text-align: center; }
.panel { position: absolute; bottom: 72px; right: 0; width: 360px; height: min(560px, calc(100vh - 110px)); background: var(--bg); border-radius: 14px; box-shadow: 0 8px 40px rgb(0 0 0 / 25%); display: flex; flex-direction: column; overflow: hidden; }
.left .panel { right: auto; left: 0; }
.root.page { position: relative; inset: auto; z-index: auto; height: 100%; }
.page .panel { position: relative; inset: auto; width: 100%; height: 100%; border-radius: 0; box-shadow: none; }
.head { display: flex; align-items: center; gap: 8px; padding: 12px 14px; background: var(--c); color: #fff; }
.head h2 { margin: 0; font-size: 16px; flex: 1; font-weight: 600; }
.head button { background: rgb(255 255 255 / 18%); border: 0; color: #fff; border-radius: 6px; padding: 3px 8px; cursor: pointer; }
.head button:disabled { opacity: .5; cursor: default; }
.status { font-size: 12px; padding: 1px 8px; border-radius: 999px; background: rgb(0 0 0 / 18%); }
.status.online::before { content: "● "; color: #86efac; }
.offline { background: #fef3c7; color: #92400e; font-size: 12px; padding: 6px 12px; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
.msg { max-width: 85%; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; word-wrap: break-word; background: var(--bubble); align-self: flex-start; }
.msg.customer { align-self: flex-end; background: var(--c); color: #fff; }
.msg.pending { opacity: .6; }
.msg.agent { border-left: 3px solid #16a34a; }
.msg .author { display: block; font-size: 11px; font-weight: 600; color: #16a34a; }
.msg .ai { display: block; font-size: 11px; color: var(--muted); margin-top: 2px; }
.about { display: block; text-align: center; font-size: 11px; color: var(--muted); padding: 0 0 6px; }
.msg.system { align-self: center; background: none; color: var(--muted); font-size: 12px; text-align: center; }
.msg.streaming::after { content: "▍"; color: var(--muted); }
.msg.working .text { color: var(--muted); font-style: italic; }
.msg.incomplete::after { content: " " attr(data-note); color: #b45309; font-style: italic; }
.msg.error { color: #b91c1c; }
.msg .retry { margin-left: 6px; border: 1px solid currentColor; background: none; border-radius: 999px; font-size: 12px; padding: 1px 8px; cursor: pointer; }
.typing { padding: 0 14px 4px; font-size: 12px; color: var(--muted); font-style: italic; }
.sources { display: block; margin-top: 6px; font-size: 12px; color: var(--muted); white-space: normal; }
.sources a { color: var(--c); margin-left: 6px; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; padding: 0 12px 8px; }
.chip { border: 1px solid var(--c); color: var(--c); background: var(--bg); border-radius: 999px; padding: 3px 10px; font-size: 13px; cursor: pointer; }
.rating { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 8px 12px; border-top: 1px solid var(--line); font-size: 13px; }
.rating .star { border: 1px solid var(--line); background: var(--bg); border-radius: 6px; width: 30px; cursor: pointer; padding: 2px 0; }
.rating .star[aria-pressed="true"] { background: var(--c); color: #fff; border-color: var(--c); }
.rating input { flex: 1; min-width: 100px; border: 1px solid var(--line); border-radius: 6px; padding: 4px 6px; background: var(--bg); }
.rating .submit, .composer button { background: var(--c); color: #fff; border: 0; border-radius: 8px; padding: 0 14px; cursor: pointer; font-weight: 600; }
.rating .submit { padding: 4px 10px; }
.composer { display: flex; gap: 8px; padding: 10px; border-top: 1px solid var(--line); }
.composer textarea { flex: 1; resize: none; border: 1px solid var(--line); border-radius: 8px; padding: 8px; background: var(--bg); height: 40px; }
:focus-visible { outline: 2px solid var(--c); outline-offset: 2px; }
.head :focus-visible { outline-color: #fff; }
[hidden] { display: none !important; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
@media (max-width: 480px) { .root:not(.page) .panel { position: fixed; inset: 0; width: auto; height: auto; border-radius: 0; } }
`;

/**
 * @param options the embed options (README, "Embed on your site"); `mount` (an element or a selector) or
 *                `fullPage` show the panel alone, filling that element or the window; `storageKey` names
 *                where the conversation's token is kept
 * @param base    Parley's base URL (where its socket is)
 */
export function mount(options, base) {
  const lang = (options.locale && options.locale !== 'auto' ? options.locale : navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
  const t = TEXT[lang];
  const container = typeof options.mount === 'string' ? document.querySelector(options.mount) : options.mount;
  const page = Boolean(container || options.fullPage);
  const host = document.createElement('parley-chat');
  if (page) host.className = container ? 'page' : 'page full';
  const shadow = host.attachShadow({ mode: 'open' });
  const style = el('style');
  style.textContent = CSS;
  const root = el('div', `root ${page ? 'page' : options.position === 'left' ? 'left' : 'right'} ${options.dark === true ? 'dark' : options.dark === 'auto' ? 'auto' : ''}`);
  if (options.color && /^#[0-9a-f]{3,8}$|^rgb/i.test(options.color)) root.style.setProperty('--c', options.color);

  const launcher = el('button', 'launcher');
  launcher.type = 'button';
  launcher.setAttribute('aria-label', t.open);
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', 'parley-panel');
  launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
  const badge = el('span', 'badge');
  badge.hidden = true;
  launcher.append(badge);

  const panel = el('section', 'panel');
  panel.id = 'parley-panel';
  panel.setAttribute('role', page ? 'region' : 'dialog');
  panel.setAttribute('aria-label', options.title || t.title);
  panel.hidden = true;
  const head = el('div', 'head');
  const human = el('button', 'human', t.human);
  human.type = 'button';
  const close = el('button', 'close', '×');
  close.type = 'button';
  close.setAttribute('aria-label', t.close);
  const status = el('span', 'status', t.connecting);
  status.setAttribute('role', 'status');
  const fresh = el('button', 'new', t.newChat);
  fresh.type = 'button';
  fresh.title = t.newChatTitle;
  head.append(el('h2', null, options.title || t.title));
  // on a page of its own: whether it is connected, and a new conversation (a verified user has only one)
  if (page) head.append(status, human, ...(options.userId ? [] : [fresh]));
  else head.append(human, close);
  const offline = el('div', 'offline', t.offline);
  offline.setAttribute('role', 'status');
  offline.hidden = true;
  const log = el('div', 'log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  const typing = el('div', 'typing');
  typing.setAttribute('aria-live', 'polite');
  typing.hidden = true;
  const chips = el('div', 'chips');
  const rating = el('form', 'rating');
  rating.hidden = true;
  const stars = [1, 2, 3, 4, 5].map((n) => {
    const b = el('button', 'star', String(n));
    b.type = 'button';
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', () => stars.forEach((s, i) => s.setAttribute('aria-pressed', String(i === n - 1))));
    return b;
  });
  const comment = el('input');
  comment.placeholder = t.comment;
  comment.maxLength = 2000;
  const rateButton = el('button', 'submit', t.rateSend);
  rateButton.type = 'submit';
  rating.append(el('span', null, t.rate), ...stars, comment, rateButton);
  const composer = el('form', 'composer');
  const input = el('textarea');
  input.placeholder = t.placeholder;
  input.maxLength = 4000;
  input.setAttribute('aria-label', t.placeholder);
  const send = el('button', null, t.send);
  send.type = 'submit';
  composer.append(input, send);
  // AI-generated answers are labelled, and the disclosure page says which models answer and what is stored
  const about = el('a', 'about', t.about);
  about.href = new URL('/ai-disclosure', base).href;
  about.target = '_blank';
  about.rel = 'noopener';
  panel.append(head, offline, log, typing, chips, rating, composer, about);
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
  let greeted = false;

  const isOpen = () => !panel.hidden;
  const scroll = () => { log.scrollTop = log.scrollHeight; };
  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? t.close : t.open);
    if (open) {
      unread = 0;
      badge.hidden = true;
      scroll();
      input.focus();
    } else {
      launcher.focus();
    }
  }
  function countUnread(f) {
    if (isOpen() || f.role === 'customer' || Date.parse(f.at) < loadedAt - 2000) return;
    unread += 1;
    badge.textContent = String(unread);
    badge.hidden = false;
    launcher.setAttribute('aria-label', `${t.open} (${unread} ${t.unread})`);
  }
  function hideTyping() { typing.hidden = true; clearTimeout(typingTimer); }

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
  function labelAi(b) {
    if (!b.querySelector('.ai')) b.prepend(el('span', 'ai', t.ai));
  }
  function setText(b, f) {
    textOf(b).textContent = f.text;
    if (f.role === 'agent' && !b.querySelector('.author')) b.prepend(el('span', 'author', f.author || t.support));
  }
  // The articles an answer cites (answer.end's sources), as links under it; only http(s) addresses become links.
  function showSources(b, list) {
    b.querySelector('.sources')?.remove();
    if (!list?.length) return;
    const box = el('span', 'sources', `${t.sources}:`);
    for (const s of list.slice(0, 5)) {
      const link = /^https?:\/\//i.test(s.url || '') ? el('a', '', s.title) : el('span', '', ` ${s.title}`);
      if (link.tagName === 'A') Object.assign(link, { href: s.url, target: '_blank', rel: 'noopener noreferrer' });
      box.append(link);
    }
    b.append(box);
  }
  function showChips(list) {
    chips.replaceChildren(...(list || []).slice(0, 4).map((s) => {
      const c = el('button', 'chip', s);
      c.type = 'button';
      c.addEventListener('click', () => { say(s); input.focus(); }); // the chip goes away: keep the keyboard in the input
      return c;
    }));
  }
  function stored(f) {
    let key = `s:${f.seq}`;
    if (f.role === 'customer') key = `c:${f.id}`;
    if (f.role === 'assistant' && f.replyTo) key = `a:${f.replyTo}`;
    const b = bubble(key, f.role);
    b.classList.remove('pending', 'streaming', 'working');
    b.dataset.seq = f.seq;
    if (f.kind) b.dataset.kind = f.kind;
    setText(b, f);
    if (f.role === 'customer') {
      bubbles.set(`seq:${f.seq}`, b);
      rating.hidden = true;
      bubbles.get(`e:limited:${f.id}`)?.remove(); // stored now: the slow-down notice has done its job
      bubbles.delete(`e:limited:${f.id}`);
    }
    if (f.role === 'assistant') {
      if (f.aiGenerated) labelAi(b);
      showSources(b, f.sources);
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
    scroll();
  }
  function streamBubble(turn) {
    const customer = bubbles.get(`c:${turn}`);
    const key = customer?.dataset.seq ? `a:${customer.dataset.seq}` : `t:${turn}`;
    const b = bubble(key, 'assistant');
    bubbles.set(`t:${turn}`, b);
    return b;
  }

  client.addEventListener('status', (e) => {
    offline.hidden = e.detail.online;
    status.textContent = e.detail.online ? t.online : t.reconnecting;
    status.classList.toggle('online', e.detail.online);
  });
  client.addEventListener('ready', (e) => {
    if (!greeted && e.detail.seq === 0 && options.greeting !== '') {
      greeted = true;
      const greeting = el('div', 'msg assistant greeting');
      greeting.append(el('span', 'text', options.greeting || t.greeting));
      log.prepend(greeting);
    }
  });
  client.addEventListener('message', (e) => stored(e.detail));
  client.addEventListener('answer.start', (e) => {
    const b = streamBubble(e.detail.turn);
    b.classList.add('streaming');
    textOf(b).textContent = '';
    labelAi(b);
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
    if (asked && (f.code === 'model_unavailable' || f.code === 'storage_unavailable')) {
      // retrying a turn is resending its message with the same id: never a second message
      const retry = el('button', 'retry', t.retry);
      retry.type = 'button';
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
    input.value = '';
    say(text);
  });
  enterSubmits(input, composer);
  input.addEventListener('input', () => client.typing());
  rating.addEventListener('submit', (e) => {
    e.preventDefault();
    const score = stars.findIndex((s) => s.getAttribute('aria-pressed') === 'true') + 1;
    if (score) client.rate(score, comment.value.trim() || undefined);
  });

  client.connect();
  if (page || options.open) setOpen(true);
}
