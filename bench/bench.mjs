// Parley's benchmark: one command, a table of figures with their ratios to this machine's baselines.
//   node bench/bench.mjs           short version (about 2 minutes)
//   node bench/bench.mjs --long    longer runs, more turns per session
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeModel } from './fake-model.mjs';
import { turns, idle, echo, inserts, storedCounts } from './load.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const long = process.argv.includes('--long');
const jar = path.join(root, 'target/quarkus-app/quarkus-run.jar');
const java = process.env.JAVA || 'java';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((r) => { const s = net.createServer().listen(0, () => { const p = s.address().port; s.close(() => r(p)); }); });

if (!existsSync(jar)) {
  console.error(`no ${jar}: build it first (./mvnw package -DskipTests), or use bench/run.sh`);
  process.exit(2);
}

const model = await startFakeModel({ ttftMs: 300, tokens: 40, tokensPerS: 50 });
const dataDir = path.join(root, 'bench/.data/pg');
// a fresh database for every run: figures of runs that inherit millions of rows are not comparable
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(path.dirname(dataDir), { recursive: true });
const benchStarted = Date.now();
const logFile = path.join(root, 'bench/.data/parley.log');

async function startParley() {
  const port = await freePort();
  const started = Date.now();
  // PARLEY_BENCH_JVM_ARGS: extra JVM flags for Parley, e.g. -XX:StartFlightRecording=filename=p.jfr,settings=profile
  const jvmArgs = (process.env.PARLEY_BENCH_JVM_ARGS || '').split(' ').filter(Boolean);
  const child = spawn(java, [...jvmArgs, '-jar', jar], {
    cwd: root,
    env: { ...process.env, QUARKUS_HTTP_PORT: String(port), PARLEY_DB_DATA_DIR: dataDir,
      PARLEY_LLM_BASE_URL: `http://127.0.0.1:${model.port}`, PARLEY_LLM_API_KEY: 'bench-key',
      PARLEY_LLM_MAX_CONCURRENT: '5000', PARLEY_LLM_MAX_QUEUED: '5000', PARLEY_LLM_MAX_CONNECTIONS: '3000',
      // every simulated customer comes from 127.0.0.1: the per-address and per-conversation limits are lifted
      PARLEY_LIMITS_MESSAGES_PER_MINUTE: '1000000', PARLEY_LIMITS_SOCKETS_PER_ADDRESS: '1000000',
      PARLEY_LIMITS_CONVERSATIONS_PER_HOUR: '100000000', PARLEY_LIMITS_MODEL_CALLS_PER_CONVERSATION: '1000000',
      QUARKUS_LOG_LEVEL: 'WARN', QUARKUS_LOG_CATEGORY__IO_QUARKUS__LEVEL: 'INFO', QUARKUS_LOG_CATEGORY__ORG_FLYWAYDB__LEVEL: 'INFO' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Parley exited:\n${log}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/q/health/ready`);
      if (r.ok) break;
    } catch { /* not yet */ }
    await sleep(20);
  }
  const readyMs = Date.now() - started;
  const startedIn = /started in ([\d.]+)s/.exec(log)?.[1];
  const pgPort = /jdbc:postgresql:\/\/localhost:(\d+)\//.exec(log)?.[1];
  return { child, port, readyMs, startedIn: startedIn ? +startedIn : null, pgPort, log: () => log };
}

// CPU time (ms) used so far by Parley, by PostgreSQL (every postgres process) and by this harness (load client
// and fake model): per turn, it says which part a faster turn must come from, and what two cores can carry
const ticksPerS = +execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100;
const procCpuMs = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((+f[11]) + (+f[12])) * 1000 / ticksPerS; // utime, stime
  } catch { return 0; }
};
const pgPids = () => { try { return execFileSync('pgrep', ['-x', 'postgres']).toString().trim().split('\n').filter(Boolean); } catch { return []; } };
function cpu(pid) {
  const u = process.cpuUsage();
  return { parley: procCpuMs(pid), pg: pgPids().reduce((a, p) => a + procCpuMs(p), 0), harness: (u.user + u.system) / 1000, at: Date.now() };
}
function cpuPerTurn(from, to, turns) {
  const r = (k) => +((to[k] - from[k]) / turns).toFixed(2);
  const perTurn = { parley: r('parley'), pg: r('pg'), harness: r('harness') };
  perTurn.total = +(perTurn.parley + perTurn.pg + perTurn.harness).toFixed(2);
  perTurn.ceiling = Math.round(os.cpus().length * 1000 / perTurn.total); // turns/s if every core did only this
  return perTurn;
}
// the C2 compiler thread's CPU time: the JIT has settled when it stops growing
const c2Ms = (pid) => {
  let ms = 0;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      if (readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').startsWith('C2')) ms += procCpuMs(`${pid}/task/${t}`);
    }
  } catch { /* not Linux: no adaptive warm-up */ }
  return ms;
};

const rssMb = (pid) => +(+/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1] / 1024).toFixed(1);
function heapMb(pid) {
  execFileSync('jcmd', [String(pid), 'GC.run']);
  const info = execFileSync('jcmd', [String(pid), 'GC.heap_info']).toString();
  const used = /used (\d+)K/.exec(info);
  return used ? +(+used[1] / 1024).toFixed(1) : NaN;
}
async function stop(p) {
  p.child.kill('SIGTERM');
  await new Promise((r) => p.child.once('exit', r));
}

const results = { machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.cpus()[0].model}`, when: new Date().toISOString() };

// (4) startup with the embedded database already initialised: a first start initialises it
console.log('starting Parley (first start initialises the embedded database)…');
await stop(await startParley());
let parley = await startParley();
await sleep(2000);
results.startup = { readyMs: parley.readyMs, startedInS: parley.startedIn, idleRssMb: rssMb(parley.child.pid) };
console.log('startup', results.startup);
// the embedded PostgreSQL accepts only the password Parley generated into its data folder (owner-only)
const pgPassword = encodeURIComponent(readFileSync(path.join(dataDir, 'parley-password'), 'utf8').trim());
const pgUrl = `postgresql://postgres:${pgPassword}@127.0.0.1:${parley.pgPort}/postgres`;
const chatUrl = `ws://127.0.0.1:${parley.port}/ws/chat`;

// baselines at the same concurrency as the load
const echoPort = await freePort();
const echoServer = spawn(java, ['-cp', path.join(root, 'target/quarkus-app/lib/main/*'), path.join(root, 'bench/EchoServer.java'), String(echoPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((r) => echoServer.stdout.once('data', r));
results.echo = await echo({ url: `ws://127.0.0.1:${echoPort}`, connections: 100, roundTrips: long ? 500 : 100 });
echoServer.kill();
console.log('baseline echo', results.echo);
results.insert = await inserts({ connectionString: pgUrl, concurrency: 32, total: long ? 50_000 : 10_000 });
console.log('baseline insert', results.insert);

// warm-up: the JIT compiles the turn path (a cold JVM spends its first seconds compiling, and on two cores the
// C2 compiler takes CPU from everything else). Rounds of turns until C2 used under 10 % of a round's time.
console.log('warming up…');
model.set({ ttftMs: 20, tokens: 10, tokensPerS: 1000 });
results.warmup = { rounds: 0, seconds: 0 };
for (let round = 0; round < (long ? 12 : 6); round++) {
  const c0 = c2Ms(parley.child.pid); const t0 = Date.now();
  await turns({ url: chatUrl, timing: model.timing, sessions: 200, turns: 5, thinkMs: 100, ttftMs: 20 });
  const c2Share = (c2Ms(parley.child.pid) - c0) / (Date.now() - t0);
  results.warmup = { rounds: round + 1, seconds: +((Date.now() - t0) / 1000 + results.warmup.seconds).toFixed(1), lastC2Share: +c2Share.toFixed(2) };
  if (c2Share < 0.1) break;
}
console.log('warm-up', results.warmup);
model.set({ ttftMs: 300, tokens: 40, tokensPerS: 50 });

// (1) latency at 100 and 500 live conversations (300 ms to first token, then 40 tokens at 50/s)
const before = await storedCounts({ connectionString: pgUrl });
results.live100 = await turns({ url: chatUrl, timing: model.timing, sessions: 100, turns: long ? 10 : 3, thinkMs: 200, ttftMs: 300 });
console.log('100 live', { ...results.live100, tokens: undefined });
let c0 = cpu(parley.child.pid);
results.live500 = await turns({ url: chatUrl, timing: model.timing, sessions: 500, turns: long ? 10 : 2, thinkMs: 200, ttftMs: 300 });
results.live500.cpuPerTurnMs = cpuPerTurn(c0, cpu(parley.child.pid), results.live500.answered);
console.log('500 live', { ...results.live500, tokens: undefined });

// (2) sustained turns per second: a fast model (20 ms, 10 tokens at 1000/s) and paced sessions (each sends a
// turn, waits for the answer, thinks 500 ms), more sessions at each step: the offered rate grows with the
// sessions until Parley saturates and the acknowledgement p99 passes 50 ms
model.set({ ttftMs: 20, tokens: 10, tokensPerS: 1000 });
results.ramp = [];
for (const sessions of long ? [100, 200, 300, 400, 600, 800, 1200] : [100, 200, 300, 400, 600]) {
  const c1 = cpu(parley.child.pid);
  const r = await turns({ url: chatUrl, timing: model.timing, sessions, turns: long ? 12 : 6, thinkMs: 500, ttftMs: 20 });
  results.ramp.push({ sessions, turnsPerS: r.turnsPerS, ackP50: r.ack.p50, ackP99: r.ack.p99, addedP50: r.added.p50, addedP99: r.added.p99,
    errors: r.errors, sent: r.sent, answered: r.answered, cpuPerTurnMs: cpuPerTurn(c1, cpu(parley.child.pid), r.answered) });
  console.log('ramp', results.ramp.at(-1));
}
const sent = results.live100.sent + results.live500.sent + results.ramp.reduce((a, r) => a + r.sent, 0);
const after = await storedCounts({ connectionString: pgUrl });
results.rows = { sent, stored: after.customers - before.customers, answers: after.answers - before.answers, duplicateIds: after.duplicateIds };
results.rows.lost = results.rows.sent - results.rows.stored;
console.log('rows', results.rows);

// (3) idle connected customers: heap and RSS per connection
const idleCount = 10_000;
const heap0 = heapMb(parley.child.pid); const rss0 = rssMb(parley.child.pid);
const crowd = await idle({ url: chatUrl, count: idleCount });
await sleep(1000);
const heap1 = heapMb(parley.child.pid); const rss1 = rssMb(parley.child.pid);
crowd.close();
results.idle = { connections: idleCount, heapKbPerConn: +((heap1 - heap0) * 1024 / idleCount).toFixed(1),
  rssKbPerConn: +((rss1 - rss0) * 1024 / idleCount).toFixed(1), heapMb: [heap0, heap1], rssMb: [rss0, rss1] };
console.log('idle', results.idle);
await stop(parley);
model.close();

// the table
const best = results.ramp.filter((r) => r.ackP99 <= 50 && r.errors === 0).reduce((a, r) => (r.turnsPerS > (a?.turnsPerS ?? 0) ? r : a), null);
const top = results.ramp.at(-1).cpuPerTurnMs;
const x = (a, b) => (b ? `${(a / b).toFixed(2)}×` : '—');
const rows = [
  ['ack p50 / p99, 100 live (ms)', `${results.live100.ack.p50} / ${results.live100.ack.p99}`, `${x(results.live100.ack.p50, results.insert.p50)} insert p50`],
  ['backend-added first token p50 / p99, 100 live (ms)', `${results.live100.added.p50} / ${results.live100.added.p99}`, `${x(results.live100.added.p50, results.echo.p50)} echo p50`],
  ['ack p50 / p99, 500 live (ms)', `${results.live500.ack.p50} / ${results.live500.ack.p99}`, `${x(results.live500.ack.p50, results.insert.p50)} insert p50`],
  ['backend-added first token p50 / p99, 500 live (ms)', `${results.live500.added.p50} / ${results.live500.added.p99}`, 'target ≤ 2 / ≤ 10'],
  ['end of answer p50, 500 live (ms)', `${results.live500.end.p50}`, 'model alone: 300 + 780'],
  ['max sustained turns/s with ack p99 ≤ 50 ms', best ? `${best.turnsPerS} (${best.sessions} sessions)` : 'none', `${x(best?.turnsPerS ?? 0, results.insert.perS)} of inserts/s; target ≥ 2000`],
  ['paced ramp: sessions → turns/s (ack p99 ms)', results.ramp.map((r) => `${r.sessions}→${r.turnsPerS} (${r.ackP99})`).join(', '), ''],
  ['CPU per turn, top ramp step: Parley / PostgreSQL / harness (ms)', `${top.parley} / ${top.pg} / ${top.harness}`,
    `all ${os.cpus().length} cores on turns alone: ${top.ceiling} turns/s`],
  ['idle connections: heap / RSS per connection (KB)', `${results.idle.heapKbPerConn} / ${results.idle.rssKbPerConn}`, 'target heap ≤ 20'],
  ['startup to ready (ms) / idle RSS (MB)', `${results.startup.readyMs} / ${results.startup.idleRssMb}`, 'target ≤ 1500 / ≤ 250'],
  ['baseline: Vert.x echo round trips/s, p50 (ms)', `${results.echo.perS}, ${results.echo.p50}`, ''],
  ['baseline: PostgreSQL single-row inserts/s at 32, p50 (ms)', `${results.insert.perS}, ${results.insert.p50}`, ''],
  ['rows: sent / stored / lost / duplicate ids', `${results.rows.sent} / ${results.rows.stored} / ${results.rows.lost} / ${results.rows.duplicateIds}`, ''],
];
const w = Math.max(...rows.map((r) => r[0].length));
results.seconds = Math.round((Date.now() - benchStarted) / 1000);
console.log(`\nParley benchmark (${long ? 'long' : 'short'}, ${results.seconds} s) on ${results.machine}`);
for (const [k, v, r] of rows) console.log(`${k.padEnd(w)}  ${String(v).padEnd(30)} ${r}`);
for (const t of [results.live100, results.live500]) delete t.tokens;
writeFileSync(path.join(root, 'bench/.data/last-run.json'), JSON.stringify(results, null, 2));
process.exit(0);
