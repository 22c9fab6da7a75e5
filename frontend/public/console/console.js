// The agent console: sign in, inbox with filters and search, live transcript, take over, reply,
// hand back, resolve, notes, tags, exports. Plain ES module; the REST API is /api/*, live updates
// come over /ws/agent (docs/protocol.md, "Agent socket"). Customer and model text is always set as
// text, never as HTML.
import { ParleySocket, newId } from '../js/parley-client.js';
import { el, enterSubmits } from '../js/dom.js';
import { waitTimer, waitingCount, alertToggles } from './alerts.js';
import { showCustomer } from './customer.js';
import { accountDialogs } from './accounts.js';
import { appendMessage, appendAction, streamStart, streamDelta, setAnswerExtras } from './transcript.js';
import { whyButton } from './trace.js';
import { wireAttach } from './attach.js';

const $ = (sel) => document.querySelector(sel);
const PAGE_SIZE = 25;

const state = {
  me: null,
  status: '',
  page: 0,
  total: 0,
  rows: [],
  selected: null,   // conversation id
  detail: null,     // its transcript summary
  lastSeq: 0,       // highest seq shown in the transcript
};

// the live socket: on each (re)connection it watches the open conversation again from what is shown;
// before reconnecting it checks the session (signed out: api() shows the sign-in form, which closes it)
const socket = new ParleySocket({
  path: '/ws/agent',
  hello: () => (state.selected ? { type: 'watch', conversationId: state.selected, lastSeq: state.lastSeq } : null),
  beforeReconnect: () => api('/api/agents/me'),
});

async function api(path, options = {}) {
  const res = await fetch(path, { credentials: 'same-origin', ...options,
    headers: { Accept: 'application/json', ...(options.body ? { 'Content-Type': 'application/json' } : {}), ...options.headers } });
  if (res.status === 401) { showSignIn(); throw new Error('Please sign in again.'); }
  if (!res.ok) {
    let detail = `${res.status}`;
    try { detail = (await res.json()).detail || detail; } catch { /* not JSON */ }
    throw new Error(detail);
  }
  return res.status === 204 ? null : res.json();
}

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');
const short = (iso) => {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString();
};
const STATUS_LABEL = { bot: 'Bot', waiting_agent: 'Waiting', agent: 'With agent', resolved: 'Resolved', closed: 'Closed' };

// ---- sign in / out ------------------------------------------------------------------------------

function showSignIn() {
  socket.close();
  $('#app').hidden = true;
  $('#signin').hidden = false;
  $('#username').focus();
}

$('#signin').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('#signin-error').textContent = '';
  const res = await fetch('/j_security_check', { method: 'POST', credentials: 'same-origin',
    body: new URLSearchParams(new FormData(e.target)) });
  if (res.ok) { $('#password').value = ''; start(); return; }
  // 429: too many failed sign-ins from here; the problem's detail says how long to wait
  let detail = 'Wrong username or password.';
  if (res.status === 429) {
    try { detail = (await res.json()).detail; } catch { detail = 'Too many failed sign-ins. Try again later.'; }
  } else if (res.status !== 401) {
    detail = `Sign-in failed (${res.status}).`;
  }
  $('#signin-error').textContent = detail;
});

$('#signout').addEventListener('click', async () => {
  try { await api('/api/agents/sign-out', { method: 'POST' }); } catch { /* signed out anyway */ }
  state.selected = null;
  showSignIn();
});

// the name customers see is the account's display name: say so next to it
function showMe() {
  $('#me').textContent = `${state.me.displayName} (${state.me.role})`;
  $('#me').title = `Customers see you as “${state.me.displayName}” (change it in My account)`;
  $('#name-form [name=displayName]').value = state.me.displayName;
}

// On narrow screens one view shows at a time (console.css): the list, a conversation, or its customer panel.
function setView(view) {
  $('#app').dataset.view = view;
  $('#show-details').setAttribute('aria-expanded', String(view === 'details'));
}

