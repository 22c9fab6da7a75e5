// The chat page at "/": renders the conversation, streams answers as they arrive, shows intent and entities.
import { ParleyClient } from './parley-client.js';

const $ = (sel) => document.querySelector(sel);
const log = $('#log');
const form = $('#composer');
const input = $('#text');
const status = $('#status');
const typingNote = $('#typing');
const rating = $('#rating');
const client = new ParleyClient();
let typingTimer;
const bubbles = new Map(); // key (seq or "turn:<id>") -> element

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text; // model output is text, never HTML
  return e;
}

function scroll() { log.scrollTop = log.scrollHeight; }

function meta(f) {
  const box = el('div', 'meta');
  if (f.intent) {
    const chip = el('span', 'chip intent', f.intent);
    if (typeof f.confidence === 'number') chip.title = `confidence ${Math.round(f.confidence * 100)}%`;
    box.append(chip);
  }
  for (const e of f.entities || []) box.append(el('span', 'chip entity', `${e.type}: ${e.value}`));
  if (f.source) box.append(el('span', `chip source ${f.source}`, f.source === 'offline' ? 'offline mode' : f.source === 'model' ? (f.model || 'model') : f.source));
  return box;
}

function suggestions(f) {
  const box = el('div', 'suggestions');
  for (const s of f.suggestions || []) {
    const b = el('button', 'suggestion', s);
    b.type = 'button';
    b.addEventListener('click', () => send(s));
    box.append(b);
  }
  return box;
}

function bubble(role, key) {
  let b = bubbles.get(key);
  if (!b) {
    b = el('div', `msg ${role}`);
    b.append(el('div', 'text'));
    b.dataset.role = role;
    log.append(b);
    bubbles.set(key, b);
  }
  return b;
}

// an agent's typing shows for a few seconds at most, and goes at once when they send or leave
function showTyping(f) {
  typingNote.textContent = `${f.name || 'Support'} is typing…`;
  typingNote.hidden = false;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(hideTyping, 4000);
}
function hideTyping() { typingNote.hidden = true; clearTimeout(typingTimer); }

// a resolved conversation asks for a rating; a rating, or a new message, puts it away
function onSystem(f) {
  if (f.kind === 'agent_left' || f.kind === 'resolved') hideTyping();
  if (f.kind === 'resolved') rating.hidden = false;
  if (f.kind === 'rated') rating.hidden = true;
  $('#handoff').disabled = f.kind === 'agent_joined' || f.kind === 'handoff_requested' || f.kind === 'handoff_no_agent';
  if (f.kind === 'agent_left' || f.kind === 'resolved') $('#handoff').disabled = false;
}

function renderStored(f) {
  if (f.role === 'agent') hideTyping();
  if (f.role === 'customer') rating.hidden = true;
  if (f.role === 'system') onSystem(f);
  const key = f.role === 'customer' ? `turn:${f.id}` : f.role === 'assistant' && f.replyTo ? `answer:${f.replyTo}` : `seq:${f.seq}`;
  const b = bubble(f.role, key);
  b.dataset.seq = f.seq;
  b.classList.remove('pending', 'streaming');
  b.querySelector('.text').textContent = f.text;
  if (f.role === 'agent' && !b.querySelector('.author')) b.prepend(el('div', 'author', f.author || 'Support'));
  if (f.kind) b.dataset.kind = f.kind;
  if (f.role === 'customer') bubbles.set(`seq:${f.seq}`, b);
  if (f.role === 'assistant') {
    b.querySelector('.meta')?.remove();
    b.querySelector('.suggestions')?.remove();
    b.prepend(meta(f));
    if (f.incomplete) b.classList.add('incomplete');
    b.append(suggestions(f));
    document.querySelectorAll('.suggestions').forEach((s) => { if (!b.contains(s)) s.remove(); });
  }
  scroll();
}

function answerBubble(turn) {
  const customer = bubbles.get(`turn:${turn}`);
  const key = customer?.dataset.seq ? `answer:${customer.dataset.seq}` : `stream:${turn}`;
  const b = bubble('assistant', key);
  bubbles.set(`stream:${turn}`, b);
  return b;
}

function send(text) {
  const id = client.send(text);
  const b = bubble('customer', `turn:${id}`);
  b.classList.add('pending');
  b.querySelector('.text').textContent = text;
  scroll();
}

client.addEventListener('status', (e) => {
  status.textContent = e.detail.online ? 'online' : 'reconnecting…';
  status.className = e.detail.online ? 'online' : 'offline';
});
client.addEventListener('message', (e) => renderStored(e.detail));
client.addEventListener('answer.start', (e) => {
  const b = answerBubble(e.detail.turn);
  b.classList.add('streaming');
  b.querySelector('.text').textContent = '';
  b.querySelector('.meta')?.remove();
  b.prepend(meta(e.detail));
  scroll();
});
client.addEventListener('answer.delta', (e) => {
  const b = answerBubble(e.detail.turn);
  b.querySelector('.text').textContent += e.detail.text;
  scroll();
});
client.addEventListener('answer.end', (e) => {
  const b = bubbles.get(`stream:${e.detail.turn}`);
  if (b) bubbles.set(`answer:${e.detail.replyTo}`, b);
  renderStored(e.detail);
});
client.addEventListener('typing', (e) => { if (e.detail.role === 'agent') showTyping(e.detail); });
client.addEventListener('error', (e) => {
  const f = e.detail;
  const note = el('div', 'msg system error', f.message);
  note.dataset.code = f.code;
  const asked = f.turn && bubbles.get(`turn:${f.turn}`);
  if (asked && (f.code === 'model_unavailable' || f.code === 'storage_unavailable')) {
    // retrying a turn is resending its message with the same id: never a second message
    const retry = el('button', 'suggestion retry', 'Retry');
    retry.type = 'button';
    retry.addEventListener('click', () => { client.send(asked.querySelector('.text').textContent, f.turn); note.remove(); });
    note.append(' ', retry);
  }
  log.append(note);
  scroll();
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  send(text);
});
input.addEventListener('input', () => client.typing());
$('#handoff').addEventListener('click', () => client.handoff());
rating.addEventListener('submit', (e) => {
  e.preventDefault();
  const score = Number(new FormData(rating).get('score'));
  if (score) client.rate(score, $('#rating-comment').value.trim() || undefined);
});
input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
});
$('#new').addEventListener('click', () => {
  localStorage.removeItem('parley.token');
  location.reload();
});

client.connect();
input.focus();
