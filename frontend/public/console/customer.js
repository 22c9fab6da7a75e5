// The customer panel of the console: where the customer came from, their verified identity (a site
// user whose signature Parley checked), language, first seen, and their other conversations.
import { el } from '../js/dom.js';

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');

/** Fills `dl` and `list` from GET /api/conversations/{id}/customer; `open(id)` opens another conversation. */
export function showCustomer(c, dl, list, open) {
  const rows = [
    ['From', c.site || 'Parley chat page'],
    ['Identity', c.verifiedUserId ? `✓ verified: ${c.verifiedUserId}` : 'anonymous visitor'],
    ['Language', c.locale || '—'],
    ['First seen', when(c.firstSeen)],
  ];
  dl.replaceChildren(...rows.flatMap(([k, v]) => {
    const dd = el('dd', k === 'Identity' && c.verifiedUserId ? 'verified' : null, v);
    return [el('dt', null, k), dd];
  }));
  if (!c.past.length) {
    list.replaceChildren(el('li', 'muted', c.verifiedUserId ? 'None' : 'Not linked (anonymous)'));
    return;
  }
  list.replaceChildren(...c.past.map((p) => {
    const li = el('li');
    const b = el('button', 'link', `${when(p.createdAt)} · ${p.status}`);
    b.type = 'button';
    b.addEventListener('click', () => open(p.id));
    li.append(b);
    return li;
  }));
}
