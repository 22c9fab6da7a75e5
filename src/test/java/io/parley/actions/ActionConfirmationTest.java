package io.parley.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.parley.testing.FakeStreams.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes need the customer's yes (with a model and without), and offline look-ups: through a real
 * WebSocket, PostgreSQL, the fake model and the fake shop.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
@WithTestResource(FakeShopResource.class)
class ActionConfirmationTest {

    static final String REFUND_ARGS = "{\"order_id\": \"AB1234567\", \"reason\": \"arrived broken\"}";

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

    private static List<JsonNode> ask(ChatClient customer, String id, String text) {
        return customer.send(Map.of("type", "message", "id", id, "text", text)).untilType("answer.end");
    }

    private static JsonNode last(List<JsonNode> frames) {
        return frames.get(frames.size() - 1);
    }

    private long posts() {
        return shop.requests().stream().filter(r -> r.startsWith("POST /refunds")).count();
    }

    /** The model is unavailable for this turn (a 400 is not retried): the offline engine answers. */
    private void modelRefusesOnce() {
        model.enqueue(FakeDeepSeek.Reply.error(400, "bad request"));
    }

    @Test
    void aRefundTheModelAsksForRunsOnlyAfterTheCustomersYesEvenAfterAReconnectAndOnlyOnce() throws Exception {
        model.enqueue(FakeDeepSeek.Reply.toolCalls(call("call_r", "create_refund_request", REFUND_ARGS)));
        String token;
        try (ChatClient customer = ChatClient.connect(chat)) {
            token = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("token").asText();
            JsonNode proposal = last(ask(customer, "r-1", "Order AB1234567 arrived broken, I want my money back"));
            assertThat(proposal.path("text").asText())
                    .isEqualTo("I can send a refund request for order AB1234567 (reason: \"arrived broken\"). Shall I go ahead?");
            assertThat(proposal.path("suggestions").toString()).isEqualTo("[\"Yes, go ahead\",\"No, cancel\"]");
        }
        assertThat(posts()).isZero(); // proposed, not done
        try (ChatClient back = ChatClient.connect(chat)) {
            back.send(Map.of("type", "hello", "token", token, "lastSeq", 2)).nextOfType("ready");
            List<JsonNode> frames = ask(back, "r-2", "Yes, go ahead");
            assertThat(frames).anyMatch(f -> f.path("type").asText().equals("answer.status")
                    && f.path("text").asText().equals("Sending your refund request…"));
            String done = last(frames).path("text").asText();
            assertThat(done).matches("Done: refund request RF-\\d+ for order AB1234567 is requested\\.");
            assertThat(shop.requests()).filteredOn(r -> r.startsWith("POST")).singleElement().asString()
                    .contains("\"order_id\":\"AB1234567\"", "\"reason\":\"arrived broken\"");
            // the same yes again (a resend) and a new yes: nothing runs twice
            JsonNode again = back.send(Map.of("type", "message", "id", "r-2", "text", "Yes, go ahead")).nextOfType("answer.end");
            assertThat(again.path("text").asText()).isEqualTo(done);
        }
        assertThat(posts()).isEqualTo(1);
        assertThat(model.requests()).hasSize(1); // the yes was answered by running the proposal, not by the model
        assertThat(new Sql(db::getConnection).row("select state from action_proposal where turn = 'r-1'").get("state")).isEqualTo("done");
        // the confirmed change is in the audit trail, as the customer's
        Sql sql = new Sql(db::getConnection);
        String conversation = sql.conversationOf(token);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> sql.count("select count(*) from audit_log"
                + " where action = 'action_call' and actor = 'customer' and target = ? and details->>'action' = 'create_refund_request'"
                + " and details->>'outcome' = 'ok'", conversation) == 1);
    }

    @Test
    void theModelSeesPlaceholdersButTheActionGetsTheCustomersRealPhoneNumber() throws Exception {
        // masking on (the default): the model only ever sees [PHONE_1], and calls the action with it
        model.enqueue(FakeDeepSeek.Reply.toolCalls(call("call_p", "create_refund_request",
                "{\"order_id\": \"AB1234567\", \"reason\": \"arrived broken, call me on [PHONE_1]\"}")));
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            JsonNode proposal = last(ask(customer, "p-1", "Order AB1234567 arrived broken, refund it and call me on 13812345678"));
            assertThat(proposal.path("text").asText()).contains("call me on 13812345678").doesNotContain("[PHONE_1]");
            last(ask(customer, "p-2", "Yes, go ahead"));
        }
        assertThat(model.requests().toString()).doesNotContain("13812345678").contains("[PHONE_1]");
        assertThat(shop.requests()).filteredOn(r -> r.startsWith("POST")).singleElement().asString()
                .contains("call me on 13812345678").doesNotContain("PHONE");
    }

    @Test
    void aNoCancelsAndAnExpiredProposalNeverRuns() throws Exception {
        model.enqueue(FakeDeepSeek.Reply.toolCalls(call("call_n", "create_refund_request", REFUND_ARGS)),
                FakeDeepSeek.Reply.toolCalls(call("call_e", "create_refund_request", REFUND_ARGS)));
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            ask(customer, UUID.randomUUID().toString(), "refund AB1234567 please, it arrived broken");
            assertThat(last(ask(customer, UUID.randomUUID().toString(), "No, cancel")).path("text").asText())
                    .isEqualTo("OK, cancelled: I have not sent anything.");
            ask(customer, UUID.randomUUID().toString(), "actually yes, refund AB1234567, it arrived broken");
            new Sql(db::getConnection).execute("update action_proposal set expires_at = now() - interval '1 second' where conversation_id = '"
                    + conversation + "' and state = 'pending'");
            JsonNode late = last(ask(customer, UUID.randomUUID().toString(), "yes"));
            assertThat(late.path("text").asText()).doesNotStartWith("Done"); // expired: the model answers the "yes" as any message
        }
        assertThat(posts()).isZero();
    }

    @Test
    void offlineTheEngineLooksUpAnOrderAndAnswersFromTheResult() {
        modelRefusesOnce();
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            List<JsonNode> frames = ask(customer, UUID.randomUUID().toString(), "where is my order AB1234567?");
            assertThat(frames).anyMatch(f -> f.path("type").asText().equals("answer.status")
                    && f.path("text").asText().equals("Looking up your order…"));
            JsonNode end = last(frames);
            assertThat(end.path("source").asText()).isEqualTo("offline");
            assertThat(end.path("text").asText())
                    .isEqualTo("Order AB1234567 is shipped: SF Express, tracking SF1234567890123, expected 2026-12-02.");
            assertThat(shop.requests()).containsExactly("GET /orders/AB1234567");
        }
    }

    @Test
    void offlineAFailedLookupIsAdmittedAndARefundIsProposedThenConfirmed() {
        modelRefusesOnce(); // the look-up turn
        modelRefusesOnce(); // the refund turn (the yes needs no model)
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "zh-CN")).nextOfType("ready");
            JsonNode failed = last(ask(customer, UUID.randomUUID().toString(), "我的订单 ZZ0000500 到哪了？"));
            assertThat(failed.path("text").asText()).startsWith("我现在无法连接订单系统").doesNotContain("已发货");
            assertThat(failed.path("suggestions").toString()).contains("转人工");

            JsonNode proposal = last(ask(customer, UUID.randomUUID().toString(), "I want a refund for order AB1234567, it arrived broken"));
            assertThat(proposal.path("text").asText()).startsWith("I can send a refund request for order AB1234567");
            assertThat(posts()).isZero();
            JsonNode done = last(ask(customer, UUID.randomUUID().toString(), "yes"));
            assertThat(done.path("text").asText()).matches("Done: refund request RF-\\d+ for order AB1234567 is requested\\.");
            assertThat(posts()).isEqualTo(1);
        }
    }
}
