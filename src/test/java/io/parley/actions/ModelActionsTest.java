package io.parley.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.FakeDeepSeekResource;
import io.parley.testing.FakeShop;
import io.parley.testing.FakeShopResource;
import io.parley.testing.ModelPathReset;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.parley.testing.FakeStreams.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DeepSeek function calling against the fake model and the fake shop, through a real WebSocket and
 * PostgreSQL: what the customer sees, what the model is sent, what is stored.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
@WithTestResource(FakeShopResource.class)
class ModelActionsTest {

    static final String SHIPPED = "{\"intent\": \"order_status\", \"confidence\": 0.95, \"entities\": [], \"sentiment\": \"neutral\", "
            + "\"handoff\": false, \"answer\": \"It has shipped with SF Express and should arrive on 2 December.\", \"suggestions\": []}";

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Inject
    ModelPathReset modelPath;

    final FakeDeepSeek model = FakeDeepSeek.get();
    final FakeShop shop = FakeShop.get();

    @BeforeEach
    void reset() {
        modelPath.reset();
        shop.reset();
    }

    private List<JsonNode> ask(ChatClient customer, String text) {
        return customer.send(Map.of("type", "message", "id", UUID.randomUUID().toString(), "text", text)).untilType("answer.end");
    }

    private static JsonNode last(List<JsonNode> frames) {
        return frames.get(frames.size() - 1);
    }

    private static List<String> statuses(List<JsonNode> frames) {
        return frames.stream().filter(f -> f.path("type").asText().equals("answer.status")).map(f -> f.path("text").asText()).toList();
    }

    private List<Map<String, Object>> calls(String conversationId, int atLeast) throws Exception {
        Sql sql = new Sql(db::getConnection);
        String q = "select action, arguments::text as arguments, outcome, http_status, summary from action_call where conversation_id = ?::uuid order by id";
        await().atMost(Duration.ofSeconds(5)).until(() -> sql.rows(q, conversationId).size() >= atLeast);
        return sql.rows(q, conversationId);
    }

