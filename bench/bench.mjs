// Parley's benchmark (issue 21): Parley against a peer on the same stack that stores nothing, one server at a
// time, the same fake model and load; the cold burst; start-up. Ends with one table: target | figure | goal |
// ratio | met. Raw figures go to bench/.data/last-run.json.
//   node bench/bench.mjs           about 3–4 minutes
//   node bench/bench.mjs --long    adds the baselines, 100/500 live with a slow model, the paced ramp, 10,000 idle
// Smaller runs while iterating: BENCH_SESSIONS, BENCH_TURNS, BENCH_BURST_SESSIONS, BENCH_BURST_TURNS, BENCH_WARMUP_ROUNDS.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeModel } from './fake-model.mjs';
import { root, jar, peerJar, sleep, startParley, startPeer, stop, rssMb, postmasterPid } from './servers.mjs';
import { startExternalPg } from './external-pg.mjs';
import { BUSIEST, BURST, warmUp, measure } from './scenarios.mjs';
import { targetRows, printTable } from './report.mjs';
import { longScenarios } from './long.mjs';

const long = process.argv.includes('--long');
const warmupRounds = +(process.env.BENCH_WARMUP_ROUNDS || (long ? 12 : 6));
for (const j of [jar, peerJar]) {
  if (!existsSync(j)) { console.error(`no ${j}: use bench/run.sh, which builds it`); process.exit(2); }
}
const benchStarted = Date.now();
const model = await startFakeModel({ ttftMs: 20, tokens: 10, tokensPerS: 1000 });
const dataDir = path.join(root, 'bench/.data/pg');
// a fresh database for every run: figures of runs that inherit millions of rows are not comparable
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(path.dirname(dataDir), { recursive: true });
const results = { machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.cpus()[0].model}`,
  when: new Date().toISOString(), loadAverage: os.loadavg().map((l) => +l.toFixed(1)), shapes: { busiest: BUSIEST, burst: BURST }, startup: {} };
const live = []; // servers to stop if the run fails half-way
const started = async (s) => { live.push(s); return s; };
const stopped = async (s) => { await stop(s); live.splice(live.indexOf(s), 1); };
let external = null;
// a run that fails half-way leaves no JVM and no PostgreSQL 15 behind
async function cleanUp(e) {
  console.error(e);
  for (const s of [...live]) await stop(s);
  try { external?.stop(); } catch { /* already stopped */ }
  process.exit(1);
}
process.on('uncaughtException', cleanUp);
process.on('unhandledRejection', cleanUp);
process.on('SIGINT', () => cleanUp('interrupted'));
const idleRss = async (s) => { await sleep(2000); return rssMb(s.pid); };

// 1. Parley on the embedded PostgreSQL: a first start initialises the data folder, the second is the one measured
console.log('Parley: first start initialises the embedded database…');
await stopped(await started(await startParley({ modelPort: model.port, dataDir })));
let parley = await started(await startParley({ modelPort: model.port, dataDir }));
results.startup.parley = { readyMs: parley.readyMs, startedInS: parley.startedIn, idleRssMb: await idleRss(parley) };
console.log('Parley startup', results.startup.parley);
// the embedded PostgreSQL accepts only the password Parley generated into its data folder (owner-only)
const pgPassword = encodeURIComponent(readFileSync(path.join(dataDir, 'parley-password'), 'utf8').trim());
const pgPort = /jdbc:postgresql:\/\/localhost:(\d+)\//.exec(parley.log())?.[1];
const embedded = { postmaster: postmasterPid(path.join(dataDir, 'pgdata')) ?? postmasterPid(dataDir),
  pgUrl: `postgresql://postgres:${pgPassword}@127.0.0.1:${pgPort}/postgres` };
if (!embedded.postmaster) console.log('note: the embedded postmaster.pid was not found: PostgreSQL CPU reads 0');
results.warmup = { parley: await warmUp(parley, model, warmupRounds) };
results.busiest = { parley: await measure(parley, model, BUSIEST, embedded) };
if (long) {
  const l = await longScenarios({ parley, model, ...embedded });
  results.long = l.results;
  results.longRows = l.rows;
}

// 2. The cold burst and the external-database start on PostgreSQL 15 when this machine has it; else on the embedded one
external = startExternalPg();
if (!external) {
  console.log('note: no PostgreSQL 15 cluster here: the cold burst runs on the embedded database, no external ready time');
  results.burstDb = 'embedded';
  results.burst = await measure(parley, model, BURST, { ...embedded, spreadMs: 0 });
}
await stopped(parley);

// 3. The peer: same model, same load, nothing stored
const peer = await started(await startPeer({ modelPort: model.port }));
results.startup.peer = { readyMs: peer.readyMs, startedInS: peer.startedIn, idleRssMb: await idleRss(peer) };
console.log('peer startup', results.startup.peer);
results.warmup.peer = await warmUp(peer, model, warmupRounds);
results.busiest.peer = await measure(peer, model, BUSIEST);
await stopped(peer);

if (external) {
  results.burstDb = 'PostgreSQL 15 (external)';
  const db = { postmaster: postmasterPid(external.dataDir), pgUrl: external.url };
  console.log('Parley on PostgreSQL 15: first start migrates the database…');
  await stopped(await started(await startParley({ modelPort: model.port, db: external.db })));
  parley = await started(await startParley({ modelPort: model.port, db: external.db }));
  results.startup.external = { readyMs: parley.readyMs, startedInS: parley.startedIn, idleRssMb: await idleRss(parley) };
  console.log('Parley startup, external PostgreSQL', results.startup.external);
  results.warmup.burst = await warmUp(parley, model, warmupRounds);
  results.burst = await measure(parley, model, BURST, { ...db, spreadMs: 0 });
  await stopped(parley);
  external.stop();
}
model.close();

results.seconds = Math.round((Date.now() - benchStarted) / 1000);
console.log(`\nParley benchmark (${long ? 'long' : 'short'}, ${results.seconds} s) on ${results.machine}, load average before ${results.loadAverage.join(' ')}`);
console.log(`busiest: ${BUSIEST.sessions} sessions × ${BUSIEST.turns} turns, ${BUSIEST.thinkMs} ms jittered think, model 20 ms + 10 tokens; `
  + `cold burst: ${BURST.sessions} × ${BURST.turns}, no think, on ${results.burstDb}\n`);
printTable(['target', 'figure', 'goal', 'ratio', ''], targetRows(results));
const codes = [['Parley, busiest', results.busiest.parley], ['peer, busiest', results.busiest.peer], ['cold burst', results.burst]]
  .filter(([, r]) => r && r.errors).map(([k, r]) => `${k}: ${JSON.stringify(r.errorCodes)}`);
if (codes.length) console.log(`\nerrors by code: ${codes.join('; ')}`);
if (results.longRows) {
  console.log('');
  printTable(['--long', 'figure'], results.longRows);
}
writeFileSync(path.join(root, 'bench/.data/last-run.json'), JSON.stringify(results, null, 2));
process.exit(0);
