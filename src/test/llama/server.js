// A small OpenAI-compatible chat-completions server around a real llama.cpp (node-llama-cpp, CPU
// only), for Parley's tests: real tokenization, sampling, grammar-constrained JSON and truncation,
// with the tiny stories260K model. Test infrastructure only, not part of Parley.
//
//   node server.js [--port 0] [--model ../resources/models/stories260K.gguf] [--mode schema] [--exit-with-stdin]
//   env: LLAMA_PORT, LLAMA_MODEL, LLAMA_MODE, LLAMA_TRUNCATE_TOKENS, LLAMA_CONTEXT, LLAMA_SEED, LLAMA_THREADS
//
// Once the model is loaded it prints one line: "llama-server listening on http://127.0.0.1:PORT"
// (port 0 = a free port chosen by the system; read it from that line).
//
// Modes: how the server treats `response_format: {type: "json_object"}`.
//   schema        output constrained by a grammar made from Parley's answer JSON schema
//   json          output constrained by a generic JSON grammar (any JSON object)
//   text          JSON mode ignored: plain text
//   no-json-mode  a request with response_format gets HTTP 400 (OpenAI-style error naming
//                 response_format); without it, plain text
//   truncate      as schema, but max_tokens capped (LLAMA_TRUNCATE_TOKENS, default 16) so the JSON
//                 is cut mid-way (finish_reason "length")
// The mode of a request: header `x-llama-mode`, else a model id equal to a mode or ending in
// "-<mode>" (e.g. "stories260K-truncate"), else the server's current mode (start option, or
// POST /admin/mode {"mode": "...", "truncateTokens": n}).
//
// Other endpoints: GET /health, GET /v1/models, GET /debug/last (the last completion: mode, whether
// response_format was sent, finish_reason, the raw text), GET /debug/requests (count by mode).

import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import { getLlama, LlamaCompletion } from "node-llama-cpp";

const here = path.dirname(fileURLToPath(import.meta.url));
const MODES = ["schema", "json", "text", "no-json-mode", "truncate"];

function option(name, envName, fallback) {
    const i = process.argv.indexOf("--" + name);
    if (i >= 0 && i + 1 < process.argv.length) {
        return process.argv[i + 1];
    }
    return process.env[envName] ?? fallback;
}

const port = Number(option("port", "LLAMA_PORT", "0"));
const modelPath = path.resolve(here, option("model", "LLAMA_MODEL", "../resources/models/stories260K.gguf"));
let currentMode = option("mode", "LLAMA_MODE", "schema");
let truncateTokens = Number(option("truncate-tokens", "LLAMA_TRUNCATE_TOKENS", "16"));
// Parley's system prompt alone is about 800 of this model's tokens (its vocabulary has 512): room for
// it and max_tokens, so that the prompt is never cut (a cut would make the same request differ)
const contextSize = Number(option("context", "LLAMA_CONTEXT", "2048"));
const seedOption = option("seed", "LLAMA_SEED", "");
const intents = option("intents", "LLAMA_INTENTS",
    "greeting,order_status,shipping,refund_request,product_question,account,billing,complaint,human_agent,goodbye,other").split(",");
if (!MODES.includes(currentMode)) {
    console.error(`unknown mode ${currentMode}; one of ${MODES.join(", ")}`);
    process.exit(2);
}

// Parley's structured answer (DESIGN.md), answer last; bounded so that a tiny model finishes it.
const answerSchema = {
    type: "object",
    properties: {
        intent: { enum: intents },
        confidence: { enum: [0.3, 0.5, 0.7, 0.9] },
        entities: {
            type: "array",
            maxItems: 1,
            items: {
                type: "object",
                properties: {
                    type: { enum: ["order_id", "tracking_number", "phone", "email", "amount", "date", "product"] },
                    value: { type: "string", maxLength: 12 },
                },
            },
        },
        sentiment: { enum: ["positive", "neutral", "negative"] },
        handoff: { type: "boolean" },
        suggestions: { type: "array", maxItems: 1, items: { type: "string", maxLength: 24 } },
        answer: { type: "string", minLength: 1, maxLength: 160 },
    },
};

