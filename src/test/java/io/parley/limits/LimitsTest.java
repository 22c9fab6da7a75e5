package io.parley.limits;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.parley.chat.TurnService;
import io.parley.testing.ChatClient;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.FakeDeepSeekResource;
import io.parley.testing.ModelPathReset;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What one client may use (issue 14, finding 4), on real sockets and the real database. The test
 * talks to Parley as a reverse proxy on 127.0.0.1 (a trusted proxy here) that names each simulated
 * client in X-Forwarded-For, so every test is its own client address.
 */
@QuarkusTest
@TestProfile(LimitsTest.LowLimits.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
class LimitsTest {

    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.limits.messages-per-minute", "30",
                    "parley.limits.sockets-per-address", "6",
                    "parley.limits.conversations-per-hour", "4",
                    "parley.limits.model-calls-per-conversation", "2",
                    "parley.http.trusted-proxies", "127.0.0.1,::1");
        }
    }

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Inject
    ModelPathReset modelPath;

    @Inject
    TurnService turns;

    final FakeDeepSeek deepSeek = FakeDeepSeek.get();

    @BeforeEach
    void reset() {
        modelPath.reset();
    }

    private Sql sql() {
        return new Sql(db::getConnection);
    }

    /** Model requests about a question with this marker (other tests' turns may still be answered meanwhile). */
    private long requestsAbout(String marker) {
        return deepSeek.requests().stream().filter(r -> r.toString().contains(marker)).count();
    }

    private static String message(String id, String text) {
        return "{\"type\":\"message\",\"id\":\"" + id + "\",\"text\":\"" + text + "\"}";
    }

    @Test
    void aBurstOfMessagesIsRefusedBeyondTheRateAndARefusedMessageCanBeSentAgain() throws Exception {
        try (ChatClient c = ChatClient.connectFrom(chat, "198.51.100.1")) {
            JsonNode ready = c.send("{\"type\":\"hello\"}").nextOfType("ready");
            long start = System.nanoTime();
            for (int i = 0; i < 300; i++) {
                c.send(message("burst-" + i, "burst question " + i + ": where is my order AB1234567?"));
            }
            Set<String> acknowledged = new HashSet<>();
            List<JsonNode> refusals = new ArrayList<>();
            while (acknowledged.size() + refusals.size() < 300) {
                JsonNode f = c.next();
                if (f.path("type").asText().equals("message") && f.path("role").asText().equals("customer")) {
                    acknowledged.add(f.path("id").asText());
                } else if (f.path("type").asText().equals("error")) {
                    assertThat(f.path("code").asText()).isEqualTo("rate_limited");
                    refusals.add(f);
                }
            }
            // 30 a minute: the burst's 30, and one more per 2 s the 300 frames took to go out
            long refilled = (System.nanoTime() - start) / 2_000_000_000L + 1;
            assertThat(acknowledged.size()).isBetween(30, 30 + (int) refilled);
            assertThat(refusals).allSatisfy(f -> {
                assertThat(f.path("turn").asText()).startsWith("burst-");
                assertThat(f.path("retryAfterMs").asLong()).isBetween(1L, 2000L);
            });
            String conversation = ready.path("conversationId").asText();
            assertThat(sql().count("select count(*) from message where conversation_id = ?::uuid and role = 'customer'", conversation))
                    .as("refused messages are not stored").isEqualTo(acknowledged.size());
            await().atMost(Duration.ofSeconds(30)).until(() -> sql().count(
                    "select count(*) from message where conversation_id = ?::uuid and role = 'assistant' and state = 'complete'",
                    conversation) == acknowledged.size());
            // the budget of 2 calls (a retry of a slow call counts too), not one per message; each one accounted
            await().atMost(Duration.ofSeconds(20)).until(() -> sql().count("select count(*) from llm_call where conversation_id = ?::uuid",
                    conversation) == requestsAbout("burst question"));
            assertThat(requestsAbout("burst question")).as("model requests").isBetween(2L, 6L);

            // the client waits as told and sends the same id again: stored once
            JsonNode refused = refusals.get(refusals.size() - 1);
            Thread.sleep(refused.path("retryAfterMs").asLong() + 100);
            String id = refused.path("turn").asText();
            JsonNode echo = c.send(message(id, "where is my order AB1234567? again"))
                    .nextMatching(f -> f.path("type").asText().equals("message") && f.path("id").asText().equals(id));
            assertThat(echo.path("role").asText()).isEqualTo("customer");
            assertThat(c.isOpen()).as("the connection survives every refusal").isTrue();
        }
    }

    @Test
    void socketsPerAddressAreLimitedWhileAnotherAddressStillConnects() throws Exception {
        List<ChatClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                ChatClient c = ChatClient.connectFrom(chat, "198.51.100.2");
                open.add(c);
                assertThat(c.send("{\"type\":\"hello\"}").nextOfType("ready").path("type").asText()).isEqualTo("ready");
            }
            try (ChatClient seventh = ChatClient.connectFrom(chat, "198.51.100.2")) {
                JsonNode refused = seventh.next();
                assertThat(refused.path("type").asText()).isEqualTo("error");
                assertThat(refused.path("code").asText()).isEqualTo("rate_limited");
                assertThat(refused.path("retryAfterMs").asLong()).isPositive();
                await().atMost(Duration.ofSeconds(5)).until(() -> seventh.closeCode() != null);
                assertThat(seventh.closeCode()).as("try again later").isEqualTo(1013);
            }
            try (ChatClient other = ChatClient.connectFrom(chat, "198.51.100.3")) {
                assertThat(other.send("{\"type\":\"hello\"}").nextOfType("ready").path("type").asText()).isEqualTo("ready");
            }
            // a socket that closes frees its place
            open.remove(0).close();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try (ChatClient again = ChatClient.connectFrom(chat, "198.51.100.2")) {
                    return again.send("{\"type\":\"hello\"}").next().path("type").asText().equals("ready");
                }
            });
        } finally {
            open.forEach(ChatClient::close);
        }
    }

    @Test
    void aVisitorWhoNeverWritesLeavesNoConversationAndTheFirstMessageCreatesIt() throws Exception {
        long before = sql().count("select count(*) from conversation");
        try (ChatClient c = ChatClient.connectFrom(chat, "198.51.100.4")) {
            JsonNode ready = c.send("{\"type\":\"hello\",\"locale\":\"en\"}").nextOfType("ready");
            String id = ready.path("conversationId").asText();
            String token = ready.path("token").asText();
            assertThat(ready.path("seq").asLong()).isZero();
            assertThat(sql().count("select count(*) from conversation")).as("nothing in the inbox yet").isEqualTo(before);

            // before the first message the token opens nothing yet
            try (ChatClient early = ChatClient.connectFrom(chat, "198.51.100.4")) {
                JsonNode refused = early.send("{\"type\":\"hello\",\"token\":\"" + token + "\"}").nextOfType("error");
                assertThat(refused.path("code").asText()).isEqualTo("unauthorized");
            }

            c.send(message("first-1", "hello, I need help"));
            c.nextMatching(f -> f.path("id").asText().equals("first-1"));
            assertThat(sql().conversationOf(token)).as("the token of ready opens the conversation now stored").isEqualTo(id);
            try (ChatClient resumed = ChatClient.connectFrom(chat, "198.51.100.4")) {
                JsonNode again = resumed.send("{\"type\":\"hello\",\"token\":\"" + token + "\",\"lastSeq\":0}").nextOfType("ready");
                assertThat(again.path("conversationId").asText()).isEqualTo(id);
                assertThat(resumed.nextOfType("message").path("id").asText()).isEqualTo("first-1");
            }
        }
    }

    @Test
    void newConversationsPerAddressAreLimitedAndTheRefusedMessageIsNotStored() throws Exception {
        List<ChatClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                ChatClient c = ChatClient.connectFrom(chat, "198.51.100.5");
                open.add(c);
                c.send("{\"type\":\"hello\"}").nextOfType("ready");
                String id = "conv-" + i;
                c.send(message(id, "question " + i));
                assertThat(c.nextMatching(f -> f.path("id").asText().equals(id) || f.path("type").asText().equals("error"))
                        .path("type").asText()).isEqualTo("message");
            }
            ChatClient fifth = ChatClient.connectFrom(chat, "198.51.100.5");
            open.add(fifth);
            String draft = fifth.send("{\"type\":\"hello\"}").nextOfType("ready").path("conversationId").asText();
            JsonNode refused = fifth.send(message("conv-4", "question 4")).nextOfType("error");
            assertThat(refused.path("code").asText()).isEqualTo("rate_limited");
            assertThat(refused.path("turn").asText()).isEqualTo("conv-4");
            assertThat(refused.path("retryAfterMs").asLong()).as("one conversation more every 15 min").isBetween(60_000L, 900_000L);
            assertThat(sql().count("select count(*) from conversation where id = ?::uuid", draft)).isZero();
            assertThat(sql().count("select count(*) from message where msg_id = 'conv-4'")).isZero();
            assertThat(fifth.isOpen()).isTrue();

            ChatClient elsewhere = ChatClient.connectFrom(chat, "198.51.100.6");
            open.add(elsewhere);
            elsewhere.send("{\"type\":\"hello\"}").nextOfType("ready");
            assertThat(elsewhere.send(message("conv-other", "question")).nextMatching(f -> f.path("id").asText().equals("conv-other")
                    || f.path("type").asText().equals("error")).path("type").asText()).isEqualTo("message");
        } finally {
            open.forEach(ChatClient::close);
        }
    }

    @Test
    void aConversationOverItsModelBudgetIsAnsweredOffline() throws Exception {
        try (ChatClient c = ChatClient.connectFrom(chat, "198.51.100.7")) {
            String conversation = c.send("{\"type\":\"hello\",\"locale\":\"en\"}").nextOfType("ready").path("conversationId").asText();
            List<String> sources = new ArrayList<>();
            long spent = 0;
            for (int i = 0; i < 3; i++) {
                spent = requestsAbout("budget question");
                c.send(message("budget-" + i, "budget question: where is my order AB1234567?"));
                JsonNode end = c.nextOfType("answer.end");
                assertThat(end.path("text").asText()).as("an answer, never an error").isNotBlank();
                sources.add(end.path("source").asText());
            }
            assertThat(sources).containsExactly("model", "model", "offline");
            assertThat(requestsAbout("budget question")).as("no request for the turn over budget").isEqualTo(spent).isGreaterThanOrEqualTo(2);
            assertThat(sql().count("select count(*) from llm_call where conversation_id = ?::uuid", conversation)).isEqualTo(spent);
        }
    }

    @Test
    void aModelRequestDroppedBeforeItsEndIsStillAccounted() throws Exception {
        deepSeek.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER).paced(100));
        try (ChatClient c = ChatClient.connectFrom(chat, "198.51.100.8")) {
            String conversation = c.send("{\"type\":\"hello\",\"locale\":\"en\"}").nextOfType("ready").path("conversationId").asText();
            c.send(message("dropped-1", "dropped question: where is my order AB1234567?"));
            await().atMost(Duration.ofSeconds(5)).until(() -> requestsAbout("dropped question") == 1);
            Thread.sleep(300); // the answer is streaming
            turns.drain(Duration.ZERO); // what a shutdown does: the streaming call is dropped, the answer stored as interrupted
            assertThat(c.nextOfType("answer.end").path("state").asText()).isEqualTo("interrupted");
            assertThat(requestsAbout("dropped question")).as("the dropped request is not retried").isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> sql().count(
                    "select count(*) from llm_call where conversation_id = ?::uuid", conversation) == 1);
            assertThat(sql().row("select outcome from llm_call where conversation_id = ?::uuid", conversation).get("outcome"))
                    .isEqualTo("cancelled");
        }
    }
}
