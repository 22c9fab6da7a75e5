// Offline answers, one customer at a time: time from a message to its first answer text and to its end.
// Usage: node bench/offline-latency.mjs <port> [turns]. Parley runs without a model key (offline engine).
import WebSocket from 'ws';

const port = Number(process.argv[2]);
const turns = Number(process.argv[3] || 40);
const texts = ['where is my order AB1234567?', '我的退款什么时候到账', 'can I change my address?', '怎么开发票', 'the cup arrived broken'];

function turn(ws, id, text) {
  return new Promise((resolve) => {
    const sent = process.hrtime.bigint();
    let first = null;
    const onMessage = (raw) => {
      const f = JSON.parse(raw);
      if (f.type === 'answer.delta' && first === null) first = process.hrtime.bigint();
      if (f.type === 'answer.end') {
        ws.off('message', onMessage);
        const end = process.hrtime.bigint();
        resolve({ first: Number((first ?? end) - sent) / 1e6, end: Number(end - sent) / 1e6 });
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'message', id, text }));
  });
}

const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/chat`);
await new Promise((r) => ws.once('open', r));
ws.send(JSON.stringify({ type: 'hello', locale: 'en' }));
await new Promise((r) => ws.once('message', r));
const firsts = [];
const ends = [];
for (let i = 0; i < turns; i++) {
  const { first, end } = await turn(ws, `t${i}-${Date.now()}`, texts[i % texts.length]);
  if (i >= 5) { firsts.push(first); ends.push(end); } // the first turns warm the JIT
}
ws.close();
const p = (xs, q) => xs.slice().sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))].toFixed(1);
console.log(`offline turns=${firsts.length} first text p50=${p(firsts, 0.5)} ms p95=${p(firsts, 0.95)} ms; answer end p50=${p(ends, 0.5)} ms`);
