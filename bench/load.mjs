// WebSocket load client for Parley's customer protocol, and the two physical baselines.
import WebSocket from 'ws';
import * as hdr from 'hdr-histogram-js';
import pg from 'pg';
import { randomUUID } from 'node:crypto';

const now = () => Number(process.hrtime.bigint() / 1000n); // microseconds
const hist = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function summary(h) {
  const ms = (v) => +(v / 1000).toFixed(2);
  return { n: h.totalCount, p50: ms(h.getValueAtPercentile(50)), p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)), max: ms(h.maxValue) };
}

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/**
 * N customer sessions, each sending `turns` messages with `thinkMs` between the end of an answer and
 * the next message. Per turn: acknowledgement (send → stored echo), backend-added time to first token
 * (first answer.delta − send − the fake model's time to first token, as it measured it when it can), and end of answer.
 */
export async function turns({ url, sessions, turns: perSession, thinkMs = 200, ttftMs, timing = () => undefined,
  spreadMs = Math.min(2000, sessions * 5) }) {
  const ack = hist(); const added = hist(); const end = hist();
  // with the fake model's own timestamps, added = on the way in (send → request at the model) + on the way out
  // (first token leaves the model → first delta here); the model's real time to first token drops out
  const addedIn = hist(); const addedOut = hist();
  const firsts = []; // first delta of each turn: scored at the end, when the model's timestamps have all arrived
  let errors = 0; let sent = 0; let acked = 0; let answered = 0;
  const errorCodes = {}; // error frames by code, timeouts and failed connects: what an error was
  const count = (code) => { errors++; errorCodes[code] = (errorCodes[code] ?? 0) + 1; };
  const tokens = [];
  const started = now();
  let firstSend = Infinity; let lastEnd = 0; // the rate is over the sending window, not the connects before it
  await Promise.all(Array.from({ length: sessions }, async (_, s) => {
    if (spreadMs > 0) await sleep(Math.random() * spreadMs); // spread the connects (0: a burst, all at once)
    let ws;
    try { ws = await open(url); } catch { count('connect_failed'); return; }
    const waiting = new Map();
    let ready; let readyYet = false;
    const isReady = new Promise((r) => { ready = r; });
    ws.on('message', (data) => {
      const f = JSON.parse(data);
      const t = now();
      if (f.type === 'ready') { tokens.push(f.token); readyYet = true; ready(true); return; }
      if (f.type === 'error' && !f.turn) { count(readyYet ? f.code : `${f.code} (hello)`); ready(false); return; }
      if (f.type === 'error') { count(f.code); const w = waiting.get(f.turn); if (w) { waiting.delete(f.turn); w.done(); } return; }
      const w = waiting.get(f.type === 'message' ? f.id : f.turn);
      if (!w) return;
      if (f.type === 'message' && f.role === 'customer' && !w.acked) { w.acked = true; acked++; ack.recordValue(Math.max(1, t - w.t0)); }
      if (f.type === 'answer.delta' && !w.first) { w.first = true; firsts.push({ turn: f.turn, t0: w.t0, at: t }); }
      if (f.type === 'answer.end') { answered++; lastEnd = Math.max(lastEnd, t); end.recordValue(Math.max(1, t - w.t0)); waiting.delete(f.turn); w.done(); }
    });
    ws.on('error', () => { count('socket_error'); });
    ws.send(JSON.stringify({ type: 'hello', locale: 'en' }));
    // a hello refused or never answered ends this session (counted), instead of the whole run waiting for it
    const readyTimer = setTimeout(() => { count('no_ready_in_60s'); ready(false); }, 60_000);
    const isOpen = await isReady;
    clearTimeout(readyTimer);
    if (!isOpen) { ws.terminate(); return; }
    for (let i = 0; i < perSession; i++) {
      const id = randomUUID();
      await new Promise((done) => {
        const timeout = setTimeout(() => { count('no_answer_in_60s'); waiting.delete(id); done(); }, 60_000);
        const t0 = now();
        firstSend = Math.min(firstSend, t0);
        waiting.set(id, { t0, done: () => { clearTimeout(timeout); done(); } });
        sent++;
        // unique text: an opening question asked before would be answered from the cache
        ws.send(JSON.stringify({ type: 'message', id, text: `session ${s} turn ${i} ${id}: where is my order AB1234567?` }));
      });
      await sleep(thinkMs * (0.5 + Math.random())); // jittered: sessions drift apart instead of sending in lockstep
    }
    ws.close();
  }));
  await sleep(50);
  for (const { turn, t0, at } of firsts) {
    const m = timing(turn);
    if (m) {
      addedIn.recordValue(Math.max(1, m.receivedAt - t0));
      addedOut.recordValue(Math.max(1, at - m.firstTokenAt));
    }
    added.recordValue(Math.max(1, at - t0 - (m ? m.firstTokenAt - m.receivedAt : ttftMs * 1000)));
  }
  const seconds = (now() - started) / 1e6;
  const window = lastEnd > firstSend ? (lastEnd - firstSend) / 1e6 : seconds;
  return { sessions, sent, acked, answered, lost: sent - answered, errors, errorCodes, seconds: +seconds.toFixed(1), turnsPerS: +(answered / window).toFixed(0),
    ack: summary(ack), added: summary(added), addedIn: summary(addedIn), addedOut: summary(addedOut), end: summary(end), tokens };
}