    @Test
    void toolCallsSplitAcrossChunksRunInTwoStepsAndTheModelAnswersFromTheResults() throws Exception {
        model.enqueue(FakeDeepSeek.Reply.toolCalls(call("call_1", "lookup_order", "{\"order_id\": \"AB1234567\"}")),
                FakeDeepSeek.Reply.toolCalls(call("call_2", "lookup_order", "{\"order_id\":\"AB7654321\"}")),
                FakeDeepSeek.Reply.stream(SHIPPED));
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            List<JsonNode> frames = ask(customer, "where are my orders AB1234567 and AB7654321?");

            assertThat(statuses(frames)).containsExactly("Looking up your order…", "Looking up your order…");
            assertThat(last(frames).path("text").asText()).isEqualTo("It has shipped with SF Express and should arrive on 2 December.");
            assertThat(last(frames).path("source").asText()).isEqualTo("model");
            assertThat(shop.requests()).containsExactly("GET /orders/AB1234567", "GET /orders/AB7654321");

            List<JsonNode> sent = model.requests();
            assertThat(sent).hasSize(3);
            assertThat(sent.get(0).path("tools").findValuesAsText("name")).contains("lookup_order", "create_refund_request");
            JsonNode third = sent.get(2).path("messages");
            JsonNode firstCall = third.get(third.size() - 4);
            assertThat(firstCall.path("role").asText()).isEqualTo("assistant");
            assertThat(firstCall.at("/tool_calls/0/id").asText()).isEqualTo("call_1");
            assertThat(firstCall.at("/tool_calls/0/function/name").asText()).isEqualTo("lookup_order");
            assertThat(firstCall.at("/tool_calls/0/function/arguments").asText()).isEqualTo("{\"order_id\": \"AB1234567\"}");
            JsonNode firstResult = third.get(third.size() - 3);
            assertThat(firstResult.path("role").asText()).isEqualTo("tool");
            assertThat(firstResult.path("tool_call_id").asText()).isEqualTo("call_1");
            assertThat(firstResult.path("content").asText()).contains("\"status\":\"shipped\"", "AB1234567");
            assertThat(third.get(third.size() - 1).path("tool_call_id").asText()).isEqualTo("call_2");

            List<Map<String, Object>> rows = calls(conversation, 2);
            assertThat(rows).extracting(r -> r.get("outcome")).containsExactly("ok", "ok");
            assertThat(rows.get(0).get("arguments").toString()).contains("AB1234567");
            assertThat(rows.get(0).get("summary").toString()).contains("HTTP 200", "shipped");
            // the console's transcript shows each call under the customer's message
            JsonNode transcript = new com.fasterxml.jackson.databind.ObjectMapper().readTree(AgentSession.admin().given()
                    .get("/api/conversations/" + conversation).then().statusCode(200).extract().asString());
            assertThat(transcript.path("actions").findValuesAsText("action")).containsExactly("lookup_order", "lookup_order");
            assertThat(transcript.at("/actions/0/outcome").asText()).isEqualTo("ok");
            assertThat(transcript.at("/actions/0/turn").asText()).isEqualTo(transcript.at("/messages/0/id").asText());
        }
    }

    @Test
    void anUnknownActionAndMalformedArgumentsGoBackToTheModelAndCallNothing() throws Exception {
        model.enqueue(FakeDeepSeek.Reply.toolCalls(call("call_a", "delete_all_orders", "{}"),
                        call("call_b", "lookup_order", "{\"order_id\": \"AB12"), call("call_c", "lookup_order", "{\"order_id\": \"12\"}")),
                FakeDeepSeek.Reply.stream(SHIPPED));
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            List<JsonNode> frames = ask(customer, "where is my order?");
            assertThat(last(frames).path("text").asText()).isEqualTo("It has shipped with SF Express and should arrive on 2 December.");
            assertThat(shop.requests()).isEmpty();
            JsonNode messages = model.requests().get(1).path("messages");
            int n = messages.size();
            assertThat(messages.get(n - 3).path("content").asText()).contains("there is no action called delete_all_orders");
            assertThat(messages.get(n - 2).path("content").asText()).contains("not a valid JSON object");
            assertThat(messages.get(n - 1).path("content").asText()).contains("does not match", "fix the arguments");
            assertThat(calls(conversation, 3)).extracting(r -> r.get("outcome")).containsExactly("rejected", "rejected", "rejected");
        }
    }

    @Test
    void afterTheStepLimitTheModelMustAnswerAndOneThatKeepsCallingGetsAnHonestAnswer() {
        for (int i = 0; i < 3; i++) {
            model.enqueue(FakeDeepSeek.Reply.toolCalls(call("call_" + i, "lookup_order", "{\"order_id\": \"AB123456" + i + "\"}")));
        }
        model.enqueue(FakeDeepSeek.Reply.stream(SHIPPED));
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            List<JsonNode> frames = ask(customer, "where is my order AB1234560?");
            assertThat(last(frames).path("text").asText()).startsWith("It has shipped");
            assertThat(statuses(frames)).hasSize(3);
            assertThat(model.requests()).hasSize(4);
            assertThat(model.requests().subList(0, 3)).noneMatch(r -> r.has("tool_choice"));
            assertThat(model.requests().get(3).path("tool_choice").asText()).isEqualTo("none");

            // a model that calls again anyway: nothing more runs, and the customer is told
            for (int i = 0; i < 4; i++) {
                model.enqueue(FakeDeepSeek.Reply.toolCalls(call("call_again_" + i, "lookup_order", "{\"order_id\": \"AB2345678\"}")));
            }
            JsonNode end = last(ask(customer, "and AB2345678?"));
            assertThat(end.path("text").asText()).startsWith("Sorry, I couldn't finish looking that up");
            assertThat(end.path("suggestions").toString()).contains("Talk to a person");
            assertThat(model.requests()).hasSize(8);
            assertThat(shop.requests()).hasSize(6);
        }
    }

    @Test
    void aFailedTimedOutOrOversizedLookupGetsAnHonestAnswerAndAPersonOffered() throws Exception {
        for (String order : List.of("ZZ0000500", "ZZ0000408", "ZZ0010000")) {
            model.enqueue(FakeDeepSeek.Reply.toolCalls(call("call_x", "lookup_order", "{\"order_id\": \"" + order + "\"}")));
        }
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            for (String order : List.of("ZZ0000500", "ZZ0000408", "ZZ0010000")) {
                long started = System.nanoTime();
                List<JsonNode> frames = ask(customer, "where is order " + order + "?");
                JsonNode end = last(frames);
                assertThat(statuses(frames)).containsExactly("Looking up your order…");
                assertThat(end.path("text").asText()).startsWith("I couldn't reach the order system just now").doesNotContain("shipped");
                assertThat(end.path("suggestions").toString()).contains("Talk to a person");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            }
            assertThat(model.requests()).hasSize(3); // each turn ended with the honest answer, not another model step
            List<Map<String, Object>> rows = calls(conversation, 3);
            assertThat(rows).extracting(r -> r.get("outcome")).containsExactly("http_error", "timeout", "too_large");
            assertThat(rows.get(0).get("http_status")).isEqualTo(500);
            assertThat(shop.hugeBytesWritten()).isLessThan(10_000_000L); // cut off, not read to the end
        }
    }

    @Test
    void aTierWithActionsOffOffersTheModelNoTools() {
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            ask(customer, "where is my order AB1234567? " + "It was a present and I need it by Friday. ".repeat(15));
            ask(customer, "where is my order AB1234567?");
        }
        assertThat(model.requests().get(0).path("model").asText()).isEqualTo("deepseek-v4-pro"); // the long message's tier
        assertThat(model.requests().get(0).has("tools")).isFalse();
        assertThat(model.requests().get(1).path("tools").findValuesAsText("name")).contains("lookup_order");
    }

    @Test
    void anAnswerBuiltOnAnActionResultIsNeverCached() {
        String question = "Has my parcel shipped yet?";
        for (int i = 0; i < 2; i++) {
            model.enqueue(FakeDeepSeek.Reply.toolCalls(call("call_c" + i, "lookup_order", "{\"order_id\": \"AB1234567\"}")),
                    FakeDeepSeek.Reply.stream(SHIPPED));
        }
        for (int i = 0; i < 2; i++) {
            try (ChatClient customer = ChatClient.connect(chat)) {
                customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
                JsonNode end = last(ask(customer, question));
                assertThat(end.path("source").asText()).isEqualTo("model");
            }
        }
        assertThat(model.requests()).hasSize(4);
        assertThat(shop.requests()).hasSize(2);
    }
}
