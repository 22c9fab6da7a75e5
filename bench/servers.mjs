// The servers under test, one at a time: Parley (packaged jar; embedded PostgreSQL or an external one) and the
// peer (bench/peer: the same stack, storing nothing). Their CPU, RSS and readiness are read from outside only
// (HTTP and /proc), so the figures measure whatever Parley's internals become.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const jar = path.join(root, 'target/quarkus-app/quarkus-run.jar');
export const peerJar = path.join(root, 'bench/peer/target/quarkus-app/quarkus-run.jar');
const java = process.env.JAVA || 'java';
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const freePort = () => new Promise((r) => { const s = net.createServer().listen(0, () => { const p = s.address().port; s.close(() => r(p)); }); });

// the model's provider bulkhead is raised: the defaults (32 streams, 64 connections) are sized for a real provider
// account and would make the bulkhead, not Parley, the subject; every simulated customer comes from 127.0.0.1,
// so the per-address and per-conversation limits are lifted too
const parleyEnv = {
  PARLEY_LLM_MAX_CONCURRENT: '5000', PARLEY_LLM_MAX_QUEUED: '5000', PARLEY_LLM_MAX_CONNECTIONS: '3000',
  PARLEY_LIMITS_MESSAGES_PER_MINUTE: '1000000', PARLEY_LIMITS_SOCKETS_PER_ADDRESS: '1000000',
  PARLEY_LIMITS_CONVERSATIONS_PER_HOUR: '100000000', PARLEY_LIMITS_MODEL_CALLS_PER_CONVERSATION: '1000000',
  QUARKUS_LOG_LEVEL: 'WARN', QUARKUS_LOG_CATEGORY__IO_QUARKUS__LEVEL: 'INFO', QUARKUS_LOG_CATEGORY__ORG_FLYWAYDB__LEVEL: 'INFO',
};

/** Starts a JVM and waits until `readyPath` answers 2xx (or any HTTP answer when `readyPath` is null). */
async function startJvm({ name, jarPath, env, readyPath }) {
  const port = await freePort();
  const started = Date.now();
  // PARLEY_BENCH_JVM_ARGS: extra JVM flags for both servers, e.g. -XX:StartFlightRecording=filename=p.jfr,settings=profile
  const jvmArgs = (process.env.PARLEY_BENCH_JVM_ARGS || '').split(' ').filter(Boolean);
  const child = spawn(java, [...jvmArgs, '-jar', jarPath], {
    cwd: root, env: { ...process.env, ...env, QUARKUS_HTTP_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${log}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}${readyPath ?? '/'}`);
      if (r.ok || readyPath === null) break;
    } catch { /* not yet */ }
    await sleep(20);
  }
  const readyMs = Date.now() - started;
  const startedIn = /started in ([\d.]+)s/.exec(log)?.[1];
  return { name, child, pid: child.pid, port, readyMs, startedIn: startedIn ? +startedIn : null, chatUrl: `ws://127.0.0.1:${port}/ws/chat`, log: () => log };
}

/** Parley on the embedded PostgreSQL in `dataDir`, or on `db` ({ jdbcUrl, user, password }). */
export function startParley({ modelPort, dataDir, db }) {
  const env = { ...parleyEnv, PARLEY_LLM_BASE_URL: `http://127.0.0.1:${modelPort}`, PARLEY_LLM_API_KEY: 'bench-key' };
  if (db) Object.assign(env, { QUARKUS_DATASOURCE_JDBC_URL: db.jdbcUrl, QUARKUS_DATASOURCE_USERNAME: db.user, QUARKUS_DATASOURCE_PASSWORD: db.password });
  else env.PARLEY_DB_DATA_DIR = dataDir;
  return startJvm({ name: 'Parley', jarPath: jar, env, readyPath: '/q/health/ready' });
}

/** The peer has no health endpoint: its HTTP server opens when it is ready, so any HTTP answer counts. */
export function startPeer({ modelPort }) {
  if (!existsSync(peerJar)) throw new Error(`no ${peerJar}: ./mvnw -f bench/peer/pom.xml -q -o package -DskipTests`);
  return startJvm({ name: 'peer', jarPath: peerJar, env: { PEER_MODEL_URL: `http://127.0.0.1:${modelPort}` }, readyPath: null });
}

export async function stop(server) {
  if (server.child.exitCode !== null) return;
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.once('exit', r));
}

// CPU time (ms) from /proc: utime + stime of a process, or of a PostgreSQL server (its postmaster and the
// backends it forked), found by its data folder's postmaster.pid, so other PostgreSQL servers on a shared
// machine (other builds' tests) are not counted
const ticksPerS = +execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100;
export const procCpuMs = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((+f[11]) + (+f[12])) * 1000 / ticksPerS;
  } catch { return 0; }
};
const parentOf = (pid) => { try { return +readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]; } catch { return -1; } };
export function postmasterPid(pgDataDir) {
  try { return +readFileSync(path.join(pgDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]; } catch { return null; }
}
/** CPU of a PostgreSQL server; backends that exited since the last reading are lost, so readings span live connections. */
export function pgCpuMs(postmaster) {
  if (!postmaster) return 0;
  let ms = procCpuMs(postmaster);
  for (const p of readdirSync('/proc')) if (/^\d+$/.test(p) && parentOf(p) === postmaster) ms += procCpuMs(p);
  return ms;
}
export const rssMb = (pid) => +(+/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1] / 1024).toFixed(1);
export function heapMb(pid) {
  execFileSync('jcmd', [String(pid), 'GC.run']);
  const used = /used (\d+)K/.exec(execFileSync('jcmd', [String(pid), 'GC.heap_info']).toString());
  return used ? +(+used[1] / 1024).toFixed(1) : NaN;
}
/** The C2 compiler threads' CPU time: the JIT has settled when it stops growing. */
export function c2Ms(pid) {
  let ms = 0;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      if (readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').startsWith('C2')) ms += procCpuMs(`${pid}/task/${t}`);
    }
  } catch { /* not Linux: no adaptive warm-up */ }
  return ms;
}