async function start() {
  try {
    state.me = await api('/api/agents/me');
  } catch {
    return; // showSignIn already ran
  }
  $('#signin').hidden = true;
  $('#app').hidden = false;
  showMe();
  $('#open-agents').hidden = state.me.role !== 'admin';
  $('#open-intents').hidden = state.me.role !== 'admin';
  $('#open-integrations').hidden = state.me.role !== 'admin';
  $('#open-dashboard').hidden = state.me.role !== 'admin';
  $('#open-audit').hidden = state.me.role !== 'admin';
  socket.connect();
  await refreshList();
}

// ---- live socket --------------------------------------------------------------------------------

socket.addEventListener('status', (e) => {
  $('#live').textContent = e.detail.online ? 'live' : 'reconnecting…';
  $('#live').className = `pill ${e.detail.online ? 'online' : 'offline'}`;
});
for (const type of ['activity', 'message', 'answer.start', 'answer.delta', 'answer.end', 'typing', 'error']) {
  socket.addEventListener(type, (e) => onFrame(e.detail));
}

let listTimer;
function onFrame(f) {
  switch (f.type) {
    case 'activity':
      clearTimeout(listTimer);
      listTimer = setTimeout(refreshList, 150);
      break;
    case 'message':
      if (f.seq > state.lastSeq) {
        appendMessage(f);
        state.lastSeq = f.seq;
        if (f.role === 'system' || f.role === 'agent' || f.role === 'customer') hideTyping(); // the message ends the typing
        if (f.role === 'system') refreshDetail();
      }
      break;
    case 'answer.start': streamStart(f); break;
    case 'answer.delta': streamDelta(f); break;
    case 'answer.end':
      $(`[data-turn="${CSS.escape(f.turn)}"]`)?.remove();
      if (f.seq > state.lastSeq) { appendMessage(f); state.lastSeq = f.seq; }
      break;
    case 'typing':
      if (f.role === 'customer') showTyping();
      break;
    case 'error':
      if (f.code !== 'model_unavailable') $('#action-error').textContent = f.message;
      break;
    default:
      break;
  }
}

let typingTimer;
function showTyping() {
  $('#customer-typing').hidden = false;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(hideTyping, 4000);
}
function hideTyping() { $('#customer-typing').hidden = true; clearTimeout(typingTimer); }

// ---- inbox --------------------------------------------------------------------------------------

function filterParams() {
  const p = new URLSearchParams();
  if (state.status) p.set('status', state.status);
  for (const id of ['q', 'intent', 'agent', 'from', 'to']) {
    const v = $(`#${id}`).value.trim();
    if (v) p.set(id, v);
  }
  return p;
}

async function refreshList() {
  const p = filterParams();
  p.set('page', state.page);
  p.set('size', PAGE_SIZE);
  let data;
  try {
    const waitingNow = api('/api/inbox?status=waiting_agent&size=1'); // all waiting, whatever the filters
    data = await api(`/api/inbox?${p}`);
    waitingCount((await waitingNow).total);
  } catch (e) { $('#action-error').textContent = e.message; return; }
  state.rows = data.items;
  state.total = data.total;
  let all = 0;
  for (const [status, n] of Object.entries(data.counts)) {
    all += n;
    const c = document.querySelector(`[data-count="${status}"]`);
    if (c) c.textContent = n;
  }
  document.querySelector('[data-count=""]').textContent = all;
  $('#export-all').href = `/api/inbox/export.csv?${filterParams()}`;
  $('#page').textContent = data.total ? `${state.page * PAGE_SIZE + 1}–${state.page * PAGE_SIZE + data.items.length} of ${data.total}` : 'No conversations';
  $('#prev').disabled = state.page === 0;
  $('#next').disabled = (state.page + 1) * PAGE_SIZE >= data.total;
  const list = $('#conversations');
  list.replaceChildren(...data.items.map(rowElement));
}

