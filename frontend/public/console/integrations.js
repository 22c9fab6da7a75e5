// The admins' page for integration keys (/api/integration-keys) and batch jobs (/api/batches): plain DOM,
// no build step; it uses the console's session cookie.
import { api as call, el } from './admin-page.js';

const api = (path, options) => call(path, options, 'Only admins manage integrations.');

const status = document.getElementById('integrations-status');

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

async function loadKeys() {
  const keys = await api('/api/integration-keys');
  document.querySelector('#keys tbody').replaceChildren(...keys.map((k) => {
    const row = el('tr');
    const state = k.revokedAt ? 'revoked' : (k.expiresAt && new Date(k.expiresAt) < new Date() ? 'expired' : '');
    row.append(el('td', k.name), el('td', `${k.prefix}…`), el('td', k.scopes.join(', ')),
      el('td', state || when(k.expiresAt)), el('td', when(k.lastUsedAt)));
    const cell = el('td');
    if (!k.revokedAt) {
      const revoke = el('button', 'Revoke');
      revoke.addEventListener('click', () => {
        if (confirm(`Revoke ${k.name}? Calls with it fail at once.`)) act(() => api(`/api/integration-keys/${k.id}`, { method: 'DELETE' }));
      });
      cell.append(revoke);
    }
    row.append(cell);
    return row;
  }));
}

function batchCard(job) {
  const box = el('article', undefined, 'intent-card batch');
  const finished = job.done + job.failed;
  box.append(el('h3', `${job.mode} · ${job.status}`));
  const bar = el('progress');
  bar.max = job.total;
  bar.value = finished;
  bar.setAttribute('aria-label', `${finished} of ${job.total} items`);
  const eta = job.etaSeconds != null ? ` · about ${Math.max(1, Math.round(job.etaSeconds / 60))} min left` : '';
  box.append(bar, el('p', `${finished} of ${job.total} (${job.failed} failed) · cost ${job.cost}${eta}`, 'batch-progress'));
  if (job.status === 'running') {
    const cancel = el('button', 'Cancel');
    cancel.addEventListener('click', () => act(() => api(`/api/batches/${job.id}/cancel`, { method: 'POST' })));
    box.append(cancel);
  }
  return box;
}

async function loadBatches() {
  const jobs = await api('/api/batches');
  document.getElementById('batches').replaceChildren(...(jobs.length ? jobs.map(batchCard) : [el('p', 'None yet.', 'hint')]));
}

async function act(call) {
  status.textContent = '';
  try {
    await call();
    await Promise.all([loadKeys(), loadBatches()]);
  } catch (error) {
    status.textContent = error.message;
  }
}

document.getElementById('new-key').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  const scopes = [...form.querySelectorAll('input[name=scope]:checked')].map((c) => c.value);
  const expires = form.elements.namedItem('expires').value;
  act(async () => {
    const created = await api('/api/integration-keys', { method: 'POST', body: JSON.stringify({
      name: form.elements.namedItem('name').value.trim(), scopes,
      expiresAt: expires ? new Date(`${expires}T23:59:59Z`).toISOString() : null,
      perMinute: Number(form.elements.namedItem('perMinute').value) }) });
    document.getElementById('secret').textContent = created.secret;
    document.getElementById('new-secret').hidden = false;
    form.reset();
  });
});

act(async () => {});
// progress bars move while jobs run
setInterval(() => loadBatches().catch((error) => { status.textContent = error.message; }), 2000);
