package io.parley.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.ChatClient;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.Sql;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Found by {@link ChaosIT}: an instance's liveness is its advisory lock, held on its change-feed
 * connection. When that connection drops (a database restart, a network blip, {@code
 * pg_terminate_backend}), the lock is free until the feed reconnects (250 ms at the soonest, seconds
 * after a restart), and meanwhile any other instance's sweep (on a hello, on a resend) takes the
 * instance for dead and stores the answer it is streaming right now as {@code interrupted}. The
 * customer is shown an empty interrupted answer, the turn is answered twice by the model (the resend
 * the interrupted answer asks for), and the live instance's own final write then fails on the
 * one-answer index forever, reported to the customer as {@code storage_unavailable} ("cannot reach
 * its database") and retried for a minute.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenerLockLostIT {

    private final ItDatabase db = new ItDatabase("lock");
    private final Sql sql = db.sql();
    private FakeDeepSeek fake;
    private ParleyProcess a;
    private ParleyProcess b;

    @BeforeAll
    void start() throws Exception {
        fake = FakeDeepSeek.startNew();
        db.start();
        Map<String, String> env = db.instanceEnv("lock", fake.port(), Map.of());
        a = new ParleyProcess("lock-a", env);
        b = new ParleyProcess("lock-b", env);
        a.start();
        b.start();
    }

    @AfterAll
    void stop() throws Exception {
        ParleyProcess.killAll(a, b);
        db.close();
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    void anAnswerStreamingOnALiveInstanceIsNotSweptWhileItsListenerReconnects() throws Exception {
        fake.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER, 3, 40, true).paced(20)); // about 6 s
        try (ChatClient onB = ChatClient.connect(b.http()); ChatClient onA = ChatClient.connect(a.http())) {
            JsonNode ready = onB.send(Map.of("type", "hello")).nextOfType("ready");
            String conversation = ready.path("conversationId").asText();
            onB.send(Map.of("type", "message", "id", "live-1", "text", "is order GH5566778 on its way?"));
            onB.nextOfType("answer.start"); // b is streaming the answer, alive and well
            for (int i = 0; i < 3; i++) { // a warm path on a: its first hellos are slow on a busy machine
                try (ChatClient warm = ChatClient.connect(a.http())) {
                    warm.send(Map.of("type", "hello", "token", ready.path("token").asText(), "lastSeq", 1)).nextOfType("ready");
                }
            }

            // b's change-feed connection drops (as in a database restart); b lives on and keeps streaming
            long owner = ((Number) sql.row("select owner from message where conversation_id = ?::uuid and state = 'streaming'",
                    conversation).get("owner")).longValue();
            long backend = ((Number) sql.row("select pid from pg_locks where locktype = 'advisory' and granted "
                    + "and classid::bigint = ? and objid::bigint = ?", owner >>> 32, owner & 0xffffffffL).get("pid")).longValue();
            System.out.println("[lock-lost] " + java.time.LocalTime.now() + " terminating b's change-feed backend " + backend);
            sql.row("select pg_terminate_backend(?::int)", backend);
            for (int i = 0; i < 200 && sql.count("select count(*) from pg_locks where locktype = 'advisory' and pid = ?::int", backend) > 0; i++) {
                ParleyProcess.sleep(2); // the backend is gone, and with it b's lock (b reconnects in 250 ms)
            }
            // meanwhile the customer's other tab says hello on instance a
            System.out.println("[lock-lost] " + java.time.LocalTime.now() + " lock free; hello on a");
            onA.send(Map.of("type", "hello", "token", ready.path("token").asText(), "lastSeq", 1)).nextOfType("ready");
            System.out.println("[lock-lost] " + java.time.LocalTime.now() + " ready on a");
            List<JsonNode> onAFrames = new ArrayList<>();
            while (!onA.quietFor(500)) {
                onAFrames.add(onA.seenLast());
            }
            JsonNode interrupted = onAFrames.stream().filter(f -> "interrupted".equals(f.path("state").asText())).findFirst().orElse(null);
            if (interrupted != null) {
                // that tab does what the protocol asks of an interrupted answer: it resends the message
                onA.send(Map.of("type", "message", "id", "live-1", "text", "is order GH5566778 on its way?"));
            }
            // the answer b was streaming ends; what does b's tab get?
            List<JsonNode> onBFrames = new ArrayList<>();
            long until = System.nanoTime() + 15_000_000_000L;
            while (System.nanoTime() < until) {
                if (!onB.quietFor(1000)) {
                    JsonNode f = onB.seenLast();
                    onBFrames.add(f);
                    if ("error".equals(f.path("type").asText())) {
                        break;
                    }
                }
            }
            List<Map<String, Object>> answers = sql.rows("select seq, state, owner, length(text) as chars from message "
                    + "where conversation_id = ?::uuid and role = 'assistant' order by id", conversation);
            long modelCalls = fake.requests().size();
            JsonNode errorOnB = onBFrames.stream().filter(f -> "error".equals(f.path("type").asText())).findFirst().orElse(null);
            System.out.printf("[lock-lost] answer rows=%s model-calls=%d shown-on-a=%s error-on-b=%s%n", answers, modelCalls,
                    interrupted, errorOnB);

            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(interrupted).as("an answer its live instance is streaming is shown as interrupted").isNull();
            soft.assertThat(answers).as("assistant rows for the one customer message").hasSize(1);
            soft.assertThat(answers).as("answer rows").allSatisfy(r -> soft.assertThat(r.get("state")).isEqualTo("complete"));
            soft.assertThat(modelCalls).as("model calls for one turn").isEqualTo(1);
            soft.assertThat(errorOnB).as("an error for a turn whose complete answer is stored").isNull();
            soft.assertAll();
        }
    }

}
