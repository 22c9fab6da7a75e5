package io.parley.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.ChatClient;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.Sql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults through real processes and sockets: two packaged Parley instances on one PostgreSQL, the
 * fake DeepSeek streaming slowly. Each scenario counts stored rows against sent frames and prints
 * the counts ({@code [resilience] ...}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResilienceIT {

    /** A new folder per run; zonky must not clean it itself, or stopping the server (the outage) would delete the data. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final ItDatabase db = new ItDatabase("it");
    private final FakeDeepSeek fake = FakeDeepSeek.get();
    private ParleyProcess a;
    private ParleyProcess b;
    private final Sql sql = db.sql();

    @BeforeAll
    void start() throws Exception {
        db.start();
        Map<String, String> env = db.instanceEnv("resilience", fake.port(), Map.of(
                "PARLEY_LLM_RETRY_INITIAL_BACKOFF", "50ms",
                "PARLEY_CHAT_SHUTDOWN_GRACE", "6s",
                "PARLEY_CHAT_CATCH_UP_EVERY", "2s"));
        a = new ParleyProcess("instance-a", env);
        b = new ParleyProcess("instance-b", env);
        a.start();
        b.start();
    }

    @AfterAll
    void stop() throws Exception {
        ParleyProcess.killAll(a, b);
        db.close();
    }

    @Test
    @Order(1)
    void twoInstancesOnOneDatabaseSeeEachOthersMessagesLive() throws Exception {
        fake.reset();
        try (ChatClient onA = ChatClient.connect(a.http()); ChatClient onB = ChatClient.connect(b.http())) {
            JsonNode ready = onA.send(Map.of("type", "hello")).nextOfType("ready");
            // the conversation is stored at its first message: then the token opens it on the other instance
            onA.send(Map.of("type", "message", "id", "first", "text", "hello")).nextOfType("answer.end");
            onB.send(Map.of("type", "hello", "token", ready.path("token").asText(), "lastSeq", 2)).nextOfType("ready");

            onA.send(Map.of("type", "message", "id", "from-a", "text", "where is my order AB1234567?"));
            JsonNode echoOnB = onB.nextOfType("message");
            assertThat(echoOnB.path("id").asText()).isEqualTo("from-a");
            JsonNode answerOnB = onB.nextOfType("message");
            assertThat(answerOnB.path("role").asText()).isEqualTo("assistant");
            assertThat(answerOnB.path("text").asText()).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
            onA.nextOfType("answer.end");

            onB.send(Map.of("type", "message", "id", "from-b", "text", "and my refund?"));
            JsonNode echoOnA = onA.nextOfType("message");
            assertThat(echoOnA.path("id").asText()).isEqualTo("from-b");
            assertThat(onA.nextOfType("message").path("role").asText()).isEqualTo("assistant");

            String conversation = ready.path("conversationId").asText();
            long customers = sql.count("select count(*) from message where conversation_id = ?::uuid and role = 'customer'", conversation);
            long answers = sql.count("select count(*) from message where conversation_id = ?::uuid and role = 'assistant' and state = 'complete'", conversation);
            System.out.printf("[resilience] two-instances: sent=3 stored=%d answers=%d lost=%d duplicated=%d%n",
                    customers, answers, 3 - customers, Math.max(0, customers - 3));
            assertThat(customers).isEqualTo(3);
            assertThat(answers).isEqualTo(3);
        }
    }

    @Test
    @Order(2)
    void anAgentOnOneInstanceTakesOverACustomerOnTheOther() throws Exception {
        String cookie = signIn(b, "admin", "resilience-admin-password");
        try (ChatClient customer = ChatClient.connect(a.http());
             ChatClient agent = ChatClient.connect(URI.create(b.http().toString().replace("/ws/chat", "/ws/agent")), cookie)) {
            agent.nextOfType("ready");
            String id = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "handoff"));
            assertThat(customer.nextMatching(f -> "system".equals(f.path("role").asText())).path("kind").asText())
                    .isEqualTo("handoff_requested"); // the console on the other instance counts as online
            agent.nextMatching(f -> "activity".equals(f.path("type").asText()) && f.toString().contains(id));
            agent.send(Map.of("type", "watch", "conversationId", id)).nextOfType("watching");

            assertThat(post(b, "/api/conversations/" + id + "/take", cookie)).isEqualTo(200);
            assertThat(customer.nextMatching(f -> "agent_joined".equals(f.path("kind").asText())).path("text").asText())
                    .contains("Administrator");
            agent.send(Map.of("type", "typing", "conversationId", id));
            assertThat(customer.nextOfType("typing").path("role").asText()).isEqualTo("agent");
            customer.send(Map.of("type", "typing"));
            assertThat(agent.nextOfType("typing").path("role").asText()).isEqualTo("customer");
            agent.send(Map.of("type", "message", "conversationId", id, "id", "agent-1", "text", "Hello from instance B"));
            assertThat(customer.nextMatching(f -> "agent".equals(f.path("role").asText())).path("text").asText())
                    .isEqualTo("Hello from instance B");
            customer.send(Map.of("type", "message", "id", "cust-1", "text", "Hello from instance A"));
            assertThat(agent.nextMatching(f -> "cust-1".equals(f.path("id").asText())).path("text").asText())
                    .isEqualTo("Hello from instance A");
            long agentRows = sql.count("select count(*) from message where conversation_id = ?::uuid and role = 'agent'", id);
            long answers = sql.count("select count(*) from message where conversation_id = ?::uuid and role = 'assistant'", id);
            System.out.printf("[resilience] cross-instance take-over: agent-messages=%d bot-answers-after-take-over=%d%n", agentRows, answers);
            assertThat(agentRows).isEqualTo(1);
            assertThat(answers).isZero();
        }
    }

    /** A real form sign-in on one instance; the Cookie header of what it sets (the session key is shared). */
    private static String signIn(ParleyProcess p, String user, String password) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base(p).resolve("/j_security_check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("j_username=" + user + "&j_password=" + password)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return String.join("; ", r.headers().allValues("Set-Cookie").stream().map(c -> c.substring(0, c.indexOf(';'))).toList());
    }

    private static int post(ParleyProcess p, String path, String cookie) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base(p).resolve(path)).header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static URI base(ParleyProcess p) {
        return URI.create(p.http().toString().replace("ws/chat", "").replace("/ws/chat", ""));
    }

    @Test
    @Order(3)
    void killDashNineMidStreamThenResumeOnTheOtherInstanceAndRetry() throws Exception {
        fake.reset();
        fake.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER, 3, 40, true).paced(25)); // about 8 s, text from 5.5 s
        String token;
        String conversation;
        try (ChatClient onA = ChatClient.connect(a.http())) {
            JsonNode ready = onA.send(Map.of("type", "hello")).nextOfType("ready");
            token = ready.path("token").asText();
            conversation = ready.path("conversationId").asText();
            // a question no earlier scenario asked: an opening question asked before is answered from the cache
            onA.send(Map.of("type", "message", "id", "doomed", "text", "has order CD7654321 shipped?"));
            onA.nextOfType("answer.delta");
            ParleyProcess.sleep(1500); // long enough for the partial text to be saved
            a.kill9();
        }
        JsonNode interrupted = null;
        for (int i = 0; i < 20 && interrupted == null; i++) {
            try (ChatClient onB = ChatClient.connect(b.http())) {
                onB.send(Map.of("type", "hello", "token", token, "lastSeq", 1)).nextOfType("ready");
                if (!onB.quietFor(300)) {
                    interrupted = onB.seenLast();
                }
            }
        }
        assertThat(interrupted).as("the interrupted answer is replayed").isNotNull();
        assertThat(interrupted.path("state").asText()).isEqualTo("interrupted");
        assertThat(interrupted.path("replyTo").asLong()).isEqualTo(1);
        try (ChatClient onB = ChatClient.connect(b.http())) {
            onB.send(Map.of("type", "hello", "token", token, "lastSeq", interrupted.path("seq").asLong())).nextOfType("ready");
            List<JsonNode> retry = onB.send(Map.of("type", "message", "id", "doomed", "text", "has order CD7654321 shipped?"))
                    .untilType("answer.end");
            assertThat(retry.get(0).path("seq").asLong()).isEqualTo(1);
            assertThat(retry.get(retry.size() - 1).path("text").asText()).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
        }
        long customers = sql.count("select count(*) from message where conversation_id = ?::uuid and role = 'customer'", conversation);
        long interruptedRows = sql.count("select count(*) from message where conversation_id = ?::uuid and state = 'interrupted'", conversation);
        long complete = sql.count("select count(*) from message where conversation_id = ?::uuid and role = 'assistant' and state = 'complete'", conversation);
        System.out.printf("[resilience] kill-9-mid-stream: sent=1 stored=%d interrupted=%d complete-after-retry=%d lost=%d duplicated=%d partial=\"%s\"%n",
                customers, interruptedRows, complete, 1 - customers, Math.max(0, customers - 1), interrupted.path("text").asText());
        assertThat(customers).isEqualTo(1);
        assertThat(interruptedRows).isEqualTo(1);
        assertThat(complete).isEqualTo(1);
        a.start(); // back for the next scenarios
    }

    @Test
    @Order(4)
    void databaseStoppedAndStartedWhileAClientKeepsSending() throws Exception {
        fake.reset();
        int n = 6;
        try (ChatClient client = ChatClient.connect(b.http())) {
            JsonNode ready = client.send(Map.of("type", "hello")).nextOfType("ready");
            String conversation = ready.path("conversationId").asText();
            Set<String> acked = new HashSet<>();
            int refused = 0;
            for (int i = 0; i < n; i++) {
                if (i == 2) {
                    db.stop(); // the database goes away
                }
                if (i == 4) {
                    db.start(); // and comes back on the same port with the same data
                }
                String id = "outage-" + i;
                // like any client: resend with the same id until the stored echo comes back
                for (int attempt = 0; attempt < 40 && !acked.contains(id); attempt++) {
                    client.send(Map.of("type", "message", "id", id, "text", "message " + i));
                    JsonNode f = client.until(x -> x.path("type").asText().equals("error")
                            || (x.path("type").asText().equals("message") && x.path("id").asText().equals(id)))
                            .stream().reduce((x, y) -> y).orElseThrow();
                    if (f.path("type").asText().equals("error")) {
                        assertThat(f.path("code").asText()).isEqualTo("storage_unavailable");
                        refused++;
                        if (i == 2 || i == 3) {
                            break; // the database is down for these two: move on, they stay unacknowledged for now
                        }
                        ParleyProcess.sleep(f.path("retryAfterMs").asLong(500));
                    } else {
                        acked.add(id);
                    }
                }
            }
            // the two refused during the outage, resent now with their original ids
            for (int i = 2; i < 4; i++) {
                String id = "outage-" + i;
                for (int attempt = 0; attempt < 20 && !acked.contains(id); attempt++) {
                    client.send(Map.of("type", "message", "id", id, "text", "message " + i));
                    JsonNode f = client.until(x -> x.path("type").asText().equals("error")
                            || (x.path("type").asText().equals("message") && x.path("id").asText().equals(id)))
                            .stream().reduce((x, y) -> y).orElseThrow();
                    if (f.path("type").asText().equals("message")) {
                        acked.add(id);
                    } else {
                        ParleyProcess.sleep(500);
                    }
                }
            }
            long stored = sql.count("select count(*) from message where conversation_id = ?::uuid and role = 'customer'", conversation);
            long distinct = sql.count("select count(distinct msg_id) from message where conversation_id = ?::uuid and role = 'customer'", conversation);
            System.out.printf("[resilience] database-restart: sent=%d refused-while-down=%d acknowledged=%d stored=%d lost=%d duplicated=%d%n",
                    n, refused, acked.size(), stored, n - distinct, stored - distinct);
            assertThat(refused).isPositive();
            assertThat(acked).hasSize(n);
            assertThat(stored).isEqualTo(n);
            assertThat(distinct).isEqualTo(n);
        }
    }

    @Test
    @Order(5)
    void aClientThatDropsAfterEveryFrameAndHopsBetweenInstances() throws Exception {
        fake.reset();
        int n = 8;
        Map<String, String> pending = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            pending.put(UUID.randomUUID().toString(), "where is my order AB12345" + (10 + i) + "?");
        }
        Set<String> acked = new HashSet<>();
        Set<Long> seen = new HashSet<>();
        int duplicates = 0;
        int answers = 0;
        int connections = 0;
        String token = null;
        long lastSeq = 0;
        while ((answers < n || !pending.isEmpty()) && connections < 500) {
            ParleyProcess target = connections % 2 == 0 ? a : b;
            try (ChatClient c = ChatClient.connect(target.http())) {
                connections++;
                Map<String, Object> hello = new LinkedHashMap<>(Map.of("type", "hello"));
                if (token != null) {
                    hello.put("token", token);
                    hello.put("lastSeq", lastSeq);
                }
                JsonNode ready = c.send(hello).nextMatching(f -> f.path("type").asText().equals("ready") || f.path("type").asText().equals("error"));
                if (ready.path("type").asText().equals("error")) {
                    // as docs/protocol.md tells clients: storage_unavailable (the database restart of the previous
                    // scenario may still be settling in the pool) means "send it again after retryAfterMs"
                    assertThat(ready.path("code").asText()).isEqualTo("storage_unavailable");
                    Thread.sleep(ready.path("retryAfterMs").asLong(1000));
                    continue;
                }
                token = ready.path("token").asText();
                pending.forEach((id, text) -> c.send(Map.of("type", "message", "id", id, "text", text)));
                JsonNode f = c.next();
                String type = f.path("type").asText();
                if (type.equals("message") || type.equals("answer.end")) {
                    long seq = f.path("seq").asLong();
                    if (f.path("role").asText().equals("customer") && pending.remove(f.path("id").asText()) != null) {
                        acked.add(f.path("id").asText());
                    }
                    if (seq <= lastSeq || !seen.add(seq)) {
                        duplicates++;
                    } else if (f.path("role").asText().equals("assistant")) {
                        answers++;
                    }
                    lastSeq = Math.max(lastSeq, seq);
                }
            }
        }
        String conversation = sql.conversationOf(token);
        long stored = sql.count("select count(*) from message where conversation_id = ?::uuid and role = 'customer'", conversation);
        long storedAnswers = sql.count("select count(*) from message where conversation_id = ?::uuid and role = 'assistant' and state = 'complete'", conversation);
        System.out.printf("[resilience] drop-after-every-frame, two instances: sent=%d acknowledged=%d stored=%d answers=%d connections=%d "
                + "lost=%d duplicated-rows=%d frames-seen-twice=%d%n", n, acked.size(), stored, storedAnswers, connections, n - stored,
                stored - acked.size(), duplicates);
        assertThat(acked).hasSize(n);
        assertThat(stored).isEqualTo(n);
        assertThat(storedAnswers).isEqualTo(n);
        assertThat(seen).hasSize(2 * n);
    }

    @Test
    @Order(6)
    void sigtermLetsTheStreamingAnswerFinishThenClosesWith1012() throws Exception {
        fake.reset();
        fake.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER, 3, 40, true).paced(20)); // about 2 s
        try (ChatClient onA = ChatClient.connect(a.http())) {
            JsonNode ready = onA.send(Map.of("type", "hello")).nextOfType("ready");
            onA.send(Map.of("type", "message", "id", "graceful", "text", "is order EF1122334 on its way?"));
            onA.nextOfType("answer.delta");
            long started = System.nanoTime();
            Thread stopper = new Thread(() -> {
                try {
                    a.terminate(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            stopper.start();
            JsonNode end = onA.nextOfType("answer.end");
            assertThat(end.path("text").asText()).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
            assertThat(end.path("incomplete").isMissingNode()).isTrue();
            for (int i = 0; i < 100 && onA.closeCode() == null; i++) {
                ParleyProcess.sleep(100);
            }
            stopper.join(30_000);
            System.out.printf("[resilience] sigterm-mid-stream: answer completed=%s close-code=%s stopped-after-ms=%d%n",
                    end.path("incomplete").isMissingNode(), onA.closeCode(), (System.nanoTime() - started) / 1_000_000);
            assertThat(onA.closeCode()).isEqualTo(1012);
            assertThat(sql.count("select count(*) from message where conversation_id = ?::uuid and state = 'complete' and role = 'assistant'",
                    ready.path("conversationId").asText())).isEqualTo(1);
        }
    }




}
