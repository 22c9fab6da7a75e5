// The DOM helpers shared by the widget, the chat page and the agent console. Customer, model and
// agent text is always set as text, never as HTML.

/** An element with an optional class and text. */
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

/** Enter submits the form, Shift+Enter is a new line; never while an IME composes (Chinese, Japanese). */
export function enterSubmits(textarea, form) {
  textarea.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    form.requestSubmit();
  });
}
