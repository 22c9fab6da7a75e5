// Parley customer protocol v1 client (docs/protocol.md): one conversation, resumable, exactly-once sends.
// Reusable by the chat page and the embeddable widget; no dependencies, no build step.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

function newId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Events (CustomEvent, payload in `detail`): `status` {online}, `ready`, `message` (a stored message, each seq once:
 * customer, assistant, agent {author} or system {kind}), `answer.start`, `answer.delta`, `answer.end`,
 * `typing` {role, name}, `error`.
 */
export class ParleyClient extends EventTarget {
  /**
   * @param url        the customer socket (default: this page's host)
   * @param storageKey where the token is kept in localStorage
   * @param identity   a verified site user {userId, userHash}: opens their one conversation on any device
   */
  constructor({ url, storageKey = 'parley', locale, identity } = {}) {
    super();
    this.identity = identity && identity.userId ? identity : null;
    this.url = url || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/chat`;
    this.storageKey = storageKey;
    this.locale = locale || navigator.language;
    this.lastSeq = 0;          // highest seq received on this page: resume asks for what came after it
    this.pending = new Map();  // id -> text, sent but not yet acknowledged by its stored echo
    this.attempt = 0;
    this.ws = null;
    this.ready = false;
    this.closed = false;
  }

  get token() { return localStorage.getItem(`${this.storageKey}.token`); }
  set token(value) { localStorage.setItem(`${this.storageKey}.token`, value); }

  connect() {
    this.closed = false;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      const hello = { type: 'hello', locale: this.locale };
      if (this.token) { hello.token = this.token; hello.lastSeq = this.lastSeq; }
      if (this.identity) { hello.userId = this.identity.userId; hello.userHash = this.identity.userHash; }
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (e) => this.#onFrame(JSON.parse(e.data));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ready = false;
      this.#emit('status', { online: false });
      if (!this.closed) {
        const delay = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)];
        setTimeout(() => this.connect(), delay * (0.75 + Math.random() / 2));
      }
    };
  }

  /** Sends a message; it is resent with the same id after a reconnect until its echo arrives. */
  send(text, id = newId()) {
    this.pending.set(id, text);
    if (this.ready) this.ws.send(JSON.stringify({ type: 'message', id, text }));
    return id;
  }

  /** Asks for a person: the conversation waits for an agent; a system message says what happens next. */
  handoff() { return this.#sendIfReady({ type: 'handoff' }); }

  /** Rates a resolved conversation, 1 to 5. */
  rate(score, comment) { return this.#sendIfReady(comment ? { type: 'rate', score, comment } : { type: 'rate', score }); }

  /** Tells an agent watching the conversation that the customer is typing (at most every 2 s). */
  typing() {
    const now = Date.now();
    if (now - (this.lastTyping || 0) < 2000) return false;
    this.lastTyping = now;
    return this.#sendIfReady({ type: 'typing' });
  }

  close() {
    this.closed = true;
    this.ws?.close();
  }

  #sendIfReady(frame) {
    if (!this.ready) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  #onFrame(f) {
    switch (f.type) {
      case 'ready':
        // another conversation than the one on screen (the old token opened nothing): start from its beginning
        if (this.conversationId && this.conversationId !== f.conversationId) this.lastSeq = 0;
        this.conversationId = f.conversationId;
        this.token = f.token;
        this.ready = true;
        this.attempt = 0;
        this.#emit('status', { online: true });
        this.#emit('ready', f);
        for (const [id, text] of this.pending) this.ws.send(JSON.stringify({ type: 'message', id, text }));
        break;
      case 'message':
        this.pending.delete(f.id);
        this.#stored(f, 'message');
        break;
      case 'answer.end':
        this.#stored(f, 'answer.end');
        break;
      case 'error':
        if (f.code === 'unauthorized' && !this.identity) {
          // the stored token no longer opens a conversation: start a new one
          localStorage.removeItem(`${this.storageKey}.token`);
          this.lastSeq = 0;
          this.ws.send(JSON.stringify({ type: 'hello', locale: this.locale }));
        }
        this.#emit('error', f);
        break;
      default:
        this.#emit(f.type, f);
    }
  }

  #stored(f, type) {
    if (f.seq <= this.lastSeq && type === 'message') return; // replay overlap: already shown
    this.lastSeq = Math.max(this.lastSeq, f.seq);
    this.#emit(type, f);
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
