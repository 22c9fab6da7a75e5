// A fake OpenAI-compatible model built for load: streams SSE with a fixed time to first answer token
// and a fixed token rate, and holds thousands of streams at once (one timer per stream).
//   PORT=9100 TTFT_MS=300 TOKENS=40 TOKENS_PER_S=50 node fake-model.mjs
import http from 'node:http';

export function startFakeModel({ port = 0, ttftMs = 300, tokens = 40, tokensPerS = 50 } = {}) {
  const cfg = { ttftMs, tokens, tokensPerS };
  let open = 0;
  let served = 0;
  // per turn (the load client puts the message id in its text): when the request came and when its first
  // answer token left, so the load client can subtract the model's real time to first token, not the
  // configured one (a timer in a busy event loop fires late, and that lateness is not Parley's)
  const timings = new Map();
  const now = () => Number(process.hrtime.bigint() / 1000n);
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"Not Found"}}');
      return;
    }
    const receivedAt = now();
    const body = [];
    req.on('data', (d) => body.push(d));
    const { ttftMs, tokens } = cfg;
    const gap = 1000 / cfg.tokensPerS;
    req.on('end', () => {
      const turn = /turn \d+ ([0-9a-f-]{36})/.exec(Buffer.concat(body).toString().split('"role":"user"').at(-1))?.[1];
      open++;
      served++;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(': keep-alive\n\n');
      const id = `chatcmpl-bench-${served}`;
      const chunk = (content, finish) => `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', model: 'bench-model',
        choices: [{ index: 0, delta: { content }, finish_reason: finish ?? null }] })}\n\n`;
      // the first chunk carries the JSON head and the first answer word: the answer text starts at TTFT
      const head = '{"intent":"order_status","confidence":0.9,"entities":[{"type":"order_id","value":"AB1234567"}],"answer":"';
      let i = 0;
      let timer = setTimeout(function tick() {
        if (res.destroyed) { open--; return; }
        if (i === 0) {
          res.write(chunk(`${head}word0 `));
          if (turn) timings.set(turn, { receivedAt, firstTokenAt: now() });
        }
        else if (i < tokens) res.write(chunk(`word${i} `));
        if (++i < tokens) { timer = setTimeout(tick, gap); return; }
        res.write(chunk('"}', 'stop'));
        res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', choices: [],
          usage: { prompt_tokens: 300, completion_tokens: tokens + 30, prompt_cache_hit_tokens: 256, prompt_cache_miss_tokens: 44 } })}\n\n`);
        res.end('data: [DONE]\n\n');
        open--;
      }, ttftMs);
      res.on('close', () => clearTimeout(timer));
    });
  });
  server.keepAliveTimeout = 120_000;
  server.maxConnections = 100_000;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({
    port: server.address().port, close: () => server.close(), stats: () => ({ open, served }),
    /** The real time to first token (µs) of the last request for this turn, once its first token left. */
    /** When the last request for this turn arrived and its first token left (µs, this process's monotonic clock). */
    timing: (turn) => { const t = timings.get(turn); timings.delete(turn); return t; },
    /** Changes the pace of the streams that start from now on. */
    set: (next) => Object.assign(cfg, next), config: () => ({ ...cfg }),
  })));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await startFakeModel({ port: +(process.env.PORT || 9100), ttftMs: +(process.env.TTFT_MS || 300),
    tokens: +(process.env.TOKENS || 40), tokensPerS: +(process.env.TOKENS_PER_S || 50) });
  console.log(`fake model on http://127.0.0.1:${s.port}`);
}
