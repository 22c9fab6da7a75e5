// The admins' page for the business's own intents (GET/POST/DELETE /api/intents). Plain DOM, no build
// step; sign-in stays on the console page, this page only uses its session cookie.
import { api as call, el } from './admin-page.js';

const api = (path, options) => call(path, options, 'Only admins manage intents.');

const status = document.getElementById('intents-status');
const list = document.getElementById('intent-list');

function lines(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

function card(intent) {
  const box = el('article', undefined, 'intent-card');
  const title = el('h3', intent.name);
  const learnt = el('span', intent.learnt ? 'learnt' : 'training…', `pill ${intent.learnt ? 'online' : 'offline'}`);
  title.append(learnt);
  if (intent.handoff) title.append(el('span', 'hands off', 'pill'));
  box.append(title, el('p', `EN: ${intent.answer.en}`), el('p', `中文: ${intent.answer.zh}`));
  const examples = el('ul');
  intent.examples.forEach((e) => examples.append(el('li', e)));
  box.append(el('strong', `${intent.examples.length} examples`), examples);

  const more = el('form', undefined, 'add-examples');
  const area = el('textarea');
  area.rows = 3;
  area.placeholder = 'More examples, one per line';
  more.append(area, el('button', 'Add examples'));
  more.addEventListener('submit', (event) => {
    event.preventDefault();
    act(() => api(`/api/intents/${encodeURIComponent(intent.name)}/examples`, {
      method: 'POST', body: JSON.stringify({ examples: lines(area.value) }) }));
  });
  const remove = el('button', 'Delete intent');
  remove.type = 'button';
  remove.addEventListener('click', () => {
    if (confirm(`Delete ${intent.name} and its examples?`)) {
      act(() => api(`/api/intents/${encodeURIComponent(intent.name)}`, { method: 'DELETE' }));
    }
  });
  box.append(more, remove);
  return box;
}

async function load() {
  const data = await api('/api/intents');
  document.getElementById('built-in').textContent = data.builtIn.join(', ');
  list.replaceChildren(...(data.business.length ? data.business.map(card) : [el('p', 'None yet.', 'hint')]));
  // a new or changed intent is learnt in the background: look again until every one is learnt
  if (data.business.some((b) => !b.learnt)) setTimeout(() => load().catch(show), 2000);
}

function show(error) {
  status.textContent = error.message;
}

async function act(call) {
  status.textContent = '';
  try {
    await call();
    await load();
  } catch (error) {
    show(error);
  }
}

document.getElementById('new-intent').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  const field = (name) => form.elements.namedItem(name);
  act(async () => {
    await api('/api/intents', { method: 'POST', body: JSON.stringify({
      name: field('name').value.trim(),
      answer: { en: field('en').value.trim(), zh: field('zh').value.trim() },
      handoff: field('handoff').checked,
      examples: lines(field('examples').value) }) });
    form.reset();
  });
});

load().catch(show);
