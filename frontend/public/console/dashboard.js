// The supervisors' dashboard (admins): GET /api/dashboard?range=hour|day|week, polled every 10 s, drawn
// with uPlot (vendored in /vendor/uplot, a plain ES module: no build step). The table of current figures
// is the text version of the charts, for screen readers and for reading at a glance. Sign-in stays on
// the console page; this page only uses its session cookie.
import uPlot from '/vendor/uplot/uPlot.esm.js';
import { api as call } from './admin-page.js';

const api = (path, options) => call(path, options, 'Only admins see the dashboard.');

const POLL_MS = 10000;
const RANGE_LABEL = { hour: 'last hour', day: 'last day', week: 'last week' };
const status = document.getElementById('dashboard-status');
const state = { range: 'hour', timer: null, charts: {}, concurrency: [[], []], data: null };

// ---- charts -------------------------------------------------------------------------------------

const THRESHOLD = { stroke: '#dc2626', dash: [6, 4], width: 1.5, points: { show: false } };
const line = (label, stroke, extra = {}) => ({ label, stroke, width: 2, spanGaps: false, ...extra });

function chart(id, series, axes = [{}, {}], scales = {}) {
  const box = document.getElementById(id);
  const width = Math.max(300, box.clientWidth - 16);
  const opts = { width, height: 220, series: [{}, ...series], axes, scales, legend: { live: false } };
  const empty = [[], ...series.map(() => [])];
  const plot = new uPlot(opts, empty, box);
  plot.root.setAttribute('aria-hidden', 'true'); // the table above says the same in text
  return plot;
}

function createCharts(t) {
  const pct = { values: (u, vals) => vals.map((v) => `${v}%`) };
  const small = { values: (u, vals) => vals.map((v) => Number(v.toPrecision(2))) }; // turns/s over a week: 0.0012
  state.charts = {
    turns: chart('chart-turns', [line('Turns/s', '#2563eb', { fill: 'rgb(37 99 235 / 12%)' })], [{}, small]),
    latency: chart('chart-latency', [line('p50 first text', '#16a34a'), line('p95 first text', '#2563eb'),
      line('p99 first text', '#7c3aed'), line('p95 end', '#f59e0b'), { label: `${t.latencyMs} ms`, ...THRESHOLD }]),
    errors: chart('chart-errors', [line('Error rate %', '#dc2626', { fill: 'rgb(220 38 38 / 10%)' }),
      { label: `${t.errorRate * 100} %`, ...THRESHOLD }], [{}, pct], { y: { range: (u, min, max) => [0, Math.max(10, max)] } }),
    concurrency: chart('chart-concurrency', [line('Concurrency %', '#0f766e', { points: { show: true, size: 5 } }),
      { label: `${t.concurrency * 100} %`, ...THRESHOLD }], [{}, pct], { x: { time: true, auto: false }, y: { range: (u, min, max) => [0, Math.max(100, max)] } }),
    cost: chart('chart-cost', [line('Cost', '#b45309', { fill: 'rgb(180 83 9 / 12%)' })], [{}, small]),
    support: chart('chart-support', [line('Hand-offs', '#db2777', { paths: uPlot.paths.bars({ size: [0.6, 40] }), fill: 'rgb(219 39 119 / 30%)' }),
      line('CSAT', '#0891b2', { scale: 'csat', spanGaps: true, points: { show: true, size: 6 } })],
      [{}, {}, { scale: 'csat', side: 1, grid: { show: false } }], { csat: { range: [1, 5] } }),
  };
}