/** `count` connected customers that said hello and then do nothing. */
export async function idle({ url, count, batch = 500 }) {
  const sockets = [];
  for (let i = 0; i < count; i += batch) {
    const opened = await Promise.all(Array.from({ length: Math.min(batch, count - i) }, async () => {
      const ws = await open(url);
      await new Promise((r) => { ws.once('message', r); ws.send('{"type":"hello"}'); });
      return ws;
    }));
    sockets.push(...opened);
  }
  return { sockets, close: () => sockets.forEach((s) => s.terminate()) };
}

/** Baseline: round trips on a bare WebSocket echo server at the same concurrency. */
export async function echo({ url, connections, roundTrips }) {
  const h = hist();
  const started = now();
  let firstSend = Infinity; let lastEnd = 0; // the rate is over the sending window, not the connects before it
  await Promise.all(Array.from({ length: connections }, async () => {
    const ws = await open(url);
    for (let i = 0; i < roundTrips; i++) {
      const t0 = now();
      await new Promise((r) => { ws.once('message', r); ws.send('{"type":"message","id":"x","text":"where is my order AB1234567?"}'); });
      h.recordValue(Math.max(1, now() - t0));
    }
    ws.close();
  }));
  const seconds = (now() - started) / 1e6;
  return { perS: +(h.totalCount / seconds).toFixed(0), ...summary(h) };
}

/** Baseline: single-row inserts (autocommit) into PostgreSQL at the same concurrency. */
export async function inserts({ connectionString, concurrency, total }) {
  const pool = new pg.Pool({ connectionString, max: concurrency });
  await pool.query('create table if not exists bench_insert (id bigserial primary key, body text, at timestamptz default now())');
  const h = hist();
  let left = total;
  const started = now();
  let firstSend = Infinity; let lastEnd = 0; // the rate is over the sending window, not the connects before it
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (left-- > 0) {
      const t0 = now();
      await pool.query('insert into bench_insert (body) values ($1)', ['where is my order AB1234567?']);
      h.recordValue(Math.max(1, now() - t0));
    }
  }));
  const seconds = (now() - started) / 1e6;
  await pool.query('drop table bench_insert');
  await pool.end();
  return { perS: +(h.totalCount / seconds).toFixed(0), ...summary(h) };
}

/** Stored rows against frames: customer messages per conversation opened by this run. */
export async function storedCounts({ connectionString }) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const r = await client.query(`select count(*) filter (where role = 'customer') as customers,
      count(*) filter (where role = 'assistant' and state = 'complete') as answers,
      count(*) - count(distinct (conversation_id, msg_id)) as duplicate_ids from message`);
  await client.end();
  return { customers: +r.rows[0].customers, answers: +r.rows[0].answers, duplicateIds: +r.rows[0].duplicate_ids };
}
