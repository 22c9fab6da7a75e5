// The admins' audit page: anomalies, the audit trail filtered by who, what and when, its JSONL export
// and the hash chain's verification (GET /api/audit...). Plain DOM, no build step; text only, never HTML.
import { api as call, el } from './admin-page.js';

const api = (path, options) => call(path, options, 'Only admins read the audit trail.');

const status = document.getElementById('audit-status');
const form = document.getElementById('audit-filter');
const rows = document.getElementById('entries');
const older = document.getElementById('older');
const ACTIONS = ['sign_in', 'sign_in_failed', 'sign_out', 'transcript_view', 'search', 'export', 'take_over', 'reply', 'resolve',
  'tag', 'note', 'account_change', 'settings_change', 'knowledge_change', 'action_change', 'key_change', 'key_use',
  'api_read', 'api_write', 'access_denied', 'erasure', 'retention', 'anomaly'];

function query(extra = {}) {
  const params = new URLSearchParams();
  for (const name of ['actor', 'action', 'from', 'to']) {
    const value = form.elements.namedItem(name).value.trim();
    if (value) params.set(name, value);
  }
  Object.entries(extra).forEach(([k, v]) => params.set(k, v));
  return params;
}

function row(e) {
  const tr = el('tr', undefined, e.outcome);
  tr.dataset.action = e.action;
  const details = JSON.stringify(e.details);
  [new Date(e.at).toLocaleString(), e.actor, e.address || '', e.action, e.target || '', e.outcome].forEach((t) => tr.append(el('td', t)));
  tr.append(el('td', details === '{}' ? '' : details, 'details'));
  return tr;
}

async function load(append) {
  status.textContent = '';
  const before = append ? rows.lastElementChild?.dataset.id : undefined;
  const entries = await api(`/api/audit?${query(before ? { before, limit: 100 } : { limit: 100 })}`);
  const made = entries.map((e) => {
    const tr = row(e);
    tr.dataset.id = e.id;
    return tr;
  });
  if (append) rows.append(...made); else rows.replaceChildren(...made);
  older.hidden = entries.length < 100;
  document.getElementById('export').href = `/api/audit/export.jsonl?${query()}`;
}

async function anomalies() {
  const list = await api('/api/audit/anomalies?limit=50');
  const ul = document.getElementById('anomalies');
  ul.replaceChildren(...(list.length ? list.map((a) => el('li', `${new Date(a.at).toLocaleString()} — ${a.rule}: ${a.detail}`))
    : [el('li', 'None found.')]));
}

function show(error) {
  status.textContent = error.message;
}

ACTIONS.forEach((a) => form.elements.namedItem('action').append(Object.assign(el('option', a), { value: a })));
form.addEventListener('submit', (event) => {
  event.preventDefault();
  load(false).catch(show);
});
older.addEventListener('click', () => load(true).catch(show));
document.getElementById('verify').addEventListener('click', async () => {
  try {
    const v = await api('/api/audit/verify');
    document.getElementById('chain').textContent = v.intact
      ? `Chain intact: ${v.checked} entries verified from the oldest kept one.`
      : `Chain broken at entry ${v.firstBroken} (after ${v.checked - 1} intact entries).`;
  } catch (error) {
    show(error);
  }
});

anomalies().catch(show);
load(false).catch(show);
