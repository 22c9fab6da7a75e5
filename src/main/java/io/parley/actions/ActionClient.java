package io.parley.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.failure.SecretMask;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls an action over HTTP with the Vert.x client: non-blocking, within the action's timeout (one timer
 * for the whole call, connection included), reading at most its response limit (a larger response is
 * reset as soon as it passes the limit, never buffered whole). Never fails: every ending is a result.
 */
@ApplicationScoped
public class ActionClient {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    private final Vertx vertx;
    private final ObjectMapper json;
    private final HttpClient http;

    ActionClient(Vertx vertx, ObjectMapper json) {
        this.vertx = vertx;
        this.json = json;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(3000));
    }

    @PreDestroy
    void close() {
        http.close();
    }

    public Uni<ActionResult> call(Action action, JsonNode arguments) {
        return Uni.createFrom().emitter(out -> {
            long started = System.nanoTime();
            AtomicBoolean done = new AtomicBoolean();
            List<String> secrets = new ArrayList<>();
            RequestOptions options;
            Buffer body;
            try {
                options = new RequestOptions().setMethod(HttpMethod.valueOf(action.method().name()))
                        .setAbsoluteURI(url(action, arguments)).putHeader("Accept", "application/json");
                action.headers().forEach(options::putHeader);
                for (Map.Entry<String, String> h : action.secretHeaders().entrySet()) {
                    String value = System.getenv(h.getValue());
                    if (value != null && !value.isEmpty()) {
                        secrets.add(value);
                        options.putHeader(h.getKey(), value);
                    }
                }
                body = action.method().hasBody() ? Buffer.buffer(bodyOf(action, arguments).toString()) : null;
                if (body != null) {
                    options.putHeader("Content-Type", "application/json");
                }
            } catch (RuntimeException e) {
                out.complete(result(action, arguments, Outcome.REJECTED, 0, null, started, "not called: " + e.getMessage()));
                return;
            }
            Call call = new Call(action, arguments, started, done, secrets, out::complete);
            long timer = vertx.setTimer(action.timeout().toMillis(), id -> call.end(Outcome.TIMEOUT, 0, null,
                    "no whole response within " + action.timeout().toMillis() + " ms"));
            call.timer = timer;
            http.request(options).onComplete(created -> {
                if (created.failed()) {
                    call.end(Outcome.UNREACHABLE, 0, null, "could not connect: " + created.cause().getClass().getSimpleName());
                    return;
                }
                call.request = created.result();
                if (done.get()) {
                    created.result().reset();
                    return;
                }
                (body == null ? created.result().send() : created.result().send(body)).onComplete(sent -> {
                    if (sent.failed()) {
                        call.end(Outcome.UNREACHABLE, 0, null, "connection failed: " + sent.cause().getClass().getSimpleName());
                    } else {
                        call.read(sent.result());
                    }
                });
            });
            out.onTermination(() -> call.end(null, 0, null, null));
        });
    }

    /** One call's state; its callbacks run on one event loop, {@code done} guards the single ending. */
    private final class Call {
        final Action action;
        final JsonNode arguments;
        final long started;
        final AtomicBoolean done;
        final List<String> secrets;
        final java.util.function.Consumer<ActionResult> out;
        long timer = -1;
        io.vertx.core.http.HttpClientRequest request;

        Call(Action action, JsonNode arguments, long started, AtomicBoolean done, List<String> secrets,
             java.util.function.Consumer<ActionResult> out) {
            this.action = action;
            this.arguments = arguments;
            this.started = started;
            this.done = done;
            this.secrets = secrets;
            this.out = out;
        }

        void read(HttpClientResponse response) {
            int status = response.statusCode();
            Buffer received = Buffer.buffer();
            response.handler(chunk -> {
                if (received.length() + chunk.length() > action.maxResponseBytes()) {
                    end(Outcome.TOO_LARGE, status, null, "response larger than " + action.maxResponseBytes() + " bytes: cut off");
                    return;
                }
                received.appendBuffer(chunk);
            });
            response.exceptionHandler(t -> end(Outcome.UNREACHABLE, status, null, "response broke: " + t.getClass().getSimpleName()));
            response.endHandler(v -> {
                if (status < 200 || status > 299) {
                    end(Outcome.HTTP_ERROR, status, null, "HTTP " + status + ": " + clip(received.toString(StandardCharsets.UTF_8)));
                    return;
                }
                JsonNode parsed;
                try {
                    parsed = received.length() == 0 ? json.createObjectNode() : json.readTree(received.getBytes());
                } catch (Exception e) {
                    end(Outcome.UNREACHABLE, status, null, "HTTP " + status + " but the body is not JSON");
                    return;
                }
                end(Outcome.OK, status, parsed, "HTTP " + status + ": " + clip(parsed.toString()));
            });
        }

        /** The call's one ending; a null outcome (the caller went away) only releases the request. */
        void end(Outcome outcome, int status, JsonNode body, String summary) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            if (outcome != Outcome.OK && request != null) {
                request.reset(); // a timed-out or oversized response: the connection is dropped, nothing more is read
            }
            if (outcome != null) {
                out.accept(result(action, arguments, outcome, status, body, started, SecretMask.mask(summary, secrets)));
            }
        }
    }

    private static ActionResult result(Action action, JsonNode arguments, Outcome outcome, int status, JsonNode body, long started,
                                       String summary) {
        return new ActionResult(action.name(), arguments, outcome, status, body,
                (int) ((System.nanoTime() - started) / 1_000_000), summary);
    }

    /** The URL with its placeholders filled (URL-encoded); for GET and DELETE the other arguments as a query. */
    static String url(Action action, JsonNode arguments) {
        Matcher m = PLACEHOLDER.matcher(action.url());
        StringBuilder out = new StringBuilder();
        List<String> used = new ArrayList<>();
        while (m.find()) {
            JsonNode v = arguments.get(m.group(1));
            if (v == null || v.isNull()) {
                throw new IllegalArgumentException("the URL needs " + m.group(1));
            }
            used.add(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(URLEncoder.encode(v.asText(), StandardCharsets.UTF_8).replace("+", "%20")));
        }
        m.appendTail(out);
        if (!action.method().hasBody()) {
            char sep = out.indexOf("?") < 0 ? '?' : '&';
            for (Iterator<Map.Entry<String, JsonNode>> it = arguments.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!used.contains(e.getKey()) && e.getValue().isValueNode()) {
                    out.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                            .append(URLEncoder.encode(e.getValue().asText(), StandardCharsets.UTF_8));
                    sep = '&';
                }
            }
        }
        return out.toString();
    }

    private static JsonNode bodyOf(Action action, JsonNode arguments) {
        ObjectNode body = arguments.deepCopy();
        Matcher m = PLACEHOLDER.matcher(action.url());
        while (m.find()) {
            body.remove(m.group(1));
        }
        return body;
    }

    static String clip(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= 300 ? one : one.substring(0, 300) + "…";
    }
}
