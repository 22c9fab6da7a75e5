// The closing table: each target of issue 21 with its figure, its goal, a ratio (figure ÷ goal, or Parley ÷ peer)
// and met / not met, printed as a padded Markdown table that pastes into bench/README.md as it is.
const f = (v, d = 2) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : +(+v).toFixed(d));
const ratio = (a, b) => (a === null || b === null || a === undefined || b === undefined || !b ? 'n/a' : `${(a / b).toFixed(2)}×`);
const met = (ok) => (ok === null ? '—' : ok ? 'met' : 'not met');

/** `atMost`: the figure must not exceed the goal; otherwise it must reach it. */
function target(name, figure, goal, { atMost = true, shown = f(figure), peer } = {}) {
  const ok = figure === null || figure === undefined ? null : atMost ? figure <= goal : figure >= goal;
  return [name, peer === undefined ? String(shown) : `${shown} (peer ${peer})`, `${atMost ? '≤' : '≥'} ${goal}`, ratio(figure, goal), met(ok)];
}

export function targetRows(r) {
  const P = r.busiest.parley; const Q = r.busiest.peer; const B = r.burst;
  const lostBurst = B ? B.rows.lost + B.lost + B.errors + B.rows.duplicateIds : null;
  const rows = [
    ['busiest: turns/s, Parley ÷ peer', `${P.turnsPerS} / ${Q.turnsPerS}`, '≥ 1.2×', ratio(P.turnsPerS, Q.turnsPerS),
      met(P.turnsPerS / Q.turnsPerS >= 1.2)],
    target('busiest: backend-added first token p50 (ms)', P.added.p50, 20, { peer: Q.added.p50 }),
    target('busiest: ack p99 (ms)', P.ack.p99, 50, { peer: 'n/a: no ack' }),
    target('busiest: PostgreSQL CPU per turn (ms)', P.cpuPerTurnMs.pg, 0.8),
    ['busiest: server CPU per turn, Parley / peer (ms)', `${P.cpuPerTurnMs.server} / ${Q.cpuPerTurnMs.server}`, '—',
      ratio(P.cpuPerTurnMs.server, Q.cpuPerTurnMs.server), '—'],
    ['busiest: all CPU per turn incl. PostgreSQL and harness, Parley / peer (ms)', `${P.cpuPerTurnMs.total} / ${Q.cpuPerTurnMs.total}`, '—',
      ratio(P.cpuPerTurnMs.total, Q.cpuPerTurnMs.total), '—'],
    ['busiest: answers lost / errors, Parley; peer', `${P.lost} / ${P.errors}; ${Q.lost} / ${Q.errors}`, '0', '—',
      met(P.lost + P.errors === 0 && (!P.rows || P.rows.lost === 0))],
    B ? target(`cold burst${r.burstDb === 'embedded' ? ' (embedded PG)' : ''}: turns/s`, B.turnsPerS, 500, { atMost: false }) : null,
    B ? target('cold burst: ack p99 (ms)', B.ack.p99, 200) : null,
    B ? ['cold burst: sent / stored / answered / lost / doubled / errors',
      `${B.rows.sent} / ${B.rows.stored} / ${B.answered} / ${B.lost} / ${B.rows.duplicateIds} / ${B.errors}`,
      '0 lost, 0 doubled', '—', met(lostBurst === 0)] : null,
    target('ready, embedded PG already initialised (ms)', r.startup.parley.readyMs, 2500, { peer: r.startup.peer.readyMs }),
    target('ready, external PG (ms)', r.startup.external?.readyMs ?? null, 1500, { shown: r.startup.external?.readyMs ?? 'n/a: no PostgreSQL 15' }),
    ['ready, Parley (embedded) ÷ peer', `${r.startup.parley.readyMs} / ${r.startup.peer.readyMs}`, '—',
      ratio(r.startup.parley.readyMs, r.startup.peer.readyMs), '—'],
    target('idle RSS after ready (MB)', r.startup.parley.idleRssMb, 250, { peer: r.startup.peer.idleRssMb }),
  ];
  return rows.filter(Boolean);
}

export function printTable(header, rows) {
  const all = [header, ...rows].map((row) => row.map(String));
  const w = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  console.log(line(all[0]));
  console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
  for (const row of all.slice(1)) console.log(line(row));
}
