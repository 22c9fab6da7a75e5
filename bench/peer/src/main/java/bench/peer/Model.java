package bench.peer;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;

/** The OpenAI-compatible streaming call, on Quarkus's Vert.x: the same client Parley's model calls use. */
@ApplicationScoped
public class Model {

    private static final JsonObject EMPTY = new JsonObject();

    private final HttpClient http;
    private final String path;

    Model(Vertx vertx, @ConfigProperty(name = "peer.model-url") String url) {
        URI base = URI.create(url.endsWith("/") ? url : url + "/");
        // as many pooled connections as the bench lets Parley open (PARLEY_LLM_MAX_CONNECTIONS)
        this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(base.getHost())
                .setDefaultPort(base.getPort()).setKeepAlive(true).setKeepAliveTimeout(60),
                new PoolOptions().setHttp1MaxSize(3000));
        this.path = base.resolve("chat/completions").getRawPath();
    }

    /** Streams one completion: each token to {@code onToken}, then the whole text (or the failure) to {@code onEnd}. */
    void stream(JsonArray messages, Consumer<String> onToken, BiConsumer<String, Throwable> onEnd) {
        Buffer body = new JsonObject().put("model", "bench-model").put("messages", messages).put("stream", true).toBuffer();
        http.request(HttpMethod.POST, path)
                .compose(request -> request.putHeader("content-type", "application/json")
                        .putHeader("authorization", "Bearer bench-key").send(body))
                .onFailure(e -> onEnd.accept(null, e))
                .onSuccess(response -> {
                    if (response.statusCode() != 200) {
                        response.body().onComplete(b -> onEnd.accept(null, new IllegalStateException("HTTP " + response.statusCode())));
                        return;
                    }
                    StringBuilder text = new StringBuilder();
                    response.handler(RecordParser.newDelimited("\n", line -> {
                        String s = line.toString(StandardCharsets.UTF_8);
                        if (!s.startsWith("data: ") || s.startsWith("data: [DONE]")) {
                            return;
                        }
                        JsonArray choices = new JsonObject(s.substring(6)).getJsonArray("choices");
                        if (choices == null || choices.isEmpty()) {
                            return;
                        }
                        String token = choices.getJsonObject(0).getJsonObject("delta", EMPTY).getString("content");
                        if (token != null && !token.isEmpty()) {
                            text.append(token);
                            onToken.accept(token);
                        }
                    }));
                    response.exceptionHandler(e -> onEnd.accept(null, e));
                    response.endHandler(v -> onEnd.accept(text.toString(), null));
                });
    }
}
