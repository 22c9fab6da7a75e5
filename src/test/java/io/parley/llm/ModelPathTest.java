package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.parley.testing.ChatClient;
import io.parley.testing.AgentSession;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.FakeDeepSeekResource;
import io.parley.testing.ModelPathReset;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The model path as a customer and an operator see it, against the fake server acting as two
 * providers: retries, Retry-After, timeouts, fallback links, circuit breaker, bulkhead, tiers,
 * the answer cache and cost accounting.
 */
@QuarkusTest
@TestProfile(ModelPathTest.TwoProviders.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(value = FakeDeepSeekResource.class, initArgs = @ResourceArg(name = "providers", value = "siliconflow"))
class ModelPathTest {

    /** DeepSeek, then SiliconFlow, then offline; a premium reasoning tier; small limits to reach them in tests. */
    public static class TwoProviders implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> c = new HashMap<>();
            c.put("parley.llm.tiers.default.chain", "deepseek:deepseek-v4-flash,siliconflow:deepseek-ai/DeepSeek-V3,offline");
            c.put("parley.llm.tiers.premium.chain", "deepseek:deepseek-v4-pro,offline");
            c.put("parley.llm.tiers.premium.max-tokens", "2048");
            c.put("parley.llm.tiers.premium.reasoning", "true");
            c.put("parley.llm.routing.long-message-chars", "200");
            c.put("parley.llm.first-token-timeout", "1s");
            c.put("parley.llm.retry.max-retries", "2");
            c.put("parley.llm.retry.max-retry-after", "3s");
            c.put("parley.llm.circuit-breaker.request-volume", "4");
            c.put("parley.llm.circuit-breaker.delay", "10s"); // wide: under load the turns while open take seconds
            c.put("parley.llm.max-concurrent", "2");
            c.put("parley.llm.max-queued", "1");
            c.put("parley.chat.delta-coalesce", "100ms");
            return c;
        }
    }

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Inject
    ModelPathReset modelPath;

    final FakeDeepSeek fake = FakeDeepSeek.get();

    private List<Map<String, Object>> calls(String conversationId) throws Exception {
        return new Sql(db::getConnection).rows("select * from llm_call where conversation_id = ?::uuid order by id", conversationId);
    }

    @BeforeEach
    void reset() {
        modelPath.reset();
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 503, 504})
    void transientErrorsAreRetriedAndTheCustomerGetsTheModelsAnswer(int status) throws Exception {
        fake.enqueue(FakeDeepSeek.Reply.error(status, "busy"));
        Turn t = turn("where is my order AB1234567?");
        assertThat(t.end.path("source").asText()).isEqualTo("model");
        assertThat(t.end.path("provider").asText()).isEqualTo("deepseek");
        assertThat(t.end.path("text").asText()).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
        assertThat(fake.count(null)).isEqualTo(2);
        List<Map<String, Object>> calls = calls(t.conversationId);
        assertThat(calls).extracting(c -> c.get("attempt")).containsExactly(1, 2);
        assertThat(calls.get(0).get("http_status")).isEqualTo(status);
        assertThat(calls.get(0).get("outcome")).isEqualTo(status == 429 ? "rate_limited" : "server_error");
        assertThat(calls.get(1).get("outcome")).isEqualTo("ok");
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        fake.enqueue(FakeDeepSeek.Reply.error(429, "Rate limit reached").header("Retry-After", "1"));
        turn("hello");
        assertThat(fake.times()).hasSize(2);
        assertThat(Duration.ofNanos(fake.times().get(1) - fake.times().get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void aRetryAfterBeyondTheLimitMovesToTheNextProviderAtOnce() throws Exception {
        fake.enqueue(FakeDeepSeek.Reply.error(429, "Rate limit reached").header("Retry-After", "60"));
        Turn t = turn("where is my order AB1234567?");
        assertThat(t.end.path("provider").asText()).isEqualTo("siliconflow");
        assertThat(fake.count(null)).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 402, 403, 422})
    void permanentErrorsAreNotRetriedAndTheNextLinkAnswers(int status) throws Exception {
        fake.enqueue(FakeDeepSeek.Reply.error(status, "Insufficient Balance"));
        Turn t = turn("where is my order AB1234567?");
        assertThat(fake.count(null)).isEqualTo(1);
        assertThat(fake.count("siliconflow")).isEqualTo(1);
        assertThat(t.end.path("source").asText()).isEqualTo("model");
        assertThat(t.end.path("provider").asText()).isEqualTo("siliconflow");
        assertThat(t.end.path("model").asText()).isEqualTo("deepseek-v4-flash"); // what the server said it ran
        assertThat(fake.requests().get(1).path("model").asText()).isEqualTo("deepseek-ai/DeepSeek-V3");
        assertThat(calls(t.conversationId)).extracting(c -> c.get("provider")).containsExactly("deepseek", "siliconflow");
    }

    @Test
    void whenEveryProviderFailsTheOfflineEngineAnswers() throws Exception {
        fake.enqueue(FakeDeepSeek.Reply.error(401, "Authentication Fails"));
        fake.enqueueFor("siliconflow", FakeDeepSeek.Reply.error(403, "Account verification required"));
        Turn t = turn("我的订单 AB1234567 到哪了");
        assertThat(t.end.path("source").asText()).isEqualTo("offline");
        assertThat(t.end.path("intent").asText()).isEqualTo("order_status");
        assertThat(t.end.path("text").asText()).contains("AB1234567");
    }

    @Test
    void aSlowFirstTokenTimesOutAndIsRetried() throws Exception {
        fake.enqueue(FakeDeepSeek.Reply.stream("", 3, 64, false).keepAlivesFirst(30, 100));
        Turn t = turn("where is my order AB1234567?");
        assertThat(t.end.path("provider").asText()).isEqualTo("deepseek");
        assertThat(calls(t.conversationId)).extracting(c -> c.get("outcome")).containsExactly("first_token_timeout", "ok");
    }

    @Test
    void aStreamThatBreaksAfterTextIsNotRetriedAndIsStoredIncomplete() throws Exception {
        fake.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER.substring(0, 250), 3, 37, false));
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText();
            List<JsonNode> frames = customer.send(Map.of("type", "message", "id", "mid", "text", "order AB1234567?")).untilType("error");
            assertThat(frames.get(frames.size() - 1).path("code").asText()).isEqualTo("model_unavailable");
            JsonNode end = frames.stream().filter(f -> f.path("type").asText().equals("answer.end")).findFirst().orElseThrow();
            assertThat(end.path("incomplete").asBoolean()).isTrue();
            assertThat(end.path("provider").asText()).isEqualTo("deepseek");
            String streamed = frames.stream().filter(f -> f.path("type").asText().equals("answer.delta"))
                    .map(f -> f.path("text").asText()).collect(Collectors.joining());
            assertThat(end.path("text").asText()).isEqualTo(streamed);
            assertThat(fake.count(null)).isEqualTo(1);
            assertThat(fake.count("siliconflow")).isZero();
            await().until(() -> calls(conversation).size() == 1);
            assertThat(calls(conversation).get(0).get("outcome")).isEqualTo("stream_broken");
        }
    }

    @Test
    void theCircuitOpensAfterRepeatedFailuresThenClosesWhenTheProviderRecovers() throws Exception {
        // four failed attempts (request-volume 4): three in the first turn (retries), one in the second
        for (int i = 0; i < 4; i++) {
            fake.enqueue(FakeDeepSeek.Reply.error(500, "down"));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(turn("order AB1234567 please " + i).end.path("provider").asText()).isEqualTo("siliconflow");
        }
        assertThat(fake.count(null)).isEqualTo(4);
        RestAssured.get("/q/health/ready").then().body("checks.find { it.name == 'answers' }.data.'provider.deepseek'", equalTo("circuit open"));
        long before = fake.count(null);
        Turn whileOpen = turn("order AB1234567 while open");
        assertThat(whileOpen.end.path("provider").asText()).isEqualTo("siliconflow");
        assertThat(fake.count(null)).isEqualTo(before); // not even tried

        Thread.sleep(10_100); // circuit-breaker.delay: half-open, one trial call goes through
        Turn recovered = turn("order AB1234567 after recovery");
        assertThat(recovered.end.path("provider").asText()).isEqualTo("deepseek");
        RestAssured.get("/q/health/ready").then().body("checks.find { it.name == 'answers' }.data.'provider.deepseek'", equalTo("circuit closed"));
    }

    @Test
    void whenTheBulkheadIsFullTheTurnGoesToTheNextLink() throws Exception {
        // max-concurrent 2, max-queued 1: of four slow streams at once, the fourth goes to SiliconFlow
        for (int i = 0; i < 4; i++) {
            fake.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER, 20, 400, true).paced(150));
        }
        List<CompletableFuture<Turn>> turns = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String text = "order AB1234567 number " + i;
            turns.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return turn(text);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<String> providers = turns.stream().map(CompletableFuture::join).map(t -> t.end.path("provider").asText()).toList();
        assertThat(providers).filteredOn("siliconflow"::equals).hasSize(1);
        assertThat(providers).filteredOn("deepseek"::equals).hasSize(3);
    }

    @Test
    void anOpeningQuestionAskedAgainIsServedFromTheCacheButNotInsideAConversation() throws Exception {
        // an impersonal answer (the default one names the customer's order, which is never cached)
        fake.enqueue(FakeDeepSeek.Reply.stream("{\"intent\": \"refund_request\", \"confidence\": 0.9, \"entities\": [], "
                + "\"sentiment\": \"neutral\", \"handoff\": false, \"answer\": \"Returns are free within 30 days.\", \"suggestions\": []}"));
        Turn first = turn("What is your return policy?");
        assertThat(first.end.path("source").asText()).isEqualTo("model");
        long calls = fake.requests().size();

        Turn again = turn("  what is your RETURN policy  ");
        assertThat(again.end.path("source").asText()).isEqualTo("cache");
        assertThat(again.end.path("text").asText()).isEqualTo(first.end.path("text").asText());
        assertThat(fake.requests()).hasSize((int) calls);

        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello")).nextOfType("ready");
            customer.send(Map.of("type", "message", "id", "o1", "text", "hello there")).nextOfType("answer.end");
            JsonNode inside = customer.send(Map.of("type", "message", "id", "o2", "text", "What is your return policy?")).nextOfType("answer.end");
            assertThat(inside.path("source").asText()).isEqualTo("model");
        }
    }

    @Test
    void everyAttemptIsAccountedWithItsCostAndTotalsAreQueryable() throws Exception {
        fake.enqueue(FakeDeepSeek.Reply.error(503, "Service Unavailable"));
        Turn t = turn("where is my order AB1234567?");
        await().until(() -> calls(t.conversationId).size() == 2);
        Map<String, Object> ok = calls(t.conversationId).get(1);
        assertThat(ok.get("prompt_tokens")).isEqualTo(120);
        assertThat(ok.get("cache_hit_tokens")).isEqualTo(96);
        assertThat(ok.get("cache_miss_tokens")).isEqualTo(24);
        assertThat(ok.get("completion_tokens")).isEqualTo(40);
        assertThat(ok.get("request_id")).isEqualTo("chatcmpl-fake-42");
        assertThat(ok.get("tier")).isEqualTo("default");
        // (96 × 0.028 + 24 × 0.28 + 40 × 0.42) / 1e6
        assertThat((BigDecimal) ok.get("cost")).isEqualByComparingTo("0.000026208");

        AgentSession.admin().given().get("/api/conversations/" + t.conversationId + "/usage").then().statusCode(200)
                .body("attempts", equalTo(2))
                .body("failedAttempts", equalTo(1))
                .body("promptTokens", equalTo(120))
                .body("cacheHitRate", equalTo(0.8f))
                .body("cost", equalTo(0.000026208f))
                .body("byModel[0].provider", equalTo("deepseek"));
        AgentSession.admin().given().get("/api/conversations/" + UUID.randomUUID() + "/usage").then().statusCode(404)
                .contentType("application/problem+json").body("title", equalTo("No such conversation"));
        RestAssured.get("/q/metrics").then().statusCode(200)
                .body(containsString("parley_llm_attempts_total{model=\"deepseek-v4-flash\",outcome=\"ok\",provider=\"deepseek\"}"))
                .body(containsString("parley_llm_tokens_total{kind=\"prompt_cache_hit\""))
                .body(containsString("parley_llm_first_token_seconds_bucket"))
                .body(containsString("parley_llm_circuit_state{provider=\"siliconflow\"}"));
    }

    @Test
    void longMessagesGoToThePremiumReasoningTierAndTheReasoningIsNeverShown() throws Exception {
        fake.enqueue(FakeDeepSeek.Reply.streamWithReasoning("The customer asks about order AB1234567. SECRET-THOUGHT.",
                "{\"intent\":\"order_status\",\"confidence\":0.8,\"entities\":[],\"answer\":\"Let me check that order for you.\"}"));
        String longText = "I ordered a jacket three weeks ago, order AB1234567, and it still has not arrived. ".repeat(3);
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText();
            List<JsonNode> frames = customer.send(Map.of("type", "message", "id", "long", "text", longText)).untilType("answer.end");
            assertThat(frames.toString()).doesNotContain("SECRET-THOUGHT");
            assertThat(frames.get(frames.size() - 1).path("text").asText()).isEqualTo("Let me check that order for you.");
            JsonNode request = fake.requests().get(0);
            assertThat(request.path("model").asText()).isEqualTo("deepseek-v4-pro");
            assertThat(request.has("temperature")).as("no sampling parameters for a reasoning model").isFalse();
            assertThat(request.path("max_tokens").asInt()).isEqualTo(2048);
            await().until(() -> calls(conversation).size() == 1);
            assertThat(calls(conversation).get(0).get("tier")).isEqualTo("premium");
            assertThat(calls(conversation).get(0).get("reasoning_tokens")).isEqualTo(60);
        }
    }

    @Test
    void aPriorityConversationGoesToThePremiumTier() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText();
            // stored at its first message (on the default tier)
            customer.send(Map.of("type", "message", "id", "before-vip", "text", "hello")).nextOfType("answer.end");
            await().until(() -> calls(conversation).size() == 1);
            try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("update conversation set priority = true where id = ?::uuid")) {
                ps.setString(1, conversation);
                ps.executeUpdate();
            }
            customer.send(Map.of("type", "message", "id", "vip", "text", "hi")).nextOfType("answer.end");
            // the connection did not know of the change: the stored message showed the priority, and the
            // answer came from the premium tier
            assertThat(fake.requests()).anySatisfy(r -> assertThat(r.path("model").asText()).isEqualTo("deepseek-v4-pro"));
            await().until(() -> calls(conversation).size() == 2);
            assertThat(calls(conversation).get(1).get("tier")).isEqualTo("premium");
            assertThat(calls(conversation).get(1).get("model")).isEqualTo("deepseek-v4-pro");
        }
    }

    @Test
    void answerTextArrivingTogetherIsSentAsFewerDeltasInOrder() throws Exception {
        // about 90 content chunks over about 1.5 s: with a 100 ms window, roughly one delta per window
        fake.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER, 3, 40, true).paced(4));
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello")).nextOfType("ready");
            List<JsonNode> frames = customer.send(Map.of("type", "message", "id", "coalesced", "text", "is AB1234567 coming?"))
                    .untilType("answer.end");
            List<JsonNode> deltas = frames.stream().filter(f -> f.path("type").asText().equals("answer.delta")).toList();
            String streamed = deltas.stream().map(f -> f.path("text").asText()).collect(Collectors.joining());
            assertThat(streamed).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
            assertThat(deltas.size()).isBetween(2, 20); // the answer's 30-odd chunks, coalesced
            assertThat(frames.indexOf(deltas.get(deltas.size() - 1))).isLessThan(frames.size() - 1); // all before answer.end
        }
    }

    record Turn(String conversationId, JsonNode end) {
    }

    /** A new conversation whose first message is {@code text}; returns its answer.end. */
    private Turn turn(String text) throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText();
            JsonNode end = customer.send(Map.of("type", "message", "id", UUID.randomUUID().toString(), "text", text)).nextOfType("answer.end");
            return new Turn(conversation, end);
        }
    }

}
