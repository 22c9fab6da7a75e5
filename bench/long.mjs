// The longer scenarios (bash bench/run.sh --long), on a running, warmed Parley: the physical baselines, latency
// at 100 and 500 live conversations with a slow model, the paced ramp, and the memory of 10,000 idle customers.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { turns, idle, echo, inserts } from './load.mjs';
import { root, freePort, sleep, rssMb, heapMb } from './servers.mjs';
import { FAST, cpu, cpuPerTurn } from './scenarios.mjs';

// BENCH_LONG_SCALE (0–1) shrinks every count, for a quick check of these scenarios
const scale = (n) => Math.max(1, Math.round(n * +(process.env.BENCH_LONG_SCALE || 1)));

export async function longScenarios({ parley, model, pgUrl, postmaster }) {
  const r = {};
  // baselines at the same concurrency as the load: a bare Vert.x WebSocket echo, single-row inserts at Parley's pool size
  const echoPort = await freePort();
  const echoServer = spawn(process.env.JAVA || 'java', ['-cp', path.join(root, 'target/quarkus-app/lib/main/*'),
    path.join(root, 'bench/EchoServer.java'), String(echoPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((ok) => echoServer.stdout.once('data', ok));
  r.echo = await echo({ url: `ws://127.0.0.1:${echoPort}`, connections: scale(100), roundTrips: scale(500) });
  echoServer.kill();
  r.insert = await inserts({ connectionString: pgUrl, concurrency: 32, total: scale(50_000) });
  console.log('baselines', r.echo, r.insert);

  // latency at 100 and 500 live conversations (300 ms to first token, then 40 tokens at 50/s)
  model.set({ ttftMs: 300, tokens: 40, tokensPerS: 50 });
  r.live100 = await turns({ url: parley.chatUrl, timing: model.timing, sessions: scale(100), turns: scale(10), thinkMs: 200, ttftMs: 300 });
  const c0 = cpu(parley, postmaster);
  r.live500 = await turns({ url: parley.chatUrl, timing: model.timing, sessions: scale(500), turns: scale(10), thinkMs: 200, ttftMs: 300 });
  r.live500.cpuPerTurnMs = cpuPerTurn(c0, cpu(parley, postmaster), r.live500.answered);
  for (const t of [r.live100, r.live500]) delete t.tokens;
  console.log('live', { ack100: r.live100.ack, added100: r.live100.added, ack500: r.live500.ack, added500: r.live500.added });

  // the paced ramp: more sessions at each step, so the offered rate grows until Parley saturates
  model.set(FAST);
  r.ramp = [];
  for (const sessions of [100, 200, 300, 400, 600, 800, 1200].map(scale)) {
    const c1 = cpu(parley, postmaster);
    const t = await turns({ url: parley.chatUrl, timing: model.timing, sessions, turns: scale(12), thinkMs: 500, ttftMs: 20 });
    r.ramp.push({ sessions, turnsPerS: t.turnsPerS, ackP50: t.ack.p50, ackP99: t.ack.p99, addedP50: t.added.p50, addedP99: t.added.p99,
      errors: t.errors, lost: t.lost, cpuPerTurnMs: cpuPerTurn(c1, cpu(parley, postmaster), t.answered) });
    console.log('ramp', r.ramp.at(-1));
  }

  // idle connected customers: heap (after a full GC) and RSS per connection
  const count = scale(10_000);
  const heap0 = heapMb(parley.pid); const rss0 = rssMb(parley.pid);
  const crowd = await idle({ url: parley.chatUrl, count });
  await sleep(1000);
  const heap1 = heapMb(parley.pid); const rss1 = rssMb(parley.pid);
  crowd.close();
  r.idle = { connections: count, heapKbPerConn: +((heap1 - heap0) * 1024 / count).toFixed(1), rssKbPerConn: +((rss1 - rss0) * 1024 / count).toFixed(1) };
  console.log('idle', r.idle);

  const top = r.ramp.at(-1).cpuPerTurnMs;
  const rows = [
    ['ack p50 / p99, 100 live, slow model (ms)', `${r.live100.ack.p50} / ${r.live100.ack.p99}`],
    ['backend-added first token p50 / p99, 100 live (ms)', `${r.live100.added.p50} / ${r.live100.added.p99}`],
    ['ack p50 / p99, 500 live (ms)', `${r.live500.ack.p50} / ${r.live500.ack.p99}`],
    ['backend-added first token p50 / p99, 500 live (ms)', `${r.live500.added.p50} / ${r.live500.added.p99}`],
    ['paced ramp: sessions → turns/s (ack p99 ms)', r.ramp.map((s) => `${s.sessions}→${s.turnsPerS} (${s.ackP99})`).join(', ')],
    ['CPU per turn, top ramp step: Parley / PostgreSQL / harness (ms)', `${top.server} / ${top.pg} / ${top.harness}`],
    ['idle connections: heap / RSS per connection (KB)', `${r.idle.heapKbPerConn} / ${r.idle.rssKbPerConn}`],
    ['baseline: Vert.x echo round trips/s, p50 (ms)', `${r.echo.perS}, ${r.echo.p50}`],
    ['baseline: PostgreSQL single-row inserts/s at 32, p50 (ms)', `${r.insert.perS}, ${r.insert.p50}`],
  ];
  return { results: r, rows };
}
