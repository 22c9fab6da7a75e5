// Parley's socket clients, shared by the chat page, the embeddable widget and the agent console:
// connect, reconnect with backoff, UUID ids. ParleyClient speaks the customer protocol v1
// (docs/protocol.md): one conversation, resumable, exactly-once sends. No dependencies, no build step.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

/** A random UUID (v4), also where crypto.randomUUID is missing (plain http on another host than localhost). */
export function newId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A JSON socket that reconnects with backoff (and jitter) until closed. Each frame is dispatched as a
 * CustomEvent named by its `type`, the frame in `detail`; `status` {online} says whether it is connected.
 * Used as it is for the agent socket; ParleyClient builds the customer protocol on it.
 */
export class ParleySocket extends EventTarget {
  /**
   * @param url             the socket URL (default: `path` on this page's host)
   * @param hello           () => the first frame of each connection, or null for none
   * @param beforeReconnect async () => run before each reconnect (a hook that must stop reconnecting calls close())
   */
  constructor({ url, path = '/ws/chat', hello, beforeReconnect } = {}) {
    super();
    this.url = url || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
    if (hello) this.hello = hello;
    this.beforeReconnect = beforeReconnect;
    this.attempt = 0;
    this.ws = null;
    this.closed = false;
  }

  get connected() { return this.ws?.readyState === WebSocket.OPEN; }

  hello() { return null; }

  connect() {
    this.closed = false;
    const ws = new WebSocket(this.url);
    const previous = this.ws;
    this.ws = ws;
    previous?.close();
    ws.onopen = () => {
      const hello = this.hello();
      if (hello) ws.send(JSON.stringify(hello));
      this.onOpen();
    };
    ws.onmessage = (e) => this.onFrame(JSON.parse(e.data));
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.onClose();
      if (this.closed) return;
      // 1013: this client read too slowly for the server; it resumes after its last seq, after a longer pause
      if (e.code === 1013) this.attempt = Math.max(this.attempt, 2);
      const delay = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)];
      setTimeout(async () => {
        if (this.ws !== ws || this.closed) return;
        try { await this.beforeReconnect?.(); } catch { /* unreachable too: the socket retries with backoff */ }
        if (this.ws === ws && !this.closed) this.connect();
      }, delay * (0.75 + Math.random() / 2));
    };
  }

  /** Sends a frame if connected; false if not. */
  sendFrame(frame) {
    if (!this.connected) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  close() {
    this.closed = true;
    this.ws?.close();
  }

  /** Connected: the backoff starts again from its first step. */
  onOpen() {
    this.attempt = 0;
    this.emit('status', { online: true });
  }

  onClose() { this.emit('status', { online: false }); }

  onFrame(f) { this.emit(f.type, f); }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/**
 * The customer protocol. Events (CustomEvent, payload in `detail`): `status` {online}, `ready`, `message` (a
 * stored message, each seq once: customer, assistant, agent {author} or system {kind}), `answer.start`,
 * `answer.delta`, `answer.end`, `typing` {role, name}, `error`.
 */
export class ParleyClient extends ParleySocket {
  /**
   * @param url        the customer socket (default: this page's host)
   * @param storageKey where the token is kept in localStorage
   * @param identity   a verified site user {userId, userHash}: opens their one conversation on any device
   */
  constructor({ url, storageKey = 'parley', locale, identity } = {}) {
    super({ url, path: '/ws/chat' });
    this.identity = identity && identity.userId ? identity : null;
    this.storageKey = storageKey;
    this.locale = locale || navigator.language;
    this.lastSeq = 0;          // highest seq received on this page: resume asks for what came after it
    this.pending = new Map();  // id -> text, sent but not yet acknowledged by its stored echo
    this.ready = false;
    this.maxTextChars = 4000;  // the server's limit, as its `ready` frame says
  }

  get token() { return localStorage.getItem(`${this.storageKey}.token`); }
  set token(value) { localStorage.setItem(`${this.storageKey}.token`, value); }

  /** Forgets the conversation: the next connection starts a new one. */
  forget() { localStorage.removeItem(`${this.storageKey}.token`); }

  hello() {
    const hello = { type: 'hello', locale: this.locale };
    if (this.token) { hello.token = this.token; hello.lastSeq = this.lastSeq; }
    if (this.identity) { hello.userId = this.identity.userId; hello.userHash = this.identity.userHash; }
    return hello;
  }

  /** Sends a message; it is resent with the same id after a reconnect until its echo arrives. */
  send(text, id = newId()) {
    this.pending.set(id, text);
    if (this.ready) this.sendFrame({ type: 'message', id, text });
    return id;
  }

  /** Stores the conversation before an image goes into it over HTTP (a photo may come first); resolves on `started`. */
  start() {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(reject, 10000, new Error('not started'));
      this.addEventListener('started', () => { clearTimeout(timer); resolve(); }, { once: true });
      if (!this.#sendIfReady({ type: 'start' })) { clearTimeout(timer); reject(new Error('offline')); }
    });
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

  #sendIfReady(frame) {
    return this.ready && this.sendFrame(frame);
  }

  // online once the conversation is open (`ready`), not when the socket is
  onOpen() {}

  onClose() {
    this.ready = false;
    super.onClose();
  }

  onFrame(f) {
    switch (f.type) {
      case 'ready':
        // another conversation than the one on screen (the old token opened nothing): start from its beginning
        if (this.conversationId && this.conversationId !== f.conversationId) this.lastSeq = 0;
        this.conversationId = f.conversationId;
        this.token = f.token;
        if (f.maxTextChars) this.maxTextChars = f.maxTextChars;
        this.ready = true;
        this.attempt = 0;
        this.emit('status', { online: true });
        this.emit('ready', f);
        for (const [id, text] of this.pending) this.sendFrame({ type: 'message', id, text });
        break;
      case 'message':
        this.pending.delete(f.id);
        this.#stored(f, 'message');
        break;
      case 'answer.end':
        this.#stored(f, 'answer.end');
        break;
      case 'error':
        if (f.code === 'unauthorized' && !this.identity && !this.ready) {
          // the stored token opens no conversation (the visitor never wrote, so none was stored): start afresh, quietly
          this.forget();
          this.lastSeq = 0;
          this.sendFrame(this.hello());
          break;
        }
        if (f.code === 'rate_limited' && f.turn && this.pending.has(f.turn)) {
          // not stored: the same message (same id, so never twice) goes again when the server said it may
          const retry = () => { if (this.ready && this.pending.has(f.turn)) this.sendFrame({ type: 'message', id: f.turn, text: this.pending.get(f.turn) }); };
          setTimeout(retry, Math.max(250, f.retryAfterMs || 1000));
        }
        if ((f.code === 'too_large' || f.code === 'bad_frame') && f.turn && this.pending.has(f.turn)) {
          // refused for good: never resent after a reconnect; the page gets the text back to shorten it
          const unsentText = this.pending.get(f.turn);
          this.pending.delete(f.turn);
          this.emit('error', { ...f, unsentText });
          break;
        }
        this.emit('error', f);
        break;
      default:
        this.emit(f.type, f);
    }
  }

  #stored(f, type) {
    if (f.seq <= this.lastSeq && type === 'message') return; // replay overlap: already shown
    this.lastSeq = Math.max(this.lastSeq, f.seq);
    this.emit(type, f);
  }
}
