// The Knowledge page (/api/knowledge): list and search articles, edit one with a Markdown preview,
// publish it, see its history, try a customer's question, import files and follow the import.
// Plain DOM, no build step; sign-in stays on the console page, this page uses its session cookie.
import { renderMarkdown } from './markdown.js';
import { api, el } from './admin-page.js';

const $ = (s) => document.querySelector(s);
const status = $('#kb-status');
const form = $('#kb-form');
const field = (name) => form.elements.namedItem(name);
let current = null; // the article being edited (null: a new one)

async function act(call) {
  status.textContent = '';
  try {
    return await call();
  } catch (error) {
    status.textContent = error.message;
    return null;
  }
}

async function loadList() {
  const params = new URLSearchParams({ limit: '200' });
  if ($('#kb-q').value.trim()) params.set('q', $('#kb-q').value.trim());
  if ($('#kb-published').value) params.set('published', $('#kb-published').value);
  const articles = await api(`/api/knowledge/articles?${params}`);
  $('#kb-articles').replaceChildren(...(articles.length ? articles.map((a) => {
    const li = el('li', a.title);
    li.dataset.id = a.id;
    li.classList.toggle('selected', current?.id === a.id);
    li.append(el('span', `${a.published ? 'published' : 'draft'} · ${a.language} · v${a.version} · ${a.updatedBy}`, 'sub'));
    li.addEventListener('click', () => act(() => open(a.id)));
    return li;
  }) : [el('li', 'No articles.', 'hint')]));
}

function show(article) {
  current = article;
  $('#kb-heading').textContent = article ? `Article ${article.id} (version ${article.version})` : 'New article';
  field('title').value = article?.title || '';
  field('body').value = article?.body || '';
  field('language').value = article?.language || '';
  field('tags').value = (article?.tags || []).join(', ');
  field('url').value = article?.url || '';
  $('#kb-publish').hidden = !article || article.published;
  $('#kb-unpublish').hidden = !article?.published;
  $('#kb-delete').hidden = !article;
  $('#kb-state').textContent = article ? (article.published ? 'published' : 'draft') : '';
  $('#kb-versions-box').hidden = !article;
  preview();
}

async function open(id) {
  show(await api(`/api/knowledge/articles/${id}`));
  const versions = await api(`/api/knowledge/articles/${id}/versions`);
  $('#kb-versions').replaceChildren(...versions.map((v) =>
    el('li', `v${v.version} ${v.change} by ${v.changedBy}, ${new Date(v.changedAt).toLocaleString()}: ${v.title}`)));
  await loadList();
}

function preview() {
  $('#kb-preview').replaceChildren(renderMarkdown(field('body').value));
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  act(async () => {
    const body = JSON.stringify({ title: field('title').value, body: field('body').value,
      language: field('language').value || null, url: field('url').value || null,
      tags: field('tags').value.split(',').map((t) => t.trim()).filter(Boolean),
      ...(current ? { version: current.version } : { published: false }) });
    const saved = current ? await api(`/api/knowledge/articles/${current.id}`, { method: 'PUT', body })
      : await api('/api/knowledge/articles', { method: 'POST', body });
    await open(saved.id);
  });
});
field('body').addEventListener('input', preview);
$('#kb-new').addEventListener('click', () => { show(null); loadList(); });
$('#kb-publish').addEventListener('click', () => act(async () => open((await api(`/api/knowledge/articles/${current.id}/publish`, { method: 'POST' })).id)));
$('#kb-unpublish').addEventListener('click', () => act(async () => open((await api(`/api/knowledge/articles/${current.id}/unpublish`, { method: 'POST' })).id)));
$('#kb-delete').addEventListener('click', () => {
  if (current && confirm(`Delete "${current.title}"? Its history is kept.`)) {
    act(async () => { await api(`/api/knowledge/articles/${current.id}`, { method: 'DELETE' }); show(null); await loadList(); });
  }
});
$('#kb-search').addEventListener('submit', (event) => { event.preventDefault(); act(loadList); });
$('#kb-q').addEventListener('input', () => act(loadList));
$('#kb-published').addEventListener('change', () => act(loadList));

$('#kb-try').addEventListener('submit', (event) => {
  event.preventDefault();
  act(async () => {
    const hits = await api(`/api/knowledge/search?q=${encodeURIComponent($('#kb-question').value)}`);
    $('#kb-hits').replaceChildren(...(hits.length ? hits.map((h) => {
      const li = el('li');
      li.append(el('strong', h.title), el('span', ` score ${h.score.toFixed(2)}, covers ${Math.round(h.match * 100)}%`, 'hint'),
        el('div', h.text.length > 240 ? `${h.text.slice(0, 240)}…` : h.text, 'text'));
      return li;
    }) : [el('li', 'Nothing found.', 'hint')]));
  });
});

$('#kb-import').addEventListener('submit', (event) => {
  event.preventDefault();
  act(async () => {
    const data = new FormData();
    for (const file of $('#kb-files').files) data.append('file', file, file.name);
    data.append('publish', String($('#kb-import-publish').checked));
    let job = await api('/api/knowledge/imports', { method: 'POST', body: data });
    const bar = $('#kb-progress');
    bar.hidden = false;
    while (job.state === 'running') {
      bar.max = Math.max(1, job.total);
      bar.value = job.processed;
      report(job);
      await new Promise((r) => setTimeout(r, 500));
      job = await api(`/api/knowledge/imports/${job.id}`);
    }
    bar.max = Math.max(1, job.total);
    bar.value = job.processed;
    report(job);
    await loadList();
  });
});

function report(job) {
  const box = $('#kb-report');
  const summary = el('p', `${job.state}: ${job.processed} of ${job.total} — added ${job.added}, changed ${job.changed}, `
    + `unchanged ${job.unchanged}, rejected ${job.rejectedCount}`);
  const rejected = el('ul');
  for (const r of job.rejected) rejected.append(el('li', `${r.origin}: ${r.reason}`));
  box.replaceChildren(summary, ...(job.error ? [el('p', job.error, 'error')] : []), rejected);
}

show(null);
act(loadList);
