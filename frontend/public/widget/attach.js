// Images in the widget: the attach button (the file goes to POST /attachments with the conversation's
// token in a header; the server checks its type by its bytes) and the bubble part that shows one. The
// token never goes into a URL, so an image is fetched with the header and shown through a blob: URL.
import { el } from '../js/dom.js';

const TOKEN = 'X-Parley-Token';
/** The server's default limit (parley.attachments.max-bytes); it refuses more with 413 either way. */
const MAX_BYTES = 5 * 1024 * 1024;

/** The bubble part for a message that carries an image. */
export function imagePart(base, client, texts) {
  return (f) => {
    if (!f.attachment) return null;
    const img = el('img', 'image');
    img.alt = texts().image;
    fetch(new URL(`/attachments/${f.attachment}`, base), { headers: { [TOKEN]: client.token } })
      .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((blob) => { img.src = URL.createObjectURL(blob); })
      .catch(() => img.replaceWith(el('span', 'text', texts().imageGone)));
    return img;
  };
}

/** A paper-clip button and its hidden file input; `notice` shows what went wrong, in the customer's language. */
export function attachButton(base, client, texts, notice) {
  const input = el('input');
  input.type = 'file';
  input.accept = 'image/*';
  input.hidden = true;
  const b = el('button', 'attach', '📎');
  b.type = 'button';
  const relabel = () => { b.setAttribute('aria-label', texts().attach); b.title = texts().attach; };
  relabel();
  b.addEventListener('click', () => input.click());
  input.addEventListener('change', async () => {
    const file = input.files[0];
    input.value = '';
    if (!file) return;
    if (!file.type.startsWith('image/')) { notice(texts().notImage); return; }
    if (file.size > MAX_BYTES) { notice(texts().imageTooLarge); return; }
    try {
      await client.start(); // a photo may be the visitor's first act: their conversation is stored first
      const r = await fetch(new URL('/attachments', base), { method: 'POST', headers: { [TOKEN]: client.token || '' }, body: file });
      if (r.status === 413) notice(texts().imageTooLarge);
      else if (r.status === 415) notice(texts().notImage);
      else if (!r.ok) notice(texts().imageFailed);
    } catch {
      notice(texts().imageFailed);
    }
  });
  return { button: b, input, relabel };
}
