// The system's PostgreSQL 15 (Debian's cluster 15/main, installed, not running): started for the external-database
// figures, given a fresh role and database each run, and stopped again if this run started it.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

const dataDir = '/var/lib/postgresql/15/main';
const sh = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const psql = (sql) => sh('runuser', ['-u', 'postgres', '--', 'psql', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql]);

/** null when there is no cluster 15/main (or no way to become postgres): the caller falls back to embedded. */
export function startExternalPg() {
  let status;
  try { status = sh('pg_lsclusters', ['-h']).split('\n').find((l) => /^15\s+main\s/.test(l)); } catch { return null; }
  if (!status) return null;
  const port = +status.split(/\s+/)[2];
  const wasRunning = /\bonline\b/.test(status);
  if (!wasRunning) sh('pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', 'start']);
  const password = `bench-${randomUUID()}`;
  psql('drop database if exists parley_bench with (force)');
  psql(`do $$ begin if not exists (select from pg_roles where rolname = 'parley_bench') then create role parley_bench login; end if; end $$`);
  psql(`alter role parley_bench password '${password}'`);
  psql('create database parley_bench owner parley_bench');
  return {
    dataDir, port, wasRunning,
    db: { jdbcUrl: `jdbc:postgresql://127.0.0.1:${port}/parley_bench`, user: 'parley_bench', password },
    url: `postgresql://parley_bench:${password}@127.0.0.1:${port}/parley_bench`,
    stop() {
      try { psql('drop database if exists parley_bench with (force)'); } catch { /* the cluster may be gone */ }
      if (!wasRunning) sh('pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', 'stop']);
    },
  };
}
