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
  const head = el('div', 'line-head');
  head.append(el('span', 'who', m.role === 'agent' ? (m.author || 'Agent') : m.role), el('time', 'time', when(m.at)));
  div.append(head, el('div', 'text', m.text));
  if (m.role === 'assistant') div.append(answerMeta(m));
  box.append(div);
  box.scrollTop = box.scrollHeight;
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
  return meta;
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