function draw(d) {
  if (!state.charts.turns) createCharts(d.thresholds);
  const t = d.buckets.map((b) => b.t);
  const col = (f) => d.buckets.map(f);
  const flat = (v) => t.map(() => v);
  state.charts.turns.setData([t, col((b) => b.turns / d.bucketSeconds)]);
  state.charts.latency.setData([t, col((b) => b.p50FirstTextMs), col((b) => b.p95FirstTextMs), col((b) => b.p99FirstTextMs),
    col((b) => b.p95TotalMs), flat(d.thresholds.latencyMs)]);
  state.charts.errors.setData([t, col((b) => (b.errorRate == null ? null : b.errorRate * 100)), flat(d.thresholds.errorRate * 100)]);
  state.charts.cost.setData([t, col((b) => Number(b.cost))]);
  state.charts.support.setData([t, col((b) => b.handoffs), col((b) => b.csat)]);
  // concurrency is not stored: this page keeps what it has seen (at most a day of 10 s samples)
  const [times, values] = state.concurrency;
  times.push(Math.floor(Date.now() / 1000));
  values.push(d.concurrencyNow * 100);
  if (times.length > 8640) { times.shift(); values.shift(); }
  // at least the last ten minutes (a point with no sample at the start), the threshold drawn across
  const now = times[times.length - 1];
  const start = Math.min(times[0], now - 600);
  const xs = start < times[0] ? [start, ...times] : times.slice();
  const ys = start < times[0] ? [null, ...values] : values.slice();
  state.charts.concurrency.setData([xs, ys, xs.map(() => d.thresholds.concurrency * 100)]);
  state.charts.concurrency.setScale('x', { min: start, max: now + 10 });
}

// ---- the table of current figures ---------------------------------------------------------------

const number = (v, digits = 0) => (v == null ? '–' : v.toLocaleString('en', { maximumFractionDigits: digits }));
const percent = (v) => (v == null ? '–' : `${(v * 100).toLocaleString('en', { maximumFractionDigits: 1 })} %`);

function figure(name, text, over = false) {
  const row = document.querySelector(`#current tr[data-figure="${name}"]`);
  row.querySelector('td').textContent = text;
  row.classList.toggle('over', over);
}

function table(d) {
  const s = d.total;
  const t = d.thresholds;
  const seconds = Math.min(d.to, Date.now() / 1000) - d.from;
  figure('turns', number(s.turns));
  figure('rate', (s.turns / Math.max(1, seconds)).toLocaleString('en', { maximumSignificantDigits: 3 }));
  figure('latency', s.p95FirstTextMs == null ? '–' : `${number(s.p95FirstTextMs)} ms`, s.p95FirstTextMs > t.latencyMs);
  figure('errors', s.errorRate == null ? 'no model calls' : `${percent(s.errorRate)} (${number(s.failedCalls)} of ${number(s.modelCalls)} model calls)`,
    s.errorRate > t.errorRate);
  const busiest = d.concurrency[0];
  figure('concurrency', `${percent(d.concurrencyNow)}${busiest ? ` (${busiest.limit}, ${busiest.provider})` : ''}`, d.concurrencyNow > t.concurrency);
  figure('cost', `${number(Number(s.cost), 4)} ${d.currency}`);
  figure('handoffs', number(s.handoffs));
  figure('csat', s.csat == null ? 'no ratings' : `${number(s.csat, 2)} (${number(s.ratings)} ratings)`);
  document.getElementById('range-label').textContent = RANGE_LABEL[d.range];
}

// ---- polling and the range switch ---------------------------------------------------------------

async function load() {
  clearTimeout(state.timer);
  const range = state.range;
  try {
    const d = await api(`/api/dashboard?range=${range}`);
    if (range !== state.range) return; // switched meanwhile: that load is under way
    status.textContent = '';
    state.data = d;
    table(d);
    draw(d);
    document.getElementById('updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    status.textContent = error.message;
    if (error.message.startsWith('Only admins')) return; // no point asking again
  }
  if (range === state.range) state.timer = setTimeout(load, document.hidden ? POLL_MS * 3 : POLL_MS);
}

document.getElementById('ranges').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-range]');
  if (!button || button.dataset.range === state.range) return;
  state.range = button.dataset.range;
  document.querySelectorAll('#ranges button').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
  load();
});

window.addEventListener('resize', () => {
  Object.entries(state.charts).forEach(([name, plot]) => {
    const box = document.getElementById(`chart-${name}`);
    plot.setSize({ width: Math.max(300, box.clientWidth - 16), height: 220 });
  });
});

load();