const started = Date.now();
// One thread: on a machine shared with builds, llama.cpp's worker threads spin while they wait for
// each other, and two of them on two busy cores make each token hundreds of times slower.
const threads = Number(option("threads", "LLAMA_THREADS", "1"));
const llama = await getLlama({ gpu: false, build: "never", logLevel: "error", maxThreads: threads });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({ contextSize, sequences: 1, threads });
const sequence = context.getSequence();
const completion = new LlamaCompletion({ contextSequence: sequence });
const grammars = {
    schema: await llama.createGrammarForJsonSchema(answerSchema),
    json: await llama.getGrammarFor("json"),
};
const loadMs = Date.now() - started;

let last = null;
const counts = Object.fromEntries(MODES.map((m) => [m, 0]));
// one sequence: completions run one at a time
let queue = Promise.resolve();

function modeOf(req, body) {
    const header = req.headers["x-llama-mode"];
    if (header && MODES.includes(header)) {
        return header;
    }
    const id = String(body.model ?? "");
    const byModel = MODES.find((m) => id === m || id.endsWith("-" + m));
    return byModel ?? currentMode;
}

function render(messages) {
    const lines = [];
    for (const m of messages ?? []) {
        const role = String(m.role ?? "user");
        const content = typeof m.content === "string" ? m.content
            : Array.isArray(m.content) ? m.content.map((p) => p.text ?? "").join("") : "";
        lines.push(`${role.charAt(0).toUpperCase()}${role.slice(1)}: ${content}`);
    }
    lines.push("Assistant:");
    return lines.join("\n");
}

function sendJson(res, status, value) {
    const body = JSON.stringify(value);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
}

function openAiError(res, status, message, param, code) {
    sendJson(res, status, { error: { message, type: "invalid_request_error", param, code } });
}

async function readBody(req) {
    const parts = [];
    for await (const part of req) {
        parts.push(part);
    }
    return Buffer.concat(parts).toString("utf8");
}

async function chatCompletions(req, res) {
    let body;
    try {
        body = JSON.parse(await readBody(req));
    } catch {
        return openAiError(res, 400, "the body is not valid JSON", null, "invalid_json");
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
        return openAiError(res, 400, "messages is required", "messages", "missing_required_parameter");
    }
    const mode = modeOf(req, body);
    counts[mode]++;
    const jsonMode = body.response_format != null && body.response_format.type !== "text";
    if (mode === "no-json-mode" && body.response_format != null) {
        last = { mode, responseFormat: true, status: 400 };
        return openAiError(res, 400, "response_format is not supported by this model: remove response_format and ask for JSON in the prompt",
            "response_format", "unsupported_parameter");
    }
    const grammar = !jsonMode || mode === "text" || mode === "no-json-mode" ? undefined
        : mode === "json" ? grammars.json : grammars.schema;
    let maxTokens = Number.isInteger(body.max_tokens) && body.max_tokens > 0 ? body.max_tokens
        : Number.isInteger(body.max_completion_tokens) ? body.max_completion_tokens : 256;
    if (mode === "truncate") {
        maxTokens = Math.min(maxTokens, truncateTokens);
    }
    let promptTokens = model.tokenize(render(body.messages), true);
    const room = context.contextSize - maxTokens - 1;
    if (promptTokens.length > room) {
        promptTokens = promptTokens.slice(promptTokens.length - room); // keep the end of the transcript
    }
    const id = "chatcmpl-llama-" + randomUUID();
    const created = Math.floor(Date.now() / 1000);
    const modelId = String(body.model ?? "stories260K");
    const stream = body.stream === true;
    const abort = new AbortController();
    res.on("close", () => {
        if (!res.writableFinished) {
            abort.abort(new Error("client went away"));
        }
    });

    const chunk = (choices, extra = {}) => `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: modelId, choices, ...extra })}\n\n`;
    if (stream) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "x-request-id": id });
        res.flushHeaders();
    }

    const run = queue.then(async () => {
        if (abort.signal.aborted) {
            return null;
        }
        // every request from a clean sequence: the same request and seed give the same tokens (a reused
        // prefix is evaluated differently and can change what is sampled)
        await sequence.clearHistory();
        let completionTokens = 0;
        let firstTokenMs = null;
        const t0 = Date.now();
        let sentRole = false;
        const meta = await completion.generateCompletionWithMeta(promptTokens, {
            maxTokens,
            grammar,
            temperature: typeof body.temperature === "number" ? body.temperature : 0.8,
            topP: typeof body.top_p === "number" ? body.top_p : undefined,
            seed: Number.isInteger(body.seed) ? body.seed : seedOption !== "" ? Number(seedOption) : undefined,
            signal: abort.signal,
            stopOnAbortSignal: true,
            onToken: (tokens) => {
                completionTokens += tokens.length;
            },
            onTextChunk: (text) => {
                if (firstTokenMs == null) {
                    firstTokenMs = Date.now() - t0;
                }
                if (stream && text.length > 0) {
                    const delta = sentRole ? { content: text } : { role: "assistant", content: text };
                    sentRole = true;
                    res.write(chunk([{ index: 0, delta, finish_reason: null }]));
                }
            },
        });
        return { meta, completionTokens, firstTokenMs, totalMs: Date.now() - t0 };
    });
    queue = run.catch(() => undefined);

    let result;
    try {
        result = await run;
    } catch (e) {
        if (stream) {
            res.write(`data: ${JSON.stringify({ error: { message: String(e?.message ?? e), type: "server_error" } })}\n\n`);
            return res.end();
        }
        return sendJson(res, 500, { error: { message: String(e?.message ?? e), type: "server_error" } });
    }
    if (result == null) {
        return; // the client left before its turn
    }
    const { meta, completionTokens, firstTokenMs, totalMs } = result;
    const finishReason = meta.metadata.stopReason === "maxTokens" ? "length" : "stop";
    const usage = { prompt_tokens: promptTokens.length, completion_tokens: completionTokens, total_tokens: promptTokens.length + completionTokens };
    last = { mode, responseFormat: body.response_format != null, grammar: grammar == null ? null : mode === "json" ? "json" : "schema",
        status: 200, finishReason, text: meta.response, usage, firstTokenMs, totalMs, maxTokens };
    if (stream) {
        res.write(chunk([{ index: 0, delta: {}, finish_reason: finishReason }], { usage }));
        res.write("data: [DONE]\n\n");
        return res.end();
    }
    sendJson(res, 200, {
        id, object: "chat.completion", created, model: modelId,
        choices: [{ index: 0, message: { role: "assistant", content: meta.response }, finish_reason: finishReason }],
        usage,
    });
}

