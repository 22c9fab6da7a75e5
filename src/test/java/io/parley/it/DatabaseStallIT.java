package io.parley.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.ChatClient;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.Sql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding 7 of issue 14: PostgreSQL frozen (SIGSTOP on the postmaster and every backend) while a
 * customer writes. The customer is told {@code storage_unavailable} for that message within seconds,
 * not left waiting; once the database goes on (SIGCONT) the same message resent is stored once and
 * answered, and the change feed delivers again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseStallIT {

    /** Longer than every timeout that must fire during it. */
    private static final Duration STALL = Duration.ofSeconds(20);
    /** The customer hears of the failure within this: the network timeout (6 s) and some slack, well under the stall. */
    private static final Duration TOLD_WITHIN = Duration.ofSeconds(12);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ItDatabase db = new ItDatabase("stall");
    private final FakeDeepSeek fake = FakeDeepSeek.get();
    private final Sql sql = db.sql();
    private ParleyProcess parley;

    @BeforeAll
    void start() throws Exception {
        db.start();
        // only the change feed can bring a message stored elsewhere: no periodic catch-up during the test
        parley = new ParleyProcess("stall", db.instanceEnv("stall", fake.port(), Map.of("PARLEY_CHAT_CATCH_UP_EVERY", "1h"))).start();
    }

    @AfterAll
    void stop() throws Exception {
        ParleyProcess.killAll(parley);
        db.close();
    }

    @Test
    void aFrozenDatabaseGivesARetryableErrorAndTheResendIsStoredOnce() throws Exception {
        fake.reset();
        try (ChatClient customer = ChatClient.connect(parley.http())) {
            String token = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("token").asText();
            customer.send(Map.of("type", "message", "id", "before", "text", "where is my order AB1234567?")).nextOfType("answer.end");
            String conversation = sql.conversationOf(token);

            String id = UUID.randomUUID().toString();
            JsonNode error;
            long toldAfter;
            List<ProcessHandle> postgres = db.processes();
            signal("STOP", postgres);
            long stalledAt = System.nanoTime();
            try {
                customer.send(Map.of("type", "message", "id", id, "text", "and my refund?"));
                error = await(customer, f -> "error".equals(f.path("type").asText()) || id.equals(f.path("id").asText()), TOLD_WITHIN);
                toldAfter = Duration.ofNanos(System.nanoTime() - stalledAt).toMillis();
                long rest = STALL.toNanos() - (System.nanoTime() - stalledAt);
                if (rest > 0) {
                    Thread.sleep(rest / 1_000_000);
                }
            } finally {
                signal("CONT", postgres);
            }
            System.out.printf("[stall] storage_unavailable after %d ms of a %d s stall%n", toldAfter, STALL.toSeconds());
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("code").asText()).isEqualTo("storage_unavailable");
            assertThat(error.path("turn").asText()).isEqualTo(id);
            assertThat(error.path("retryAfterMs").asLong()).isPositive();
            assertThat(error.path("message").asText()).doesNotContain("SQL", "postgres", "socket", "Exception");

            // the database is back: the same message again is stored once and answered
            JsonNode echo = resendUntilAcknowledged(customer, id, Duration.ofSeconds(30));
            assertThat(echo.path("role").asText()).isEqualTo("customer");
            assertThat(customer.nextOfType("answer.end").path("text").asText()).isNotBlank();
            assertThat(sql.count("select count(*) from message where conversation_id = ?::uuid and msg_id = ?", conversation, id)).isEqualTo(1);
            assertThat(sql.count("select count(*) from message where conversation_id = ?::uuid and msg_id = 'before'", conversation)).isEqualTo(1);

            // the change feed listens again: a message stored by another instance arrives live
            long seq = storeElsewhere(conversation, "Dana from support here.");
            JsonNode live = await(customer, f -> f.path("seq").asLong() == seq, Duration.ofSeconds(20));
            assertThat(live.path("text").asText()).isEqualTo("Dana from support here.");
            assertThat(ready()).isEqualTo(200);
        }
    }

    /** Resends {@code id} (as a client does after {@code storage_unavailable}) until its echo arrives. */
    private static JsonNode resendUntilAcknowledged(ChatClient customer, String id, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            customer.send(Map.of("type", "message", "id", id, "text", "and my refund?"));
            JsonNode f = await(customer, x -> id.equals(x.path("id").asText()) || "error".equals(x.path("type").asText()), Duration.ofSeconds(10));
            if ("message".equals(f.path("type").asText())) {
                return f;
            }
            assertThat(f.path("code").asText()).isEqualTo("storage_unavailable");
            Thread.sleep(Math.max(100, f.path("retryAfterMs").asLong()));
        }
        throw new AssertionError("no acknowledgement within " + limit);
    }

    private static JsonNode await(ChatClient client, Predicate<JsonNode> match, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!client.quietFor(200) && match.test(client.seenLast())) {
                return client.seenLast();
            }
        }
        throw new AssertionError("nothing matching within " + limit + "; last frame " + client.seenLast());
    }

    /** Signals the postmaster (first) and its children; a backend that ended since they were listed is skipped. */
    private static void signal(String signal, List<ProcessHandle> processes) throws Exception {
        for (int i = 0; i < processes.size(); i++) {
            ProcessHandle p = processes.get(i);
            int exit = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start().waitFor();
            if (i == 0 || p.isAlive()) {
                assertThat(exit).as("kill -%s %s", signal, p.pid()).isZero();
            }
        }
    }

    /** What another instance does: next seq under the row lock, insert, notify, commit. */
    private long storeElsewhere(String conversation, String text) throws Exception {
        long seq = sql.count("update conversation set last_seq = last_seq + 1 where id = ?::uuid returning last_seq", conversation);
        sql.rows("insert into message (conversation_id, seq, msg_id, role, text) values (?::uuid, ?, ?, 'agent', ?) returning seq",
                conversation, seq, UUID.randomUUID().toString(), text);
        sql.rows("select pg_notify('parley_messages', ?)", conversation + ":" + seq + ":42");
        return seq;
    }

    private int ready() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + parley.port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
