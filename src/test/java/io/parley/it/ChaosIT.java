package io.parley.it;

import io.parley.testing.FakeDeepSeek;
import io.parley.testing.Sql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos at the process level: two packaged Parley instances on one PostgreSQL, a few hundred turns
 * from clients that follow the protocol's delivery rules ({@link ProtocolClient}), and meanwhile every
 * socket of one instance killed ({@code ss -K}), {@code kill -9} of the other and its restart, the
 * database stopped and started while answers stream, the model dropping a share of its streams (before
 * and after the answer text started), and the model server closing idle kept-alive connections. Then
 * the database is checked row by row: every sent id stored once, exactly one complete answer per
 * customer message, nothing left streaming, seqs 1..last_seq without gaps, and what each client was
 * shown is what is stored. Prints {@code [chaos] ...} counts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChaosIT {

    private static final int CONVERSATIONS = 40;
    private static final int TURNS = 8;
    /** The clients give up after this (the test then fails with their counts). */
    private static final long LOAD_DEADLINE_S = 150;
    /** How long answers left streaming after the load may take to be swept (sweep-every is 3 s here). */
    private static final long SETTLE_S = 30;

    /** The answer the fake model streams: long enough (about 2 s) for faults to land mid-text. */
    static final String ANSWER_TEXT = "Your order has left our warehouse and is on its way. Parcels usually arrive within two to three "
            + "working days; you will get an e-mail with the tracking link as soon as the carrier scans it. If it has not arrived "
            + "by Friday, write to us here and we will look into it straight away. 你好，订单已发货。";
    static final String ANSWER = "{\"intent\": \"order_status\", \"confidence\": 0.9, \"entities\": [], \"sentiment\": \"neutral\", "
            + "\"handoff\": false, \"suggestions\": [\"Can I change the address?\"], \"answer\": \"" + ANSWER_TEXT + "\"}";
    /** A share of streams breaks before the answer text (the client retries the model) or in the middle of it (incomplete). */
    private static final double BREAK_BEFORE_TEXT = 0.05;
    private static final double BREAK_MID_TEXT = 0.05;

    private final ItDatabase db = new ItDatabase("chaos");
    private final Sql sql = db.sql();
    private final long started = System.nanoTime();
    private FakeDeepSeek fake;
    private ParleyProcess a;
    private ParleyProcess b;
    private final List<String> faults = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        fake = FakeDeepSeek.startNew();
        int textStarts = ANSWER.indexOf(ANSWER_TEXT);
        fake.replyWith(() -> {
            double r = ThreadLocalRandom.current().nextDouble();
            String content = r < BREAK_BEFORE_TEXT ? ANSWER.substring(0, textStarts / 2)
                    : r < BREAK_BEFORE_TEXT + BREAK_MID_TEXT ? ANSWER.substring(0, textStarts + ANSWER_TEXT.length() / 2)
                    : ANSWER;
            return FakeDeepSeek.Reply.stream(content, 4, 160, content == ANSWER).paced(12);
        });
        fake.closeIdleConnectionsAfter(2000);
        fake.closeReusedConnections(0.1);
        db.start();
        Map<String, String> env = db.instanceEnv("chaos", fake.port(), Map.of(
                "PARLEY_LLM_RETRY_INITIAL_BACKOFF", "50ms",
                "PARLEY_CHAT_CATCH_UP_EVERY", "2s",
                "PARLEY_CONVERSATION_SWEEP_EVERY", "3s",
                // the breaker looks at 20 calls, not 6, and opens at 75 % failures: the streams broken on purpose
                // here (10 %) and the bursts of stale kept-alive connections after a kill (each counts as a
                // failure) must not turn the run into offline answers, or no answer would stream when faults land
                "PARLEY_LLM_CIRCUIT_BREAKER_REQUEST_VOLUME", "20",
                "PARLEY_LLM_CIRCUIT_BREAKER_FAILURE_RATIO", "0.75"));
        a = new ParleyProcess("chaos-a", env);
        b = new ParleyProcess("chaos-b", env);
        a.start();
        b.start();
        System.out.printf("[chaos] started: postgres :%d, instance a :%d, instance b :%d, fake model :%d in %d s%n",
                db.port(), a.port, b.port, fake.port(), elapsedS());
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
    void everyTurnStoredOnceAndAnsweredOnceThroughKillsRestartsAndCutSockets() throws Exception {
        long loadStarted = System.nanoTime();
        long deadline = loadStarted + TimeUnit.SECONDS.toNanos(LOAD_DEADLINE_S);
        AtomicInteger completed = new AtomicInteger();
        int total = CONVERSATIONS * TURNS;
        progress = completed;
        totalTurns = total;
        List<ProtocolClient> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CONVERSATIONS; i++) {
            ProtocolClient c = new ProtocolClient(i, TURNS, n -> ws(n % 2 == 0 ? a : b), deadline, completed);
            clients.add(c);
            Thread t = new Thread(c, "chaos-client-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }

        // the faults, each at a point of the load (a share of turns answered), one after another
        BooleanSupplier loadGone = () -> clients.stream().allMatch(c -> c.finished);
        awaitProgress(completed, total / 10, loadGone);
        cutSockets(b);
        awaitProgress(completed, total / 4, loadGone);
        awaitStreaming(5000);
        fault("database stopped (fast) with " + sql.count("select count(*) from message where state = 'streaming'") + " answers streaming");
        db.stop();
        ParleyProcess.sleep(3000);
        db.start();
        fault("database started again");
        awaitProgress(completed, total * 7 / 20, loadGone);
        fault("kill -9 instance a");
        a.kill9();
        // it restarts while the load goes on (its start takes a while on a busy machine)
        Thread restart = new Thread(() -> {
            try {
                ParleyProcess.sleep(1000);
                a.start();
                fault("instance a restarted");
            } catch (IOException | RuntimeException e) {
                fault("instance a did not restart: " + e);
            }
        }, "chaos-restart-a");
        restart.start();
        restart.join(90_000);
        // every client is on b since a died: cutting b's sockets sends half of them to the restarted a
        awaitProgress(completed, total * 3 / 4, loadGone);
        cutSockets(b);

        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 5000));
        }
        long loadS = (System.nanoTime() - loadStarted) / 1_000_000_000;

        // answers still streaming (an instance gave up writing one, or a dead one's not swept yet) must be swept
        long settleStarted = System.nanoTime();
        long streamingLeft = sql.count("select count(*) from message where state = 'streaming'");
        while (streamingLeft > 0 && System.nanoTime() - settleStarted < TimeUnit.SECONDS.toNanos(SETTLE_S)) {
            ParleyProcess.sleep(500);
            streamingLeft = sql.count("select count(*) from message where state = 'streaming'");
        }
        long settleS = (System.nanoTime() - settleStarted) / 1_000_000_000;

        Report r = check(clients, streamingLeft);
        System.out.printf("[chaos] conversations=%d sent=%d stored=%d complete-answers=%d streaming-left=%d seq-gaps=%d "
                        + "duplicate-deliveries=%d resends=%d reconnects=%d storage-unavailable=%d model-unavailable=%d elapsed-s=%d%n",
                r.conversations, r.sent, r.stored, r.completeAnswers, streamingLeft, r.seqGaps, r.duplicateDeliveries,
                sum(clients, c -> c.resends), sum(clients, c -> c.reconnects), sum(clients, c -> c.storageUnavailable),
                sum(clients, c -> c.modelUnavailable), elapsedS());
        System.out.printf("[chaos] details: load-s=%d settle-s=%d answered-by-clients=%d/%d lost=%d duplicated-rows=%d unknown-rows=%d "
                        + "customers-without-complete-answer=%d customers-with-two-complete-answers=%d incomplete-rows=%d interrupted-rows=%d "
                        + "model-answers=%d offline-answers=%d model-answers-with-wrong-text=%d missed-deliveries=%d "
                        + "shown-not-as-stored=%d repeats-dropped=%d quiet-resends=%d connect-failures=%d cut-short-shown=%d "
                        + "other-errors=%d errors-for-answered-turns=%d idle-model-connections-closed=%d reused-model-connections-closed=%d model-requests=%d%n",
                loadS, settleS, completed.get(), total, r.lost, r.duplicatedRows, r.unknownRows, r.withoutAnswer, r.twoAnswers,
                r.incompleteRows, r.interruptedRows, r.modelAnswers, r.offlineAnswers, r.wrongText, r.missedDeliveries, r.shownNotAsStored,
                sum(clients, c -> c.repeatsDropped), sum(clients, c -> c.quietResends), sum(clients, c -> c.connectFailures),
                sum(clients, c -> c.cutShortAnswers), sum(clients, c -> c.otherErrors), sum(clients, c -> c.errorsForAnsweredTurns), fake.idleConnectionsClosed(), fake.reusedConnectionsClosed(), fake.requests().size());
        System.out.printf("[chaos] faults: %s%n", String.join("; ", faults));
        List<String> problems = new ArrayList<>(r.problems);
        for (ProtocolClient c : clients) {
            if (c.failure != null) {
                problems.add(c.failure);
            }
            c.conflicts.forEach(x -> problems.add("client " + c.index + ": " + x));
            c.otherErrorSamples.forEach(x -> problems.add("client " + c.index + " error: " + x));
        }
        problems.stream().limit(40).forEach(p -> System.out.println("[chaos] problem: " + p));

        assertThat(clients).allSatisfy(c -> assertThat(c.failure).as("client %d", c.index).isNull());
        assertThat(r.lost).as("sent ids not stored").isZero();
        assertThat(r.stored).as("customer rows").isEqualTo(r.sent);
        assertThat(r.unknownRows).as("customer rows nobody sent").isZero();
        assertThat(r.completeAnswers).as("customer messages with exactly one complete answer").isEqualTo(r.sent);
        assertThat(streamingLeft).as("answers left streaming").isZero();
        assertThat(r.seqGaps).as("seq gaps or repeats").isZero();
        assertThat(r.duplicateDeliveries).as("a message shown under two seqs, or two messages under one").isZero();
        assertThat(r.shownNotAsStored).as("seqs shown with another id than stored").isZero();
        assertThat(r.missedDeliveries).as("stored messages a client never received").isZero();
        assertThat(r.wrongText).as("complete model answers whose text is not the model's").isZero();
    }

    /** What the database holds, against what the clients sent and were shown. */
    private Report check(List<ProtocolClient> clients, long streamingLeft) throws Exception {
        Report r = new Report();
        Map<String, Long> lastSeq = new HashMap<>();
        for (Map<String, Object> row : sql.rows("select id::text as id, last_seq from conversation")) {
            lastSeq.put((String) row.get("id"), ((Number) row.get("last_seq")).longValue());
        }
        // conversation -> seq -> msg_id, customers by (conversation, msg_id), complete answers by (conversation, reply_to)
        Map<String, Map<Long, String>> stored = new HashMap<>();
        Map<String, Map<Long, Integer>> seqCounts = new HashMap<>();
        Map<String, Integer> customerRows = new HashMap<>();
        Map<String, Long> customerSeq = new HashMap<>();
        Map<String, Integer> completeByReply = new HashMap<>();
        for (Map<String, Object> row : sql.rows("select conversation_id::text as c, seq, msg_id, role, state, reply_to, text, source from message")) {
            String c = (String) row.get("c");
            Long seq = row.get("seq") == null ? null : ((Number) row.get("seq")).longValue();
            String role = (String) row.get("role");
            String state = (String) row.get("state");
            if (seq != null) {
                stored.computeIfAbsent(c, k -> new HashMap<>()).put(seq, (String) row.get("msg_id"));
                seqCounts.computeIfAbsent(c, k -> new HashMap<>()).merge(seq, 1, Integer::sum);
            }
            if ("customer".equals(role)) {
                customerRows.merge(c + "/" + row.get("msg_id"), 1, Integer::sum);
                customerSeq.put(c + "/" + row.get("msg_id"), seq);
            } else if ("assistant".equals(role) && "complete".equals(state)) {
                completeByReply.merge(c + "/" + row.get("reply_to"), 1, Integer::sum);
                if ("model".equals(row.get("source"))) {
                    r.modelAnswers++;
                    if (!ANSWER_TEXT.equals(row.get("text"))) {
                        r.wrongText++;
                        r.problems.add("complete model answer with other text in " + c + " seq " + seq + ": " + row.get("text"));
                    }
                } else {
                    r.offlineAnswers++;
                }
            } else if ("incomplete".equals(state)) {
                r.incompleteRows++;
            } else if ("interrupted".equals(state)) {
                r.interruptedRows++;
            }
        }
        Set<String> sentKeys = new HashSet<>();
        for (ProtocolClient c : clients) {
            if (c.conversationId == null) {
                r.problems.add("client " + c.index + " never opened a conversation");
                r.sent += c.sent.size();
                r.lost += c.sent.size();
                continue;
            }
            r.conversations++;
            for (String id : c.sent.keySet()) {
                String key = c.conversationId + "/" + id;
                sentKeys.add(key);
                r.sent++;
                int rows = customerRows.getOrDefault(key, 0);
                if (rows == 0) {
                    r.lost++;
                    r.problems.add("lost: " + key);
                    continue;
                }
                r.stored++;
                r.duplicatedRows += rows - 1;
                int answers = completeByReply.getOrDefault(c.conversationId + "/" + customerSeq.get(key), 0);
                if (answers == 1) {
                    r.completeAnswers++;
                } else if (answers == 0) {
                    r.withoutAnswer++;
                    r.problems.add("no complete answer: " + key + " seq " + customerSeq.get(key));
                } else {
                    r.twoAnswers++;
                    r.problems.add(answers + " complete answers: " + key + " seq " + customerSeq.get(key));
                }
            }
            // what this client was shown is what is stored, and it was shown everything up to its highest seq
            Map<Long, String> rows = stored.getOrDefault(c.conversationId, Map.of());
            r.duplicateDeliveries += c.conflicts.size();
            for (Map.Entry<Long, String> shown : c.idBySeq.entrySet()) {
                if (!shown.getValue().equals(rows.get(shown.getKey()))) {
                    r.shownNotAsStored++;
                    r.problems.add("client " + c.index + " was shown seq " + shown.getKey() + " as " + shown.getValue()
                            + ", stored: " + rows.get(shown.getKey()));
                }
            }
            for (long s = 1; s <= c.highestSeq; s++) {
                if (!c.idBySeq.containsKey(s)) {
                    r.missedDeliveries++;
                    r.problems.add("client " + c.index + " never received seq " + s + " (highest " + c.highestSeq + ")");
                }
            }
        }
        for (String key : customerRows.keySet()) {
            if (!sentKeys.contains(key)) {
                r.unknownRows++;
                r.problems.add("customer row nobody sent: " + key);
            }
        }
        // seqs 1..last_seq, each once, in every conversation
        for (Map.Entry<String, Long> conv : lastSeq.entrySet()) {
            Map<Long, Integer> counts = seqCounts.getOrDefault(conv.getKey(), Map.of());
            TreeSet<Long> problemsHere = new TreeSet<>();
            for (long s = 1; s <= conv.getValue(); s++) {
                if (counts.getOrDefault(s, 0) != 1) {
                    problemsHere.add(s);
                }
            }
            counts.keySet().stream().filter(s -> s < 1 || s > conv.getValue()).forEach(problemsHere::add);
            if (!problemsHere.isEmpty()) {
                r.seqGaps += problemsHere.size();
                r.problems.add("conversation " + conv.getKey() + " last_seq " + conv.getValue() + ": seqs missing or repeated " + problemsHere);
            }
        }
        if (streamingLeft > 0) {
            sql.rows("select conversation_id::text as c, id, reply_to, owner, created_at from message where state = 'streaming'")
                    .forEach(row -> r.problems.add("left streaming: " + row));
        }
        return r;
    }

    private static final class Report {
        int conversations;
        int sent;
        int stored;
        int lost;
        int duplicatedRows;
        int unknownRows;
        int completeAnswers;
        int withoutAnswer;
        int twoAnswers;
        int incompleteRows;
        int interruptedRows;
        int modelAnswers;
        int offlineAnswers;
        int wrongText;
        int seqGaps;
        int duplicateDeliveries;
        int shownNotAsStored;
        int missedDeliveries;
        final List<String> problems = new ArrayList<>();
    }

    /** Kills every TCP socket to and from the instance's port, both ends (as root: {@code ss -K}). */
    private void cutSockets(ParleyProcess p) throws IOException, InterruptedException {
        int killed = 0;
        for (String filter : new String[] {"dport = :" + p.port, "sport = :" + p.port}) {
            List<String> command = new ArrayList<>(List.of("ss", "-K", "-t", "-n", filter.startsWith("d") ? "dst" : "src", "127.0.0.1"));
            command.addAll(List.of(filter.split(" ")));
            Process ss = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (ss.waitFor() != 0) {
                throw new IllegalStateException("ss -K failed: " + out);
            }
            killed += (int) out.lines().filter(l -> l.contains(":" + p.port)).count();
        }
        fault("every socket of instance " + p.name + " killed (" + killed + " sockets)");
    }

    private void awaitProgress(AtomicInteger completed, int turns, BooleanSupplier gone) {
        while (completed.get() < turns && !gone.getAsBoolean()) {
            ParleyProcess.sleep(50);
        }
    }

    private void awaitStreaming(long millis) throws Exception {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < until && sql.count("select count(*) from message where state = 'streaming'") == 0) {
            ParleyProcess.sleep(20);
        }
    }

    private volatile AtomicInteger progress;
    private int totalTurns;

    private void fault(String what) {
        String line = String.format("t=%ds %s (answered %s/%d)", elapsedS(), what, progress == null ? "-" : progress.get(), totalTurns);
        faults.add(line);
        System.out.println("[chaos] fault " + line);
    }

    private long elapsedS() {
        return (System.nanoTime() - started) / 1_000_000_000;
    }

    private static int sum(List<ProtocolClient> clients, java.util.function.ToIntFunction<ProtocolClient> f) {
        return clients.stream().mapToInt(f).sum();
    }

    private static URI ws(ParleyProcess p) {
        return URI.create(p.http().toString().replaceFirst("^http", "ws"));
    }


}
