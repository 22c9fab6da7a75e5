// The channels side by side: the same fake model, the same Parley, the same machine, one run. Each
// channel gets the same closed-loop load (sessions that send a turn, wait for the whole answer, send
// the next), and reports turns/s and time to the end of the answer.
//   node bench/channels.mjs            (about a minute; bench/run.sh --channels)
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import * as hdr from 'hdr-histogram-js';
import { startFakeModel } from './fake-model.mjs';
import { turns, summary } from './load.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const jar = process.env.PARLEY_JAR || path.join(root, 'target/quarkus-app/quarkus-run.jar');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((r) => { const s = net.createServer().listen(0, () => { const p = s.address().port; s.close(() => r(p)); }); });
const now = () => Number(process.hrtime.bigint() / 1000n);
const hist = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
const SESSIONS = 50;
const TURNS = +(process.env.TURNS || 10);

const model = await startFakeModel({ ttftMs: 20, tokens: 10, tokensPerS: 1000 });
const dataDir = path.join(root, 'bench/.data/pg-channels');
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(path.dirname(dataDir), { recursive: true });
const port = await freePort();
const password = `bench-${randomUUID()}`;
const child = spawn(process.env.JAVA || 'java', ['-jar', jar], {
  cwd: root, stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, QUARKUS_HTTP_PORT: String(port), PARLEY_DB_DATA_DIR: dataDir, PARLEY_AGENTS_ADMIN_PASSWORD: password,
    PARLEY_LLM_BASE_URL: `http://127.0.0.1:${model.port}`, PARLEY_LLM_API_KEY: 'bench-key',
    PARLEY_LLM_MAX_CONCURRENT: '5000', PARLEY_LLM_MAX_QUEUED: '5000', PARLEY_LLM_MAX_CONNECTIONS: '3000',
    PARLEY_LIMITS_MESSAGES_PER_MINUTE: '1000000', PARLEY_LIMITS_SOCKETS_PER_ADDRESS: '1000000',
    PARLEY_LIMITS_CONVERSATIONS_PER_HOUR: '100000000', PARLEY_LIMITS_MODEL_CALLS_PER_CONVERSATION: '1000000', QUARKUS_LOG_LEVEL: 'WARN' },
});
const base = `http://127.0.0.1:${port}`;
for (;;) {
  if (child.exitCode !== null) throw new Error('Parley exited');
  try { if ((await fetch(`${base}/q/health/ready`)).ok) break; } catch { /* not yet */ }
  await sleep(100);
}

// an admin signs in and makes a key, as in the README
const signIn = await fetch(`${base}/j_security_check`, { method: 'POST', redirect: 'manual',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `j_username=admin&j_password=${password}` });
const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
const created = await (await fetch(`${base}/api/integration-keys`, { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' },
  body: JSON.stringify({ name: 'bench', scopes: ['chat'], perMinute: 100000 }) })).json();
const auth = `Bearer ${created.secret}`;

/** SESSIONS clients, each with its own conversation, TURNS turns one after the other: `turn(session, i)` resolves at the answer's end. */
async function closedLoop(open, turn) {
  const end = hist();
  let errors = 0; let answered = 0;
  const started = now();
  await Promise.all(Array.from({ length: SESSIONS }, async (_, s) => {
    const session = await open(s);
    for (let i = 0; i < TURNS; i++) {
      const t0 = now();
      try {
        await turn(session, `session ${s} turn ${i} ${randomUUID()}: where is my order AB1234567?`);
        answered++;
        end.recordValue(Math.max(1, now() - t0));
      } catch { errors++; }
    }
  }));
  const seconds = (now() - started) / 1e6;
  return { answered, errors, turnsPerS: +(answered / seconds).toFixed(0), end: summary(end) };
}

const json = { 'Content-Type': 'application/json', Authorization: auth };
const openRest = async () => (await (await fetch(`${base}/integration/v1/conversations`, { method: 'POST', headers: json, body: '{}' })).json()).conversationId;
const rest = async (conversation, text) => {
  const r = await fetch(`${base}/integration/v1/conversations/${conversation}/messages`, { method: 'POST', headers: json,
    body: JSON.stringify({ id: randomUUID(), text }) });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  await r.json();
};
const sse = async (conversation, text) => {
  const r = await fetch(`${base}/integration/v1/conversations/${conversation}/messages`, { method: 'POST',
    headers: { ...json, Accept: 'text/event-stream' }, body: JSON.stringify({ id: randomUUID(), text }) });
  const body = await r.text();
  if (!body.includes('event:answer.end')) throw new Error('no answer.end');
};
const definition = protoLoader.loadSync(path.join(root, 'src/main/proto/parley.proto'), { keepCase: true, longs: Number });
const Parley = grpc.loadPackageDefinition(definition).parley.v1.Parley;
const client = new Parley(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
metadata.set('authorization', auth);
const grpcAsk = (conversation, text) => new Promise((resolve, reject) => client.Ask(
  { conversation_id: conversation, message_id: randomUUID(), text, locale: 'en' }, metadata, (e, a) => (e ? reject(e) : resolve(a))));
const grpcStream = (conversation, text) => new Promise((resolve, reject) => {
  const call = client.StreamComplete({ conversation_id: conversation, message_id: randomUUID(), text, locale: 'en' }, metadata);
  call.on('data', () => {});
  call.on('error', reject);
  call.on('end', resolve);
});

const results = { machine: `${os.cpus().length} cores, ${os.cpus()[0].model}`, when: new Date().toISOString(), sessions: SESSIONS, turns: TURNS };
// warm-up: every path once at low load, so the JIT has seen all of them
await closedLoop(openRest, rest);
await closedLoop(openRest, grpcAsk);
await turns({ url: `ws://127.0.0.1:${port}/ws/chat`, sessions: SESSIONS, turns: TURNS, thinkMs: 0, ttftMs: 20 });
const ws = await turns({ url: `ws://127.0.0.1:${port}/ws/chat`, sessions: SESSIONS, turns: TURNS, thinkMs: 0, ttftMs: 20 });
results.websocket = { answered: ws.answered, errors: ws.errors, turnsPerS: ws.turnsPerS, end: ws.end };
results.rest = await closedLoop(openRest, rest);
results.sse = await closedLoop(openRest, sse);
results.grpcAsk = await closedLoop(openRest, grpcAsk);
results.grpcStream = await closedLoop(openRest, grpcStream);
client.close();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
model.close();

const rows = [['WebSocket', results.websocket], ['REST (JSON)', results.rest], ['REST (SSE)', results.sse],
  ['gRPC Ask', results.grpcAsk], ['gRPC StreamComplete', results.grpcStream]];
console.log(`\nchannels: ${SESSIONS} sessions × ${TURNS} turns each, model 20 ms + 10 tokens, ${results.machine}`);
console.log('| channel | turns/s | × WebSocket | end of answer p50 / p99 (ms) | errors |');
console.log('|---|---|---|---|---|');
for (const [name, r] of rows) {
  console.log(`| ${name} | ${r.turnsPerS} | ${(r.turnsPerS / results.websocket.turnsPerS).toFixed(2)} | ${r.end.p50} / ${r.end.p99} | ${r.errors} |`);
}
writeFileSync(path.join(root, 'bench/.data/last-channels.json'), JSON.stringify(results, null, 2));
process.exit(0);
