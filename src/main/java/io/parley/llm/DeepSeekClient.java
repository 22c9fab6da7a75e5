package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.VertxInternal;

import java.net.URI;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Our thin OpenAI-compatible streaming client on Vert.x: {@code POST {base-url}/chat/completions}
 * with {@code stream: true}. One pooled, kept-alive client per provider (HTTP/2 via ALPN on https),
 * so turns reuse connections. Nothing blocks: the stream is a {@link Multi} fed by network
 * callbacks, with the first-token, idle and total timeouts on Vert.x timers.
 */
public class DeepSeekClient {

    private final Vertx vertx;
    private final LlmConfig config;
    private final String apiKey;
    private final ObjectMapper json;
    private final HttpClient http;
    private final String path;
    /** Event-loop contexts for the streams (see {@link #stream}), used round-robin. */
    private final Context[] loops;
    private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

    /** @param config timeouts and pool size; {@code baseUrl} and {@code apiKey} are this provider's */
    DeepSeekClient(Vertx vertx, LlmConfig config, String baseUrl, String apiKey, ObjectMapper json) {
        this.vertx = vertx;
        this.config = config;
        this.apiKey = apiKey == null ? "" : apiKey;
        this.json = json;
        URI base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        boolean https = "https".equalsIgnoreCase(base.getScheme());
        HttpClientOptions options = new HttpClientOptions()
                .setDefaultHost(base.getHost())
                .setDefaultPort(base.getPort() > 0 ? base.getPort() : https ? 443 : 80)
                .setSsl(https)
                .setKeepAlive(true)
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setIdleTimeout(120)
                .setIdleTimeoutUnit(TimeUnit.SECONDS);
        if (https) {
            options.setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2);
        }
        this.http = vertx.httpClientBuilder()
                .with(options)
                .with(new PoolOptions().setHttp1MaxSize(config.maxConnections()).setHttp2MaxSize(Math.max(1, config.maxConnections() / 8)))
                .build();
        this.path = base.resolve("chat/completions").getRawPath();
        this.loops = new Context[Math.max(2, Runtime.getRuntime().availableProcessors() * 2)];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = ((VertxInternal) vertx).createEventLoopContext();
        }
    }

    void close() {
        http.close();
    }

    /** Streams one completion. Fails with {@link ProviderException}; cancelling aborts the request. */
    public Multi<ChatChunk> stream(ChatRequest request, TierParams params) {
        Buffer body = Buffer.buffer(requestBody(request, params));
        // Always on an event loop: called from a worker thread, getOrCreateContext() would give a worker
        // context, and every chunk of every stream would then queue for the worker pool.
        return Multi.createFrom().emitter(emitter -> {
            Context context = loops[Math.floorMod(next.getAndIncrement(), loops.length)];
            context.runOnContext(v -> new Call(emitter, body).start());
        });
    }

    String requestBody(ChatRequest request, TierParams params) {
        ObjectNode root = json.createObjectNode();
        root.put("model", request.model());
        ArrayNode messages = root.putArray("messages");
        for (ChatRequest.Msg m : request.messages()) {
            messages.addObject().put("role", m.role()).put("content", m.content());
        }
        root.put("stream", true);
        root.putObject("stream_options").put("include_usage", true);
        if (request.responseFormat() != null) {
            root.set("response_format", request.responseFormat()); // json_object, json_schema, or none (see LlmConfig)
        }
        root.put("max_tokens", params.maxTokens());
        if (!params.reasoning()) {
            // reasoning models ignore or refuse sampling parameters (DeepSeek's reasoner ignores them)
            root.put("temperature", params.temperature());
            params.topP().ifPresent(p -> root.put("top_p", p));
            params.frequencyPenalty().ifPresent(p -> root.put("frequency_penalty", p));
        }
        return root.toString();
    }

    /** Removes the API key from any text that may reach a log or a customer. */
    String scrub(String text) {
        return text == null || apiKey.isBlank() ? text : text.replace(apiKey, "***");
    }

    /** One request's state; every callback runs on the same event-loop context. */
    private final class Call {
        private final MultiEmitter<? super ChatChunk> emitter;
        private final Buffer body;
        private final SseDecoder sse = new SseDecoder();
        private final AtomicBoolean finished = new AtomicBoolean();
        private HttpClientRequest request;
        private long firstTokenTimer = -1;
        private long idleTimer = -1;
        private long totalTimer = -1;
        private boolean gotToken;
        private long lastData;
        private String headerRequestId;

        Call(MultiEmitter<? super ChatChunk> emitter, Buffer body) {
            this.emitter = emitter;
            this.body = body;
        }

        void start() {
            emitter.onTermination(this::abort);
            firstTokenTimer = vertx.setTimer(config.firstTokenTimeout().toMillis(), id -> fail(new ProviderException(
                    ProviderException.Kind.FIRST_TOKEN_TIMEOUT, 0, null,
                    "no answer token within " + config.firstTokenTimeout().toMillis() + " ms")));
            totalTimer = vertx.setTimer(config.totalTimeout().toMillis(), id -> fail(new ProviderException(
                    ProviderException.Kind.TOTAL_TIMEOUT, 0, null,
                    "answer not finished within " + config.totalTimeout().toMillis() + " ms")));
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setURI(path)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.ACCEPT, "text/event-stream")
                    .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
            http.request(options).onComplete(created -> {
                if (created.failed()) {
                    fail(connectionFailure(created.cause()));
                    return;
                }
                request = created.result();
                if (finished.get()) {
                    request.reset();
                    return;
                }
                request.send(body).onComplete(sent -> {
                    if (sent.failed()) {
                        fail(connectionFailure(sent.cause()));
                    } else {
                        onResponse(sent.result());
                    }
                });
            });
        }

        private void onResponse(HttpClientResponse response) {
            headerRequestId = response.getHeader("x-request-id");
            if (response.statusCode() != 200) {
                int status = response.statusCode();
                Long retryAfter = retryAfterMs(response.getHeader(HttpHeaders.RETRY_AFTER));
                response.body().onComplete(b -> fail(new ProviderException(ProviderException.Kind.ofStatus(status),
                        status, retryAfter, "HTTP " + status + ": " + errorMessage(b.succeeded() ? b.result().toString() : ""))));
                return;
            }
            response.handler(buffer -> {
                for (String data : sse.feed(buffer.getBytes())) {
                    onData(data);
                }
            });
            response.exceptionHandler(t -> fail(gotToken
                    ? new ProviderException(ProviderException.Kind.STREAM_BROKEN, 200, null, "stream broke: " + scrub(String.valueOf(t.getMessage())))
                    : connectionFailure(t)));
            response.endHandler(v -> {
                for (String data : sse.finish()) {
                    onData(data);
                }
                fail(new ProviderException(gotToken ? ProviderException.Kind.STREAM_BROKEN : ProviderException.Kind.CONNECTION,
                        200, null, "stream ended before data: [DONE]"));
            });
        }

        private void onData(String data) {
            if (finished.get()) {
                return;
            }
            if ("[DONE]".equals(data.trim())) {
                if (finished.compareAndSet(false, true)) {
                    cancelTimers();
                    emitter.complete();
                }
                return;
            }
            ChatChunk chunk;
            try {
                chunk = ChatChunk.parse(json.getFactory(), data);
            } catch (ChatChunk.ErrorEvent e) {
                fail(new ProviderException(gotToken ? ProviderException.Kind.STREAM_BROKEN : ProviderException.Kind.SERVER_ERROR,
                        200, null, "error in stream: " + errorMessage(data)));
                return;
            } catch (java.io.IOException | RuntimeException e) {
                fail(new ProviderException(ProviderException.Kind.STREAM_BROKEN, 200, null, "unreadable stream event"));
                return;
            }
            if (chunk.id() == null && headerRequestId != null) {
                chunk = new ChatChunk(headerRequestId, chunk.model(), chunk.content(), chunk.reasoning(), chunk.finishReason(), chunk.usage());
            }
            boolean token = (chunk.content() != null && !chunk.content().isEmpty())
                    || (chunk.reasoning() != null && !chunk.reasoning().isEmpty());
            if (token && !gotToken) {
                gotToken = true;
                vertx.cancelTimer(firstTokenTimer);
            }
            if (gotToken) {
                resetIdleTimer();
            }
            emitter.emit(chunk);
        }

        /**
         * Notes that data arrived. One idle timer per stream, re-armed lazily: when it fires it checks
         * when data last came, instead of every chunk cancelling and setting a timer.
         */
        private void resetIdleTimer() {
            lastData = System.nanoTime();
            if (idleTimer < 0) {
                armIdleTimer(config.idleTimeout().toMillis());
            }
        }

        private void armIdleTimer(long delayMs) {
            idleTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
                long quietMs = (System.nanoTime() - lastData) / 1_000_000;
                long idleMs = config.idleTimeout().toMillis();
                if (quietMs < idleMs) {
                    armIdleTimer(idleMs - quietMs);
                } else {
                    fail(new ProviderException(ProviderException.Kind.IDLE_TIMEOUT, 200, null,
                            "no data for " + idleMs + " ms mid-stream"));
                }
            });
        }

        private ProviderException connectionFailure(Throwable t) {
            return new ProviderException(ProviderException.Kind.CONNECTION, 0, null,
                    "connection failed: " + scrub(t.getClass().getSimpleName() + ": " + t.getMessage()));
        }

        private void fail(ProviderException e) {
            if (finished.compareAndSet(false, true)) {
                cancelTimers();
                if (request != null) {
                    request.reset();
                }
                emitter.fail(e);
            }
        }

        /** Called on completion, failure and cancellation by the subscriber. */
        private void abort() {
            if (finished.compareAndSet(false, true)) {
                cancelTimers();
                if (request != null) {
                    request.reset();
                }
            }
        }

        private void cancelTimers() {
            for (long t : new long[] {firstTokenTimer, idleTimer, totalTimer}) {
                if (t >= 0) {
                    vertx.cancelTimer(t);
                }
            }
        }

        private String errorMessage(String body) {
            String message = body;
            try {
                JsonNode node = json.readTree(body);
                JsonNode m = node.path("error").path("message");
                if (m.isTextual()) {
                    message = m.asText();
                } else if (node.path("message").isTextual()) {
                    message = node.path("message").asText();
                }
            } catch (Exception ignored) {
                // not JSON: keep the text
            }
            message = scrub(message == null ? "" : message.strip());
            return message.length() > 300 ? message.substring(0, 300) + "…" : message;
        }
    }

    static Long retryAfterMs(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return (long) (Double.parseDouble(header.trim()) * 1000);
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }
}