function rowElement(r) {
  const li = el('li', `row status-${r.status}`);
  li.setAttribute('role', 'option');
  li.tabIndex = -1;
  li.dataset.id = r.id;
  li.setAttribute('aria-selected', String(r.id === state.selected));
  const top = el('div', 'row-top');
  top.append(el('span', `pill ${r.status}`, STATUS_LABEL[r.status] || r.status));
  if (r.lastIntent) top.append(el('span', 'chip intent', r.lastIntent));
  if (r.rating) top.append(el('span', 'chip rating', `★ ${r.rating}`));
  if (r.agentName) top.append(el('span', 'chip agent', r.agentName));
  if (r.status === 'waiting_agent' && r.waitingSince) top.append(waitTimer(r.waitingSince));
  top.append(el('time', 'time', short(r.updatedAt)));
  li.append(top, el('div', 'preview', r.lastText || '(no messages yet)'));
  li.addEventListener('click', () => select(r.id));
  return li;
}

for (const tab of document.querySelectorAll('#tabs [role=tab]')) {
  tab.addEventListener('click', () => {
    state.status = tab.dataset.status;
    state.page = 0;
    document.querySelectorAll('#tabs [role=tab]').forEach((t) => t.setAttribute('aria-selected', String(t === tab)));
    refreshList();
  });
}
document.querySelector('#tabs [data-status=""]').setAttribute('aria-selected', 'true');
let searchTimer;
for (const id of ['q', 'intent', 'agent', 'from', 'to']) {
  $(`#${id}`).addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => { state.page = 0; refreshList(); }, 250); });
}
$('#prev').addEventListener('click', () => { state.page = Math.max(0, state.page - 1); refreshList(); });
$('#next').addEventListener('click', () => { state.page += 1; refreshList(); });

// ---- one conversation ---------------------------------------------------------------------------

async function select(id) {
  state.selected = id;
  setView('conversation');
  state.lastSeq = 0;
  document.querySelectorAll('#conversations .row').forEach((r) => r.setAttribute('aria-selected', String(r.dataset.id === id)));
  $('#transcript').replaceChildren();
  hideTyping();
  $('#action-error').textContent = '';
  const t = await refreshDetail();
  if (!t || state.selected !== id) return;
  for (const m of t.messages) appendMessage(m);
  for (const a of t.actions || []) appendAction(a);
  state.lastSeq = t.messages.length ? t.messages[t.messages.length - 1].seq : 0;
  // live from here on: everything stored after what the transcript showed
  socket.sendFrame({ type: 'watch', conversationId: id, lastSeq: state.lastSeq });
}

async function refreshDetail() {
  const id = state.selected;
  if (!id) return null;
  let t;
  try { t = await api(`/api/conversations/${id}`); } catch (e) { $('#action-error').textContent = e.message; return null; }
  if (state.selected !== id) return null;
  const c = t.conversation;
  state.detail = c;
  $('#empty').hidden = true;
  $('#conversation').hidden = false;
  $('#conv-title').textContent = [`Conversation ${c.id.slice(0, 8)}`, c.locale, c.site && `from ${c.site}`,
    c.userId && `user ${c.userId}`, `started ${when(c.createdAt)}`].filter(Boolean).join(' · ');
  $('#conv-status').textContent = STATUS_LABEL[c.status] || c.status;
  $('#conv-status').className = `pill ${c.status}`;
  $('#conv-agent').textContent = c.agentName ? `Agent: ${c.agentName}` : '';
  $('#conv-rating').textContent = c.rating ? `Rated ${c.rating}/5${c.ratingComment ? ` “${c.ratingComment}”` : ''}` : '';
  const mine = c.status === 'agent' && c.agent === state.me.username;
  $('#take').disabled = mine || c.status === 'closed';
  $('#handback').disabled = !(c.status === 'agent' && (mine || state.me.role === 'admin'));
  $('#resolve').disabled = !['bot', 'waiting_agent', 'agent'].includes(c.status);
  $('#reply').disabled = !mine;
  $('#reply').placeholder = mine ? 'Reply to the customer (Enter sends, Shift+Enter new line)' : 'Take the conversation over to reply';
  $('#reply-form button').disabled = !mine;
  for (const kind of ['json', 'csv', 'html']) $(`#export-${kind}`).href = `/api/conversations/${id}/export.${kind}`;
  $('#tags').value = c.tags.join(', ');
  $('#notes').replaceChildren(...t.notes.map((n) => {
    const li = el('li');
    li.append(el('div', 'note-meta', `${n.author} · ${when(n.at)}`), el('div', 'note-text', n.text));
    return li;
  }));
  $('#history').replaceChildren(...t.history.map((h) => el('li', null, `${when(h.at)}: ${h.from} → ${h.to} (${h.actor})`)));
  api(`/api/conversations/${id}/customer`).then((customer) => {
    if (state.selected === id) showCustomer(customer, $('#customer'), $('#past'), select);
  }, () => { /* the transcript is there; the panel stays as it was */ });
  return t;
}

