package io.parley.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.parley.lifecycle.InactivityJob;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivery guarantees inside one process, with the database standing in for the other instances:
 * a message stored elsewhere arrives live, a lost notification is caught up, an answer left
 * streaming by a dead instance is replayed as interrupted and can be retried, and a client that
 * drops after every frame still ends with every message exactly once.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class DurabilityTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Inject
    ConversationHub hub;

    Sql sql;

    @BeforeEach
    void sql() {
        sql = new Sql(db::getConnection);
    }

    @Inject
    InactivityJob housekeeping;

    @Test
    void aMessageStoredByAnotherInstanceArrivesLive() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "local", "text", "hello")).nextOfType("answer.end");
            long seq = storeElsewhere(conversation, "agent", "Hi, this is Dana from support.", true);
            JsonNode live = customer.nextOfType("message");
            assertThat(live.path("seq").asLong()).isEqualTo(seq);
            assertThat(live.path("role").asText()).isEqualTo("agent");
            assertThat(live.path("text").asText()).isEqualTo("Hi, this is Dana from support.");
        }
    }

    @Test
    void aLostNotificationIsCaughtUpBySeq() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = started(customer);
            long first = storeElsewhere(conversation, "agent", "one", false);
            long second = storeElsewhere(conversation, "agent", "two", false);
            assertThat(customer.quietFor(300)).isTrue(); // nothing announced them
            hub.catchUpBehind();
            assertThat(List.of(customer.next(), customer.next())).extracting(f -> f.path("seq").asLong()).containsExactly(first, second);
        }
    }

    @Test
    void anAnswerLeftStreamingByADeadInstanceIsReplayedAsInterruptedAndTheTurnCanBeRetried() throws Exception {
        String token;
        String conversation;
        try (ChatClient customer = ChatClient.connect(chat)) {
            JsonNode ready = customer.send(Map.of("type", "hello")).nextOfType("ready");
            token = ready.path("token").asText();
            conversation = ready.path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "first", "text", "hello")).nextOfType("answer.end");
        }
        // another instance stored a customer message and began answering it, then died (its lock is free)
        long customerSeq = storeElsewhere(conversation, "customer", "where is my order AB1234567?", false, "crashed-turn");
        deadAnswer(conversation, customerSeq, "dead-answer", "Your order AB12", 987654321L);

        try (ChatClient back = ChatClient.connect(chat)) {
            back.send(Map.of("type", "hello", "token", token, "lastSeq", 2)).nextOfType("ready");
            JsonNode mine = back.next();
            JsonNode interrupted = back.next();
            assertThat(mine.path("id").asText()).isEqualTo("crashed-turn");
            assertThat(interrupted.path("role").asText()).isEqualTo("assistant");
            assertThat(interrupted.path("state").asText()).isEqualTo("interrupted");
            assertThat(interrupted.path("incomplete").asBoolean()).isTrue();
            assertThat(interrupted.path("text").asText()).isEqualTo("Your order AB12");
            assertThat(interrupted.path("replyTo").asLong()).isEqualTo(customerSeq);

            // one frame retries the turn: the same message id
            List<JsonNode> retry = back.send(Map.of("type", "message", "id", "crashed-turn", "text", "where is my order AB1234567?"))
                    .untilType("answer.end");
            assertThat(retry.get(0).path("seq").asLong()).isEqualTo(customerSeq); // original acknowledgement
            JsonNode end = retry.get(retry.size() - 1);
            assertThat(end.path("intent").asText()).isEqualTo("order_status");
            assertThat(end.path("incomplete").isMissingNode()).isTrue();
        }
        assertThat(sql.count("select count(*) from message where conversation_id = ?::uuid and role = 'customer'", conversation)).isEqualTo(2);
        assertThat(sql.count("select count(*) from message where conversation_id = ?::uuid and state = 'streaming'", conversation)).isZero();
    }

    @Test
    void aResentMessageOnAnOpenConnectionRetriesATurnWhoseInstanceDied() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = started(customer);
            // another instance stored this message and began answering it, then died (its lock is free)
            long customerSeq = storeElsewhere(conversation, "customer", "refund for AB1234567 please", true, "orphaned-turn");
            customer.nextOfType("message");
            deadAnswer(conversation, customerSeq, "dead-answer-2", "I have", 987654322L);

            List<JsonNode> frames = customer.send(Map.of("type", "message", "id", "orphaned-turn", "text", "refund for AB1234567 please"))
                    .untilType("answer.end");
            assertThat(frames.get(0).path("seq").asLong()).isEqualTo(customerSeq); // the original acknowledgement
            assertThat(frames).anyMatch(f -> f.path("state").asText().equals("interrupted") && f.path("text").asText().equals("I have"));
            assertThat(frames.get(frames.size() - 1).path("intent").asText()).isEqualTo("refund_request");
        }
    }

    @Inject
    TurnService turns;

    @Test
    void anAnswerWhoseWriteFailsIsWrittenAgainAndArrivesOnceTheDatabaseTakesIt() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText();
            // the database refuses this conversation's answers for a while (as during a restart)
            sql.execute("create or replace function refuse_answer() returns trigger language plpgsql as "
                    + "$$ begin raise exception 'terminating connection due to administrator command'; end $$");
            sql.execute("create trigger refuse_answer before update on message for each row when (new.state = 'complete' "
                    + "and new.conversation_id = '" + UUID.fromString(conversation) + "') execute function refuse_answer()");
            try {
                List<JsonNode> refused = customer.send(Map.of("type", "message", "id", "during-restart", "text", "where is my order AB1234567?"))
                        .untilType("error");
                assertThat(refused.get(refused.size() - 1).path("code").asText()).isEqualTo("storage_unavailable");
                // the client resends as the protocol says: acknowledged again, nothing new stored
                assertThat(customer.send(Map.of("type", "message", "id", "during-restart", "text", "where is my order AB1234567?"))
                        .nextOfType("message").path("id").asText()).isEqualTo("during-restart");
            } finally {
                sql.execute("drop trigger refuse_answer on message");
            }
            JsonNode end = customer.nextOfType("answer.end");
            assertThat(end.path("intent").asText()).isEqualTo("order_status");
            assertThat(end.path("incomplete").isMissingNode()).isTrue();
            assertThat(sql.count("select count(*) from message where conversation_id = ?::uuid and role = 'assistant' and state = 'complete'",
                    conversation)).isEqualTo(1);
            assertThat(sql.count("select count(*) from message where conversation_id = ?::uuid and state = 'streaming'", conversation)).isZero();
            assertGapFree(conversation);
        }
    }

    @Test
    void aDeadInstancesAnswersAreSweptWhileAnotherSweepProbesTheSameInstance() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = started(customer);
            long customerSeq = storeElsewhere(conversation, "customer", "hello?", true, "probed-turn");
            customer.nextOfType("message");
            deadAnswer(conversation, customerSeq, "dead-answer-3", "Hel", 987654323L);
            // another instance's sweep is probing the same dead instance at this moment
            try (Connection other = db.getConnection()) {
                other.setAutoCommit(false);
                try (PreparedStatement probe = other.prepareStatement("select pg_try_advisory_xact_lock_shared(987654323)")) {
                    probe.executeQuery().close();
                }
                turns.sweepInterrupted(UUID.fromString(conversation));
                other.rollback();
            }
            JsonNode swept = customer.nextOfType("message");
            assertThat(swept.path("state").asText()).isEqualTo("interrupted");
            assertThat(swept.path("text").asText()).isEqualTo("Hel");
        }
    }

    @Test
    void twoSweepsAtOnceStoreAnInterruptedAnswerOnceUnderOneSeq() throws Exception {
        String conversation;
        try (ChatClient customer = ChatClient.connect(chat)) {
            conversation = started(customer);
        }
        long customerSeq = storeElsewhere(conversation, "customer", "anyone there?", false, "swept-twice");
        deadAnswer(conversation, customerSeq, "dead-answer-4", "Yes", 987654324L);
        List<Thread> sweeps = new ArrayList<>();
        try (Connection holder = db.getConnection()) {
            // both sweeps read the row, then wait for the conversation's lock
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("select 1 from conversation where id = ?::uuid for update")) {
                lock.setString(1, conversation);
                lock.executeQuery().close();
            }
            for (int i = 0; i < 2; i++) {
                Thread t = new Thread(() -> turns.sweepInterrupted(UUID.fromString(conversation)));
                t.start();
                sweeps.add(t);
            }
            Thread.sleep(500);
            holder.commit();
        }
        for (Thread t : sweeps) {
            t.join(10_000);
        }
        assertThat(sql.count("select count(*) from message where conversation_id = ?::uuid and state = 'interrupted'", conversation)).isEqualTo(1);
        assertGapFree(conversation);
    }

    /** An answer row another instance began streaming before it died (nobody holds its owner's lock). */
    private void deadAnswer(String conversation, long replyTo, String msgId, String text, long owner) throws Exception {
        sql.rows("insert into message (conversation_id, msg_id, role, text, reply_to, state, owner, created_at) "
                + "values (?::uuid, ?, 'assistant', ?, ?, 'streaming', ?, now()) returning id", conversation, msgId, text, replyTo, owner);
    }

    /** Seqs 1..last_seq, each once. */
    private void assertGapFree(String conversation) throws Exception {
        long last = sql.count("select last_seq from conversation where id = ?::uuid", conversation);
        assertThat(sql.count("select count(distinct seq) from message where conversation_id = ?::uuid and seq is not null", conversation))
                .isEqualTo(last);
        assertThat(sql.count("select count(*) from message where conversation_id = ?::uuid and seq is not null", conversation))
                .isEqualTo(last);
        assertThat(sql.count("select coalesce(max(seq), 0) from message where conversation_id = ?::uuid", conversation)).isEqualTo(last);
    }

    @Test
    void aClientThatDropsAfterEveryFrameEndsWithEveryMessageExactlyOnce() throws Exception {
        int n = 6;
        Map<String, String> pending = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            pending.put(UUID.randomUUID().toString(), "question " + i + ": where is order AB123456" + i + "?");
        }
        Set<String> acked = new HashSet<>();
        Set<Long> seen = new HashSet<>();
        int duplicates = 0;
        int answers = 0;
        int connections = 0;
        String token = null;
        long lastSeq = 0;
        while (answers < n && connections < 400) {
            try (ChatClient c = ChatClient.connect(chat)) {
                connections++;
                Map<String, Object> hello = new LinkedHashMap<>(Map.of("type", "hello"));
                if (token != null) {
                    hello.put("token", token);
                    hello.put("lastSeq", lastSeq);
                }
                JsonNode ready = c.send(hello).nextOfType("ready");
                token = ready.path("token").asText();
                // resend everything not yet acknowledged, with its original id, then take exactly one frame
                pending.forEach((id, text) -> c.send(Map.of("type", "message", "id", id, "text", text)));
                JsonNode f = c.next();
                String type = f.path("type").asText();
                if (type.equals("message") || type.equals("answer.end")) {
                    long seq = f.path("seq").asLong();
                    if (type.equals("message") && f.path("role").asText().equals("customer") && pending.remove(f.path("id").asText()) != null) {
                        acked.add(f.path("id").asText());
                    }
                    if (!seen.add(seq)) {
                        duplicates++;
                    } else if (f.path("role").asText().equals("assistant")) {
                        answers++;
                    }
                    lastSeq = Math.max(lastSeq, seq);
                }
            } // dropped
        }
        String conversation = sql.conversationOf(token);
        long stored = sql.count("select count(*) from message where conversation_id = ?::uuid and role = 'customer'", conversation);
        long storedAnswers = sql.count("select count(*) from message where conversation_id = ?::uuid and role = 'assistant' and state = 'complete'", conversation);
        System.out.printf("[durability] drop-after-every-frame: sent=%d acknowledged=%d stored=%d answers=%d connections=%d lost=%d duplicated=%d%n",
                n, acked.size(), stored, storedAnswers, connections, n - stored, stored - acked.size());
        assertThat(acked).hasSize(n);
        assertThat(stored).isEqualTo(n);
        assertThat(storedAnswers).isEqualTo(n);
        assertThat(seen).hasSize(2 * n);
        assertThat(seen).allMatch(s -> s >= 1 && s <= 2 * n);
    }

    @Test
    void inactiveConversationsAreResolvedAndANewMessageReopensThem() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "before", "text", "hello")).nextOfType("answer.end");
            sql("update conversation set updated_at = now() - interval '2 hours' where id = ?::uuid", conversation, null);
            housekeeping.sweep();
            assertThat(status(conversation)).isEqualTo("resolved");

            customer.send(Map.of("type", "message", "id", "after", "text", "are you there?")).nextOfType("answer.end");
            assertThat(status(conversation)).isEqualTo("bot");
            assertThat(events(conversation)).containsExactly("bot>resolved by system", "resolved>bot by customer");

            sql("update conversation set status = 'closed' where id = ?::uuid", conversation, null);
            JsonNode refused = customer.send(Map.of("type", "message", "id", "closed", "text", "hello?")).nextOfType("error");
            assertThat(refused.path("code").asText()).isEqualTo("conversation_closed");
        }
    }

    /** A conversation the customer has written in (so it is stored), with its first turn answered; its id. */
    private static String started(ChatClient customer) {
        String conversation = customer.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText();
        customer.send(Map.of("type", "message", "id", "opening", "text", "hello")).nextOfType("answer.end");
        return conversation;
    }

    private long storeElsewhere(String conversation, String role, String text, boolean notify) throws Exception {
        return storeElsewhere(conversation, role, text, notify, UUID.randomUUID().toString());
    }

    /** What another instance does: next seq under the row lock, insert, notify, commit. */
    private long storeElsewhere(String conversation, String role, String text, boolean notify, String msgId) throws Exception {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            long seq;
            try (PreparedStatement ps = c.prepareStatement("update conversation set last_seq = last_seq + 1 where id = ?::uuid returning last_seq")) {
                ps.setString(1, conversation);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("insert into message (conversation_id, seq, msg_id, role, text, created_at) values (?::uuid, ?, ?, ?, ?, now())")) {
                ps.setString(1, conversation);
                ps.setLong(2, seq);
                ps.setString(3, msgId);
                ps.setString(4, role);
                ps.setString(5, text);
                ps.executeUpdate();
            }
            if (notify) {
                try (PreparedStatement ps = c.prepareStatement("select pg_notify('parley_messages', ?)")) {
                    ps.setString(1, conversation + ":" + seq + ":42");
                    ps.executeQuery().close();
                }
            }
            c.commit();
            return seq;
        }
    }

    private void sql(String sql, String conversation, Object param) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, conversation);
            if (param != null) {
                ps.setObject(2, param);
            }
            ps.executeUpdate();
        }
    }


    private String status(String conversation) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("select status from conversation where id = ?::uuid")) {
            ps.setString(1, conversation);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private List<String> events(String conversation) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select from_status, to_status, actor from conversation_event where conversation_id = ?::uuid order by id")) {
            ps.setString(1, conversation);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + ">" + rs.getString(2) + " by " + rs.getString(3));
                }
            }
            return out;
        }
    }

}
