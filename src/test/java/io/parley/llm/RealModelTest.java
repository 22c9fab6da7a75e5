package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.parley.testing.ChatClient;
import io.parley.testing.LlamaServerResource;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parley against a real model: llama.cpp (node-llama-cpp, CPU) serving the tiny stories260K model
 * through our OpenAI-compatible streaming server ({@code src/test/llama/server.js}), in the ways real
 * servers treat JSON mode: a grammar from Parley's answer schema, a generic JSON grammar, JSON mode
 * ignored, {@code response_format} refused, and the JSON cut by {@code max_tokens}.
 *
 * <p>The model's words are nonsense; what is asserted is what the customer sees and what is stored:
 * never model syntax in the text, a truncated answer never stored as a finished one, and a degraded
 * answer never served again from the answer cache. Each case prints its time to the first
 * {@code answer.delta}.
 *
 * <p>Skipped without {@code src/test/llama/node_modules} (install: see README), unless
 * {@code PARLEY_REAL_MODEL_TESTS=required} (.ci/run), where that is a failure.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(LlamaServerResource.class)
class RealModelTest {

    /** Model syntax the customer must never see. */
    private static final String[] SYNTAX = {"{", "\"intent\"", "```", "<think>"};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Inject
    @CacheName("parley-answers")
    Cache answers;

    @Inject
    LlmConfig llm;

    @Inject
    ModelRouter router;

    @ConfigProperty(name = "parley.llm.base-url")
    String baseUrl;

    @BeforeEach
    void serverRunningAndPathReset() {
        String why = LlamaServerResource.unavailable();
        if (why != null) {
            System.out.println("[real-model] skipped: " + why);
            assertThat("required".equals(System.getenv("PARLEY_REAL_MODEL_TESTS"))).as(why).isFalse();
            Assumptions.abort(why);
        }
        CircuitBreakerMaintenance.get().resetAll();
        answers.invalidateAll().await().indefinitely();
        router.forgetFormatRefusals(); // one test's refusing server must not change what the next one is asked
    }

    /** (a) llama.cpp with a grammar made from Parley's answer schema: a well-formed answer, the one case that may be cached. */
    @Test
    void schemaGrammar() throws Exception {
        mode("schema", null);
        Turn t = ask("What is your return policy?");
        JsonNode raw = last();
        assertThat(raw.path("finishReason").asText()).as("precondition: the schema answer finished (raw: %s)", raw).isEqualTo("stop");
        JsonNode modelJson = JSON.readTree(raw.path("text").asText());
        Turn again = ask("what is your return policy");

        SoftAssertions soft = new SoftAssertions();
        customerSawNoSyntax(soft, "schema", t, raw);
        soft.assertThat(t.end.path("source").asText()).as("source").isEqualTo("model");
        soft.assertThat(t.end.path("text").asText()).as("the answer field of the model's JSON, and only it")
                .isEqualTo(modelJson.path("answer").asText());
        soft.assertThat(t.end.path("intent").asText()).as("intent").isEqualTo(modelJson.path("intent").asText());
        soft.assertThat(t.start).as("answer.start before the text").isNotNull();
        soft.assertThat(t.state).as("stored state").isEqualTo("complete");
        // cached only when the README's rule allows: complete, a configured intent other than "other", confident, nothing personal
        boolean cacheable = modelJson.path("confidence").asDouble() >= 0.7 && !"other".equals(modelJson.path("intent").asText())
                && modelJson.path("entities").isEmpty();
        soft.assertThat(again.end.path("source").asText()).as("served from the cache exactly when the cache rule allows (%s)", modelJson)
                .isEqualTo(cacheable ? "cache" : "model");
        report(soft, "schema", t, again, raw);
    }

    /** (b) a generic JSON grammar: valid JSON of any shape (nonsense keys, no answer field), usually cut by max_tokens. */
    @Test
    void genericJsonGrammar() throws Exception {
        mode("json", null);
        degraded("json", "Do you ship to Canada?", "do you ship to canada");
    }

    /** (c) JSON mode ignored: plain text, usually cut by max_tokens. */
    @Test
    void plainTextJsonModeIgnored() throws Exception {
        mode("text", null);
        degraded("text", "Can I pay with PayPal?", "can i pay with paypal");
    }

