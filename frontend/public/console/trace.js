// The console's "Why?" on an answer (admins): the model calls behind it and what it was given,
// from GET /api/conversations/{id}/messages/{seq}/trace. Text only, never HTML.
import { el } from '../js/dom.js';

// "Why did the bot say this": the answer's model calls and what it was given (admins only)
export function whyButton(path, api) {
  const button = el('button', 'why', 'Why?');
  button.type = 'button';
  button.title = 'The model calls behind this answer';
  button.addEventListener('click', async () => {
    const line = button.closest('.line');
    line.querySelector('.trace')?.remove();
    const box = el('div', 'trace');
    line.append(box);
    try {
      const t = await api(path());
      const items = t.calls.map((c) => el('li', null, [`#${c.attempt} ${c.provider} · ${c.model}`, c.outcome,
        c.requestId && `request ${c.requestId}`, c.promptVersion && `prompt ${c.promptVersion}`,
        c.totalMs != null && `${c.totalMs} ms`].filter(Boolean).join(' · ')));
      if (!items.length) items.push(el('li', null, `no model call: answered by ${t.source || 'the assistant'}`));
      for (const [name, used] of Object.entries(t.sources)) items.push(el('li', null, `${name}: ${used.length ? used.map((u) => JSON.stringify(u)).join('; ') : 'none'}`));
      const list = el('ul');
      list.append(...items);
      box.append(list);
    } catch (e) {
      box.textContent = e.message;
    }
  });
  return button;
}
