// The console's account dialogs: agents (admins: create, enable, disable) and My account (display
// name, the one customers see; password).
import { el } from '../js/dom.js';

const $ = (sel) => document.querySelector(sel);
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');

/** `api` the console's fetch helper, `me()` the signed-in account, `renamed(account)` after a name change. */
export function accountDialogs({ api, me, renamed }) {
  async function loadAgents() {
    const agents = await api('/api/agents');
    $('#agents').replaceChildren(...agents.map((a) => {
      const tr = el('tr');
      tr.append(el('td', null, a.username), el('td', null, a.displayName), el('td', null, a.role), el('td', null, when(a.lastSeenAt) || '—'));
      // disabling ends the account's sessions at once (every instance) and stops it signing in
      const access = el('td');
      if (a.username !== me().username) {
        const toggle = el('button', null, a.disabled ? 'Enable' : 'Disable');
        toggle.type = 'button';
        toggle.addEventListener('click', async () => {
          await api(`/api/agents/${encodeURIComponent(a.username)}/status`, { method: 'PUT', body: JSON.stringify({ disabled: !a.disabled }) });
          await loadAgents();
        });
        access.append(toggle);
      }
      tr.append(access);
      return tr;
    }));
  }
  $('#open-agents').addEventListener('click', async () => { await loadAgents(); $('#agents-dialog').showModal(); });
  $('#new-agent').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const error = form.querySelector('.error');
    error.textContent = '';
    try {
      await api('/api/agents', { method: 'POST', body: JSON.stringify(Object.fromEntries(new FormData(form))) });
      form.reset();
      await loadAgents();
    } catch (err) { error.textContent = err.message; }
  });
  $('#open-account').addEventListener('click', () => $('#account-dialog').showModal());
  $('#name-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const error = e.target.querySelector('.error');
    try {
      const updated = await api('/api/agents/me/name', { method: 'PUT', body: JSON.stringify(Object.fromEntries(new FormData(e.target))) });
      renamed(updated);
      error.textContent = `Saved: customers now see “${updated.displayName}”.`;
    } catch (err) { error.textContent = err.message; }
  });
  $('#password-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const error = form.querySelector('.error');
    try {
      await api('/api/agents/me/password', { method: 'PUT', body: JSON.stringify(Object.fromEntries(new FormData(form))) });
      form.reset();
      error.textContent = 'Password changed.';
    } catch (err) { error.textContent = err.message; }
  });
}
