// The console's transcript: stored messages (answers with their intent, entities, source, model, tokens
// and timings: internals are for agents) and answers streaming in. Text is always set as text.
import { el } from '../js/dom.js';

const $ = (sel) => document.querySelector(sel);
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');

export function appendMessage(m) {
  const box = $('#transcript');
  if (box.querySelector(`[data-seq="${m.seq}"]`)) return;
  const div = el('div', `line ${m.role}`);
  div.dataset.seq = m.seq;
  if (m.role === 'customer') div.dataset.msg = m.id;
  const head = el('div', 'line-head');
  head.append(el('span', 'who', m.role === 'agent' ? (m.author || 'Agent') : m.role), el('time', 'time', when(m.at)));
  div.append(head, m.attachment ? image(m.attachment) : el('div', 'text', m.text)); // an image's text is a placeholder
  if (m.role === 'assistant') div.append(answerMeta(m));
  if (m.passages?.length) div.append(passagesUsed(m));
  box.append(div);
  box.scrollTop = box.scrollHeight;
}

// A sent image, served to signed-in agents only (the session cookie goes with the request); opens full size.
function image(id) {
  const link = el('a', 'attachment');
  link.href = `/api/attachments/${encodeURIComponent(id)}`;
  link.target = '_blank';
  link.rel = 'noopener';
  const img = el('img');
  img.src = link.href;
  img.alt = 'Image sent in the conversation';
  link.append(img);
  return link;
}

function answerMeta(m) {
  const meta = el('div', 'meta');
  if (m.intent) meta.append(el('span', 'chip intent', `${m.intent}${typeof m.confidence === 'number' ? ` ${Math.round(m.confidence * 100)}%` : ''}`));
  for (const e of m.entities || []) meta.append(el('span', 'chip entity', `${e.type}: ${e.value}`));
  if (m.source) meta.append(el('span', 'chip source', [m.source, m.provider, m.model].filter(Boolean).join(' · ')));
  const tokens = m.promptTokens != null ? `${m.promptTokens}+${m.completionTokens ?? 0} tokens` : null;
  const timing = m.firstTokenMs != null ? `first token ${m.firstTokenMs} ms, total ${m.totalMs} ms` : null;
  if (tokens || timing) meta.append(el('span', 'chip cost', [tokens, timing].filter(Boolean).join(' · ')));
  if (m.state && m.state !== 'complete') meta.append(el('span', 'chip warn', m.state));
  if (m.handoff) meta.append(el('span', 'chip warn', 'asked for a person'));
  const extra = answerExtras(m);
  if (extra) meta.append(extra);
  return meta;
}

let answerExtras = () => null;

/** What the console adds to an answer's line for this agent (an admin's "Why?"). */
export function setAnswerExtras(fn) {
  answerExtras = fn;
}

// An action call of the bot's (look-up, refund request), under the customer message whose turn made it.
export function appendAction(a) {
  const div = el('div', `line action ${a.outcome === 'ok' ? '' : 'failed'}`);
  const head = el('div', 'line-head');
  head.append(el('span', 'who', `action ${a.action}${a.changes ? ' (changes)' : ''}`), el('time', 'time', when(a.at)));
  const status = [a.outcome, a.httpStatus && `HTTP ${a.httpStatus}`, `${a.durationMs} ms`].filter(Boolean).join(' · ');
  div.append(head, el('div', 'text', `${a.arguments} → ${status}`), el('div', 'meta', a.summary || ''));
  const customer = [...document.querySelectorAll('#transcript [data-msg]')].find((d) => d.dataset.msg === a.turn);
  const after = customer?.nextElementSibling?.classList.contains('assistant') ? customer.nextElementSibling : customer;
  if (after) after.after(div); else $('#transcript').append(div);
}

// The knowledge-base passages the answer was given (the transcript's, not the live frames'), cited ones marked.
function passagesUsed(m) {
  const cited = new Set((m.sources || []).map((s) => s.id));
  const box = el('details', 'passages');
  box.append(el('summary', null, `Passages used (${m.passages.length}${cited.size ? `, ${cited.size} cited` : ''})`));
  for (const p of m.passages) {
    const item = el('div', `passage${cited.has(p.articleId) ? ' cited' : ''}`);
    item.append(el('strong', null, `${p.title} #${p.chunk + 1}`), el('span', 'chip source', `score ${p.score.toFixed(2)}`),
      el('div', 'text', p.text));
    box.append(item);
  }
  return box;
}

export function streamStart(f) {
  let div = document.querySelector(`[data-turn="${CSS.escape(f.turn)}"]`);
  if (!div) {
    div = el('div', 'line assistant streaming');
    div.dataset.turn = f.turn;
    div.append(el('div', 'line-head', 'assistant (answering…)'), el('div', 'text', ''));
    $('#transcript').append(div);
  }
}

export function streamDelta(f) {
  const div = document.querySelector(`[data-turn="${CSS.escape(f.turn)}"]`);
  if (div) {
    div.querySelector('.text').textContent += f.text;
    $('#transcript').scrollTop = $('#transcript').scrollHeight;
  }
}