const server = http.createServer(async (req, res) => {
    try {
        const url = new URL(req.url, "http://localhost");
        if (req.method === "POST" && url.pathname.endsWith("/chat/completions")) {
            return await chatCompletions(req, res);
        }
        if (req.method === "GET" && url.pathname === "/health") {
            return sendJson(res, 200, { status: "ok", mode: currentMode, loadMs });
        }
        if (req.method === "GET" && url.pathname.endsWith("/models")) {
            return sendJson(res, 200, { object: "list", data: [{ id: "stories260K", object: "model", owned_by: "llama2.c" }] });
        }
        if (req.method === "GET" && url.pathname === "/debug/last") {
            return sendJson(res, 200, last ?? {});
        }
        if (req.method === "GET" && url.pathname === "/debug/requests") {
            return sendJson(res, 200, counts);
        }
        if (req.method === "POST" && url.pathname === "/admin/mode") {
            const asked = JSON.parse(await readBody(req));
            if (!MODES.includes(asked.mode)) {
                return openAiError(res, 400, `mode is one of ${MODES.join(", ")}`, "mode", "invalid_value");
            }
            if (asked.truncateTokens != null) {
                truncateTokens = Number(asked.truncateTokens);
            }
            currentMode = asked.mode;
            last = null;
            return sendJson(res, 200, { mode: currentMode, truncateTokens });
        }
        openAiError(res, 404, `no route for ${req.method} ${url.pathname}`, null, "not_found");
    } catch (e) {
        if (!res.headersSent) {
            sendJson(res, 500, { error: { message: String(e?.message ?? e), type: "server_error" } });
        } else {
            res.end();
        }
    }
});

server.listen(port, "127.0.0.1", () => {
    console.log(`llama-server listening on http://127.0.0.1:${server.address().port} mode=${currentMode} model-load-ms=${loadMs}`);
});

function shutdown() {
    server.close();
    process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
// --exit-with-stdin: a parent process (the Java test) holds our stdin; when it goes, even by kill -9,
// stdin ends and so does this server
if (process.argv.includes("--exit-with-stdin")) {
    process.stdin.on("end", shutdown);
    process.stdin.resume();
}
