// The scenarios of issue 21, each run against whichever server it is given (Parley or the peer), with the
// same fake model and the same load client: the cost of durability is the ratio of the two.
import os from 'node:os';
import { turns, storedCounts } from './load.mjs';
import { procCpuMs, pgCpuMs, c2Ms } from './servers.mjs';

export const FAST = { ttftMs: 20, tokens: 10, tokensPerS: 1000 };
// the busiest shape of the issue: 300 sessions, 8 turns each, 500 ms jittered think time, fast model
export const BUSIEST = { sessions: +(process.env.BENCH_SESSIONS || 300), turns: +(process.env.BENCH_TURNS || 8), thinkMs: 500 };
// the cold burst: 200 new conversations opening at once, 10 turns each, no think time
export const BURST = { sessions: +(process.env.BENCH_BURST_SESSIONS || 200), turns: +(process.env.BENCH_BURST_TURNS || 10), thinkMs: 0 };

/** CPU time (ms) so far of the server, of its PostgreSQL (none for the peer) and of this harness (load client and fake model). */
export function cpu(server, postmaster) {
  const u = process.cpuUsage();
  return { server: procCpuMs(server.pid), pg: pgCpuMs(postmaster), harness: (u.user + u.system) / 1000 };
}
export function cpuPerTurn(from, to, count) {
  const r = (k) => +((to[k] - from[k]) / Math.max(1, count)).toFixed(2);
  const perTurn = { server: r('server'), pg: r('pg'), harness: r('harness') };
  perTurn.total = +(perTurn.server + perTurn.pg + perTurn.harness).toFixed(2);
  perTurn.ceiling = Math.round(os.cpus().length * 1000 / perTurn.total); // turns/s if every core did only this
  return perTurn;
}

/**
 * The JIT compiles the turn path first (a cold JVM spends its first seconds compiling, and on two cores the C2
 * compiler takes CPU from everything else): rounds of turns until C2 used under 10 % of a round's time, or a minute passed.
 */
export async function warmUp(server, model, maxRounds, maxSeconds = +(process.env.BENCH_WARMUP_MAX_S || 60)) {
  model.set(FAST);
  const w = { rounds: 0, seconds: 0, lastC2Share: null };
  for (let round = 0; round < maxRounds; round++) {
    const c0 = c2Ms(server.pid); const t0 = Date.now();
    await turns({ url: server.chatUrl, timing: model.timing, sessions: 200, turns: 5, thinkMs: 100, ttftMs: 20 });
    const c2Share = (c2Ms(server.pid) - c0) / (Date.now() - t0);
    Object.assign(w, { rounds: round + 1, seconds: +((Date.now() - t0) / 1000 + w.seconds).toFixed(1), lastC2Share: +c2Share.toFixed(2) });
    if (c2Share < 0.1 || w.seconds > maxSeconds) break; // the cap keeps a run on a busy machine short
  }
  console.log(`${server.name} warm-up`, w);
  return w;
}

/** One load shape against one server: throughput, latency, CPU per turn, and (given a database) stored rows against sent messages. */
export async function measure(server, model, shape, { postmaster, pgUrl, spreadMs } = {}) {
  model.set(FAST);
  const before = pgUrl ? await storedCounts({ connectionString: pgUrl }) : null;
  const c0 = cpu(server, postmaster);
  const r = await turns({ url: server.chatUrl, timing: model.timing, ...shape, ttftMs: FAST.ttftMs, spreadMs });
  const cpuPerTurnMs = cpuPerTurn(c0, cpu(server, postmaster), r.answered);
  delete r.tokens;
  const out = { ...r, cpuPerTurnMs };
  if (pgUrl) {
    const after = await storedCounts({ connectionString: pgUrl });
    const stored = after.customers - before.customers;
    out.rows = { sent: r.sent, stored, answers: after.answers - before.answers, lost: r.sent - stored, duplicateIds: after.duplicateIds };
  }
  console.log(`${server.name} ${shape.sessions}×${shape.turns}`, { turnsPerS: out.turnsPerS, ack: out.ack, added: out.added,
    lost: out.lost, errors: out.errorCodes, cpuPerTurnMs, rows: out.rows });
  return out;
}