    /**
     * (d) a server that refuses {@code response_format} with a 400 naming it, and answers without it.
     * Parley asks again without it at once: the model answers, cleanly, and it is not cached.
     */
    @Test
    void responseFormatRefused() throws Exception {
        mode("no-json-mode", null);
        // the server itself: refuses JSON mode, answers without it
        HttpResponse<String> refused = completion(true);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).path("error").path("param").asText()).isEqualTo("response_format");
        HttpResponse<String> plain = completion(false);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).contains("\"finish_reason\"").endsWith("data: [DONE]\n\n");

        Turn t = ask("How do I reset my password?");
        JsonNode raw = last();
        Turn again = ask("how do i reset my password");

        SoftAssertions soft = new SoftAssertions();
        customerSawNoSyntax(soft, "no-json-mode", t, raw);
        soft.assertThat(t.end.path("text").asText()).as("an answer with words in it").isNotBlank();
        if ("length".equals(raw.path("finishReason").asText())) {
            cutShortIsMarked(soft, t, raw);
        } else {
            soft.assertThat(t.state).as("stored state").isEqualTo("complete");
        }
        List<Map<String, Object>> calls = new Sql(db::getConnection).rows(
                "select http_status, outcome, error_message from llm_call where conversation_id = ?::uuid order by id", t.conversationId);
        // the refusal is answered at once by asking again without response_format, inside the same attempt:
        // the model answers, no failover, one accounted attempt
        soft.assertThat(t.end.path("source").asText()).as("answered by the model, not offline").isEqualTo("model");
        soft.assertThat(calls).as("one attempt, answered").hasSize(1)
                .allSatisfy(c -> assertThat(c.get("http_status")).isEqualTo(200));
        soft.assertThat(raw.path("responseFormat").asBoolean()).as("the answering request carried no response_format").isFalse();
        soft.assertThat(again.end.path("source").asText()).as("an answer without JSON mode is not cached").isNotEqualTo("cache");
        report(soft, "no-json-mode", t, again, raw);
    }

    /** (e) the JSON cut by max_tokens before the answer field: nothing of the answer was produced. */
    @Test
    void truncatedBeforeTheAnswer() throws Exception {
        mode("truncate", 16);
        degraded("truncate-16", "Where is my parcel?", "where is my parcel");
    }

    /** (e) the JSON cut by max_tokens inside the answer string: intent known, answer unfinished. */
    @Test
    void truncatedInsideTheAnswer() throws Exception {
        // the same opening question, prompt and seed give the same tokens: learn where the answer ends, then cut before it
        mode("schema", null);
        ask("Is the blue jacket in stock?");
        JsonNode whole = last();
        assertThat(whole.path("finishReason").asText()).as("precondition: the schema answer finished (raw: %s)", whole).isEqualTo("stop");
        // the last tokens are the closing quote, then the closing brace: three before the end is inside the text
        int cut = whole.path("usage").path("completion_tokens").asInt() - 3;
        answers.invalidateAll().await().indefinitely();
        mode("truncate", cut);
        degraded("truncate-" + cut, "Is the blue jacket in stock?", "is the blue jacket in stock", raw ->
                assertThat(raw.path("text").asText()).as("precondition: cut inside the answer string (raw: %s)", raw)
                        .containsPattern("\"answer\": ?\"[^\"]+$"));
    }

    // ---------------------------------------------------------------------------------------------

    private interface Precondition {
        void check(JsonNode raw);
    }

    private void degraded(String label, String question, String sameQuestion) throws Exception {
        degraded(label, question, sameQuestion, raw -> {
        });
    }

    /** A case where the model's reply is not a finished, well-formed answer: clean text, marked if cut, never cached. */
    private void degraded(String label, String question, String sameQuestion, Precondition precondition) throws Exception {
        Turn t = ask(question);
        JsonNode raw = last();
        precondition.check(raw);
        Turn again = ask(sameQuestion);

        SoftAssertions soft = new SoftAssertions();
        customerSawNoSyntax(soft, label, t, raw);
        soft.assertThat(t.end.path("text").asText()).as("an answer with words in it").isNotBlank();
        if ("length".equals(raw.path("finishReason").asText())) {
            cutShortIsMarked(soft, t, raw);
        } else {
            soft.assertThat(t.state).as("stored state").isIn("complete", "incomplete");
        }
        soft.assertThat(again.end.path("source").asText())
                .as("a degraded answer (%s) is not served again from the cache; the first was: %s", label, t.end.path("text").asText())
                .isNotEqualTo("cache");
        report(soft, label, t, again, raw);
    }

    /** The model stopped at max_tokens: what the customer saw is stored as cut short (or an honest fallback answered). */
    private static void cutShortIsMarked(SoftAssertions soft, Turn t, JsonNode raw) {
        boolean fallback = "offline".equals(t.end.path("source").asText());
        soft.assertThat(fallback || "incomplete".equals(t.state))
                .as("an answer cut by max_tokens (finish_reason length) is stored as incomplete or replaced by the offline engine; "
                        + "stored state=%s source=%s text=%s (raw model output: %s)", t.state, t.end.path("source").asText(),
                        t.end.path("text").asText(), raw.path("text").asText())
                .isTrue();
        if (!fallback) {
            soft.assertThat(t.end.path("incomplete").asBoolean()).as("answer.end tells the customer it is unfinished").isTrue();
        }
    }

    private static void customerSawNoSyntax(SoftAssertions soft, String label, Turn t, JsonNode raw) {
        soft.assertThat(t.end).as("[%s] an answer.end reached the customer; frames: %s", label, t.frames).isNotNull();
        for (String delta : t.deltas) {
            soft.assertThat(delta).as("[%s] an answer.delta shown to the customer (raw model output: %s)", label, raw.path("text").asText())
                    .doesNotContain(SYNTAX);
        }
        soft.assertThat(t.end.path("text").asText()).as("[%s] the answer.end text (raw model output: %s)", label, raw.path("text").asText())
                .doesNotContain(SYNTAX);
    }

    private static void report(SoftAssertions soft, String label, Turn t, Turn again, JsonNode raw) {
        // model-first-token-ms: the server's own time to its first token for the same request, the baseline
        // for Parley's first-text-ms (-1: no answer.delta came before answer.end)
        System.out.printf("[real-model] mode=%s first-text-ms=%d model-first-token-ms=%s total-ms=%d state=%s source=%s cached=%s finish=%s tokens=%s text=%s%n",
                label, t.firstTextMs, raw.path("firstTokenMs").asText("-"), t.totalMs, t.state, t.end.path("source").asText(), "cache".equals(again.end.path("source").asText()),
                raw.path("finishReason").asText("-"), raw.path("usage").path("completion_tokens").asText("-"),
                JSON.valueToTree(t.end.path("text").asText()));
        soft.assertAll();
    }

    /** What one opening question in a new conversation gave the customer, and the stored answer's state. */
    record Turn(String conversationId, List<JsonNode> frames, JsonNode start, List<String> deltas, JsonNode end, String state,
                long firstTextMs, long totalMs) {
    }

    private Turn ask(String text) throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            List<JsonNode> frames = new ArrayList<>();
            List<String> deltas = new ArrayList<>();
            JsonNode start = null;
            JsonNode end = null;
            long firstText = -1;
            long sent = System.nanoTime();
            customer.send(Map.of("type", "message", "id", UUID.randomUUID().toString(), "text", text));
            while (true) {
                JsonNode f = customer.next();
                frames.add(f);
                String type = f.path("type").asText();
                if (type.equals("answer.start")) {
                    start = f;
                } else if (type.equals("answer.delta")) {
                    if (firstText < 0) {
                        firstText = (System.nanoTime() - sent) / 1_000_000;
                    }
                    deltas.add(f.path("text").asText());
                } else if (type.equals("answer.end")) {
                    end = f;
                    break;
                } else if (type.equals("error")) {
                    break;
                }
            }
            long total = (System.nanoTime() - sent) / 1_000_000;
            assertThat(end).as("the customer got an answer.end; frames: %s", frames).isNotNull();
            String state = String.valueOf(new Sql(db::getConnection).row(
                    "select state from message where conversation_id = ?::uuid and seq = ?", conversation, end.path("seq").asLong()).get("state"));
            return new Turn(conversation, frames, start, deltas, end, state, firstText, total);
        }
    }

    private URI server(String path) {
        return URI.create(baseUrl.replaceFirst("/v1/?$", "") + path);
    }

    private void mode(String mode, Integer truncateTokens) throws Exception {
        String body = truncateTokens == null ? JSON.writeValueAsString(Map.of("mode", mode))
                : JSON.writeValueAsString(Map.of("mode", mode, "truncateTokens", truncateTokens));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server("/admin/mode")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** The server's record of its last completion: mode, finishReason, the raw text, usage. */
    private JsonNode last() throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(server("/debug/last")).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private HttpResponse<String> completion(boolean jsonMode) throws Exception {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("model", llm.model());
        body.put("stream", true);
        body.put("max_tokens", 8);
        body.put("messages", List.of(Map.of("role", "user", "content", "Hello")));
        if (jsonMode) {
            body.put("response_format", Map.of("type", "json_object"));
        }
        return HTTP.send(HttpRequest.newBuilder(server("/v1/chat/completions")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }
}
