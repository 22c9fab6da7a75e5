package io.parley.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.parley.failure.SecretMask;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.impl.VertxInternal;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Our thin OpenAI-compatible streaming client on Vert.x: {@code POST {base-url}/chat/completions}
 * with {@code stream: true}. One pooled, kept-alive client per provider (HTTP/2 via ALPN on https),
 * so turns reuse connections. Nothing blocks: the stream is a {@link Multi} fed by network
 * callbacks, with the first-token, idle and total timeouts on Vert.x timers.
 *
 * <p>Stale connections: a pooled connection that the server (or a proxy, a NAT) dropped while it
 * was idle can fail the next request written to it before any of the response arrives. Such a
 * request is retried once, at once, on a fresh connection, inside the call: the caller (retry,
 * circuit breaker, accounting) never sees it, because the provider did nothing wrong. The rule:
 * a connection-level failure (closed, reset, refused stream) before the response head, of a request
 * that was not the first one on its connection. Vert.x 4.5 does not say whether a request went out
 * on a reused connection ({@code HttpClientRequest.streamId()} happens to count requests per
 * HTTP/1.1 connection, but is documented for HTTP/2 only), so the client remembers the connections
 * it has already used. The pool closes connections idle for
 * {@link LlmConfig#poolIdleTimeout()}, below the server's keep-alive, so that this stays rare.
 */
public class DeepSeekClient {

    private static final Logger LOG = Logger.getLogger(DeepSeekClient.class);
    /** HTTP/2 REFUSED_STREAM: the server did not process the stream, so it is safe to send again. */
    private static final long REFUSED_STREAM = 0x7;

    private final Vertx vertx;
    private final LlmConfig config;
    private final String apiKey;
    private final ObjectMapper json;
    private final HttpClient http;
    /** One request per connection, never pooled: where a request that met a stale pooled connection goes. */
    private final HttpClient fresh;
    /** Pooled connections that have carried a request (weak: a closed connection is forgotten). */
    private final Map<HttpConnection, Boolean> used = Collections.synchronizedMap(new WeakHashMap<>());
    private final LongAdder staleRetries = new LongAdder();
    private final String path;
    /** Event-loop contexts for the streams (see {@link #stream}), used round-robin. */
    private final Context[] loops;
    private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param config timeouts and pool size; {@code baseUrl}, {@code apiKey} and {@code poolIdleTimeout}
     *               are this provider's
     */
    DeepSeekClient(Vertx vertx, LlmConfig config, String baseUrl, String apiKey, Duration poolIdleTimeout, ObjectMapper json) {
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
        // A fresh connection for each request (HTTP/1.1, closed after the response): built before the
        // pooled options below are set, so that it keeps no connection.
        HttpClientOptions freshOptions = new HttpClientOptions(options).setKeepAlive(false).setProtocolVersion(HttpVersion.HTTP_1_1);
        int keepAliveSeconds = poolIdleSeconds(poolIdleTimeout);
        // the pool's idle timeout (Vert.x's "keep-alive timeout"), not the socket's idle timeout above,
        // which would also cut a request that waits long for its first byte
        options.setKeepAliveTimeout(keepAliveSeconds).setHttp2KeepAliveTimeout(keepAliveSeconds);
        if (https) {
            options.setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2);
        }
        this.http = vertx.httpClientBuilder()
                .with(options)
                .with(new PoolOptions().setHttp1MaxSize(config.maxConnections()).setHttp2MaxSize(Math.max(1, config.maxConnections() / 8))
                        // expired connections are closed by a periodic sweep: sweep often enough to keep the bound
                        .setCleanerPeriod((int) Math.min(1000, keepAliveSeconds * 250L)))
                .build();
        this.fresh = vertx.httpClientBuilder()
                .with(freshOptions)
                .with(new PoolOptions().setHttp1MaxSize(config.maxConnections()))
                .build();
        this.path = base.resolve("chat/completions").getRawPath();
        this.loops = new Context[Math.max(2, Runtime.getRuntime().availableProcessors() * 2)];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = ((VertxInternal) vertx).createEventLoopContext();
        }
    }

    /** Vert.x counts the pool's idle timeout in whole seconds: round down (stay below the server's), at least 1. */
    static int poolIdleSeconds(Duration poolIdleTimeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, poolIdleTimeout.toSeconds()));
    }

    void close() {
        http.close();
        fresh.close();
    }

    /** Requests retried on a fresh connection because their pooled connection turned out to be dead. */
    long staleRetries() {
        return staleRetries.sum();
    }

    /** Streams one completion. Fails with {@link ProviderException}; cancelling aborts the request. */
    public Multi<ChatChunk> stream(ChatRequest request, TierParams params) {
        byte[] body = requestBody(request, params).getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
            ObjectNode msg = messages.addObject().put("role", m.role());
            if (m.images().isEmpty()) {
                msg.put("content", m.content());
            } else {
                // OpenAI-compatible vision input: the content as parts, the text first, then each image as a data URL
                ArrayNode parts = msg.putArray("content");
                parts.addObject().put("type", "text").put("text", m.content());
                m.images().forEach(i -> parts.addObject().put("type", "image_url").putObject("image_url").put("url", i.dataUrl()));
            }
            if (!m.toolCalls().isEmpty()) {
                ArrayNode calls = msg.putArray("tool_calls");
                for (ChatRequest.ToolCall c : m.toolCalls()) {
                    calls.addObject().put("id", c.id()).put("type", "function").putObject("function")
                            .put("name", c.name()).put("arguments", c.arguments());
                }
            }
            if (m.toolCallId() != null) {
                msg.put("tool_call_id", m.toolCallId());
            }
        }
        if (request.tools() != null && !request.tools().isEmpty()) {
            root.set("tools", request.tools()); // function calling: the business's actions
            if (request.toolChoice() != null) {
                root.put("tool_choice", request.toolChoice());
            }
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

    /** Removes the API key, whole or in part as providers echo it, from any text that may be stored or logged. */
    String scrub(String text) {
        return SecretMask.mask(text, List.of(apiKey));
    }

    /** One request's state; every callback runs on the same event-loop context. */
    private final class Call {
        private final MultiEmitter<? super ChatChunk> emitter;
        private final byte[] body;
        private final SseDecoder sse = new SseDecoder();
        private final AtomicBoolean finished = new AtomicBoolean();
        private HttpClientRequest request;
        private long firstTokenTimer = -1;
        private long idleTimer = -1;
        private long totalTimer = -1;
        private boolean gotToken;
        private long lastData;
        private String headerRequestId;

        Call(MultiEmitter<? super ChatChunk> emitter, byte[] body) {
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
            send(http);
        }

        /** Sends the request on {@code client}: the pool first, {@link #fresh} after a stale pooled connection. */
        private void send(HttpClient client) {
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setURI(path)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.ACCEPT, "text/event-stream")
                    .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
            client.request(options).onComplete(created -> {
                if (created.failed()) {
                    fail(connectionFailure(created.cause()));
                    return;
                }
                HttpClientRequest sending = created.result();
                request = sending;
                // only a pooled request may be retried, and only once: the retry goes to a fresh connection
                boolean reused = client == http && used.put(sending.connection(), Boolean.TRUE) != null;
                if (finished.get()) {
                    sending.reset();
                    return;
                }
                sending.send(Buffer.buffer(body)).onComplete(sent -> {
                    if (sent.succeeded()) {
                        onResponse(sent.result());
                    } else if (reused && !finished.get() && staleConnection(sent.cause())) {
                        // nothing of the response arrived, on a connection that had served before: the
                        // server dropped it while idle. Not the provider's failure: send again, fresh.
                        staleRetries.increment();
                        LOG.debugf("stale pooled connection (%s): request sent again on a fresh connection",
                                scrub(String.valueOf(sent.cause())));
                        send(fresh);
                    } else {
                        fail(connectionFailure(sent.cause()));
                    }
                });
            });
        }

        private void onResponse(HttpClientResponse response) {
            headerRequestId = response.getHeader("x-request-id");
            if (response.statusCode() != 200) {
                int status = response.statusCode();
                Long retryAfter = ProviderErrors.retryAfterMs(response.getHeader(HttpHeaders.RETRY_AFTER));
                response.body().onComplete(b -> fail(new ProviderException(ProviderException.Kind.ofStatus(status),
                        status, retryAfter, "HTTP " + status + ": " + ProviderErrors.message(json, b.succeeded() ? b.result().toString() : "", apiKey))));
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
                        200, null, "error in stream: " + ProviderErrors.message(json, data, apiKey)));
                return;
            } catch (java.io.IOException | RuntimeException e) {
                fail(new ProviderException(ProviderException.Kind.STREAM_BROKEN, 200, null, "unreadable stream event"));
                return;
            }
            if (chunk.id() == null && headerRequestId != null) {
                chunk = new ChatChunk(headerRequestId, chunk.model(), chunk.content(), chunk.reasoning(), chunk.finishReason(), chunk.usage(),
                        chunk.toolCalls());
            }
            boolean token = (chunk.content() != null && !chunk.content().isEmpty())
                    || (chunk.reasoning() != null && !chunk.reasoning().isEmpty()) || !chunk.toolCalls().isEmpty();
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

        /** The connection closed or was reset under the request (not a timeout, not a refusal to connect). */
        private boolean staleConnection(Throwable t) {
            return t instanceof HttpClosedException || t instanceof IOException
                    || t instanceof StreamResetException r && r.getCode() == REFUSED_STREAM;
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
    }
}