async function act(path) {
  $('#action-error').textContent = '';
  try { await api(`/api/conversations/${state.selected}/${path}`, { method: 'POST' }); } catch (e) { $('#action-error').textContent = e.message; }
  await refreshDetail();
  refreshList();
}
$('#back').addEventListener('click', () => setView('list'));
$('#show-details').addEventListener('click', () => setView('details'));
$('#hide-details').addEventListener('click', () => setView('conversation'));
alertToggles($('#alert-sound'), $('#alert-title'));
setView('list');

$('#take').addEventListener('click', () => act('take').then(() => $('#reply').focus()));
$('#handback').addEventListener('click', () => act('hand-back'));
$('#resolve').addEventListener('click', () => act('resolve'));

$('#reply-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('#reply').value.trim();
  if (!text || !state.selected) return;
  if (!socket.sendFrame({ type: 'message', conversationId: state.selected, id: newId(), text })) {
    $('#action-error').textContent = 'Not connected; try again in a moment.';
    return;
  }
  $('#reply').value = '';
});
enterSubmits($('#reply'), $('#reply-form'));
wireAttach(() => state.selected);
let lastTyping = 0;
$('#reply').addEventListener('input', () => {
  if (Date.now() - lastTyping > 2000 && socket.sendFrame({ type: 'typing', conversationId: state.selected })) lastTyping = Date.now();
});

$('#note-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('#note').value.trim();
  if (!text) return;
  try {
    await api(`/api/conversations/${state.selected}/notes`, { method: 'POST', body: JSON.stringify({ text }) });
    $('#note').value = '';
    refreshDetail();
  } catch (err) { $('#action-error').textContent = err.message; }
});
$('#tags-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const tags = $('#tags').value.split(',').map((t) => t.trim()).filter(Boolean);
  try {
    await api(`/api/conversations/${state.selected}/tags`, { method: 'PUT', body: JSON.stringify(tags) });
    refreshDetail();
  } catch (err) { $('#action-error').textContent = err.message; }
});

// ---- keyboard -----------------------------------------------------------------------------------

document.addEventListener('keydown', (e) => {
  if ($('#app').hidden || e.ctrlKey || e.metaKey || e.altKey) return;
  const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName);
  if (e.key === 'Escape' && typing) { document.activeElement.blur(); return; }
  if (typing) return;
  const move = (delta) => {
    const i = state.rows.findIndex((r) => r.id === state.selected);
    const next = state.rows[Math.min(state.rows.length - 1, Math.max(0, i + delta))];
    if (next) { select(next.id); document.querySelector(`#conversations [data-id="${next.id}"]`)?.scrollIntoView({ block: 'nearest' }); }
  };
  const keys = {
    '/': () => $('#q').focus(),
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    t: () => !$('#take').disabled && $('#take').click(),
    b: () => !$('#handback').disabled && $('#handback').click(),
    r: () => !$('#resolve').disabled && $('#resolve').click(),
  };
  if (keys[e.key] && (state.selected || ['/', 'j', 'k', 'ArrowDown', 'ArrowUp'].includes(e.key))) { e.preventDefault(); keys[e.key](); }
});

// ---- accounts (accounts.js) --------------------------------------------------------------------

setAnswerExtras((m) => (state.me && state.me.role === 'admin' && m.seq
  ? whyButton(() => `/api/conversations/${state.selected}/messages/${m.seq}/trace`, api) : null));
accountDialogs({ api, me: () => state.me, renamed: (me) => { state.me = me; showMe(); } });

start();
