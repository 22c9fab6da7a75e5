// What the console's own pages share (audit, dashboard, integrations, intents, knowledge): a JSON call
// with the session cookie, and a text-only element builder (never HTML). Sign-in stays on the console
// page: a lapsed session goes back there.

/**
 * A call to /api that returns the parsed JSON (null for 204). A string body is sent as JSON; other
 * bodies (FormData) as they are. 403 becomes {@code forbidden}, the page's own words for who may use it;
 * any other problem response becomes its detail.
 */
export async function api(path, options = {}, forbidden) {
  const json = typeof options.body === 'string';
  const res = await fetch(path, { credentials: 'same-origin', ...options,
    headers: { Accept: 'application/json', ...(json ? { 'Content-Type': 'application/json' } : {}) } });
  if (res.status === 401) {
    location.href = '/console/';
    throw new Error('not signed in');
  }
  if (res.status === 403 && forbidden) throw new Error(forbidden);
  if (!res.ok) {
    const problem = await res.json().catch(() => ({}));
    throw new Error(problem.detail || problem.title || `HTTP ${res.status}`);
  }
  return res.status === 204 ? null : res.json();
}

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}
