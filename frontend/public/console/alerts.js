// The console's signals for conversations waiting for a person: a timer on each waiting row coloured by
// the service level (green under 2 min, amber under 5, red after), a chime when a new one starts waiting
// and the count in the tab's title. The chime and the title count can each be turned off; the choice is
// kept in this browser.
import { el } from '../js/dom.js';

const SLA_WARN_MS = 2 * 60 * 1000;
const SLA_LATE_MS = 5 * 60 * 1000;
const BASE_TITLE = document.title;
const setting = (key) => ({
  get: () => localStorage.getItem(`parley.console.${key}`) !== 'off',
  set: (on) => localStorage.setItem(`parley.console.${key}`, on ? 'on' : 'off'),
});
const sound = setting('sound');
const titleCount = setting('title');
let waiting = null; // the last count seen; null before the first

/** A timer element for a row waiting since `since` (ISO), kept current by the ticker below. */
export function waitTimer(since) {
  const span = el('span', 'wait');
  span.dataset.since = since;
  tick(span);
  return span;
}

function tick(span) {
  const ms = Math.max(0, Date.now() - Date.parse(span.dataset.since));
  const s = Math.floor(ms / 1000);
  span.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  span.className = `wait ${ms >= SLA_LATE_MS ? 'sla-late' : ms >= SLA_WARN_MS ? 'sla-warn' : 'sla-ok'}`;
  span.title = `Waiting for ${span.textContent} (min:s)`;
}
setInterval(() => document.querySelectorAll('.wait[data-since]').forEach(tick), 1000);

/** The number of conversations waiting for a person now: the title shows it, a rise chimes. */
export function waitingCount(n) {
  if (waiting !== null && n > waiting && sound.get()) chime();
  waiting = n;
  showTitle();
}

function showTitle() {
  document.title = titleCount.get() && waiting ? `(${waiting}) ${BASE_TITLE}` : BASE_TITLE;
}

let audio;
function chime() {
  document.body.dataset.chimes = String(Number(document.body.dataset.chimes || 0) + 1);
  try {
    audio = audio || new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.35);
  } catch { /* no audio on this device: the title still counts */ }
}

/** Wires the two header checkboxes to their settings. */
export function alertToggles(soundBox, titleBox) {
  soundBox.checked = sound.get();
  titleBox.checked = titleCount.get();
  soundBox.addEventListener('change', () => sound.set(soundBox.checked));
  titleBox.addEventListener('change', () => { titleCount.set(titleBox.checked); showTitle(); });
}
