package io.parley.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A customer client that follows docs/protocol.md ("Delivery rules a client follows") and
 * docs/architecture.md ("What a client must do") to the letter, through any fault: it keeps the token
 * and the highest seq; gives each message a UUID id; on any drop reconnects (to the other instance,
 * alternating) with {@code hello {token, lastSeq}} and resends every unacknowledged message with its
 * original id; resends the same id after {@code storage_unavailable} (after {@code retryAfterMs}),
 * after {@code model_unavailable} with a turn, and after an answer stored cut short ({@code incomplete}
 * or {@code interrupted}); drops a {@code message} frame whose seq is not above the highest seen.
 * <p>
 * One thing the documents leave to the client: when an acknowledged turn has had no frame at all for
 * {@link #QUIET_RESEND} the client resends it (a resend is always safe; it is how a client notices an
 * answer whose instance died before any instance swept it). These are counted apart ({@code quietResends}).
 * <p>
 * It sends its turns one after another (the next once the previous one has its complete answer, after
 * a short pause), and records every stored message it was shown, by seq, to be compared with the
 * database afterwards.
 */
final class ProtocolClient implements Runnable {

    static final long QUIET_RESEND = 8_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    final int index;
    private final int turns;
    private final IntFunction<URI> endpoints;
    private final long deadlineNanos;
    private final AtomicInteger completedTurns;
    private final BlockingQueue<QueueingListener.Event> events = new LinkedBlockingQueue<>();

    // the client's state, as the protocol asks
    volatile String token;
    volatile String conversationId;
    long highestSeq;
    /** Every message sent, id to text, in order. */
    final Map<String, String> sent = new LinkedHashMap<>();
    /** Sent, no echo yet. */
    private final Map<String, String> unacknowledged = new LinkedHashMap<>();
    /** id to the seq its echo carried. */
    final Map<String, Long> acknowledged = new HashMap<>();
    /** ids whose complete answer arrived. */
    final Set<String> answered = new LinkedHashSet<>();
    /** id to when to resend it (an error or a cut-short answer asked for it). */
    private final Map<String, Long> resendAt = new HashMap<>();

    // what it was shown: every stored message (message or answer.end frame), by seq and by id
    final Map<Long, String> idBySeq = new HashMap<>();
    final Map<String, Long> seqById = new HashMap<>();
    /** A seq shown with two ids, or an id shown under two seqs. */
    final List<String> conflicts = new ArrayList<>();
    /** A message frame without a seq above the highest (dropped, as the protocol says). */
    int repeatsDropped;

    int resends;
    int quietResends;
    int reconnects;
    int connectFailures;
    int storageUnavailable;
    int modelUnavailable;
    int cutShortAnswers;
    int otherErrors;
    /** Errors about a turn whose complete answer this client already had (see ListenerLockLostIT). */
    int errorsForAnsweredTurns;
    final List<String> otherErrorSamples = new ArrayList<>();
    volatile boolean finished;
    volatile String failure;

    private WebSocket socket;
    private int connection;
    private boolean ready;
    private long lastFrameAt = System.nanoTime();
    private long nextTurnAt;
    private int turnsStarted;
    private long reconnectAt;
    private int backoff;

    /**
     * @param endpoints the chat URL (ws://...) for the n-th connection: alternates between instances
     */
    ProtocolClient(int index, int turns, IntFunction<URI> endpoints, long deadlineNanos, AtomicInteger completedTurns) {
        this.index = index;
        this.turns = turns;
        this.endpoints = endpoints;
        this.deadlineNanos = deadlineNanos;
        this.completedTurns = completedTurns;
    }

    @Override
    public void run() {
        try {
            nextTurnAt = System.nanoTime() + ms(ThreadLocalRandom.current().nextLong(0, 3000));
            while (!done()) {
                if (System.nanoTime() > deadlineNanos) {
                    failure = "deadline: " + summary();
                    break;
                }
                if (socket == null && System.nanoTime() >= reconnectAt) {
                    connect();
                }
                QueueingListener.Event e = events.poll(50, TimeUnit.MILLISECONDS);
                if (e != null) {
                    handle(e);
                }
                if (ready) {
                    act();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted: " + summary();
        } catch (RuntimeException e) {
            failure = "client " + index + " failed: " + e + " " + summary();
        } finally {
            finished = true;
            if (socket != null) {
                socket.abort();
            }
        }
    }

    private boolean done() {
        return turnsStarted == turns && answered.size() == turns;
    }

    String summary() {
        return "client " + index + " conversation=" + conversationId + " sent=" + sent.size() + " acknowledged=" + acknowledged.size()
                + " answered=" + answered.size() + " unacknowledged=" + unacknowledged.keySet() + " waiting-resend=" + resendAt.keySet()
                + " highestSeq=" + highestSeq + " connected=" + (socket != null) + " ready=" + ready;
    }

    private void connect() {
        int n = reconnects + connectFailures;
        URI uri = endpoints.apply(index + n); // clients start spread over the instances, then alternate
        int id = ++connection;
        ready = false;
        try {
            socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(3))
                    .buildAsync(uri, new QueueingListener(id, events)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            socket = null;
            connectFailures++;
            retryConnectLater();
            return;
        }
        if (token != null) {
            reconnects++;
        }
        ObjectNode hello = JSON.createObjectNode().put("type", "hello").put("locale", "en");
        if (token != null) {
            hello.put("token", token).put("lastSeq", highestSeq);
        }
        send(hello);
        lastFrameAt = System.nanoTime();
    }

    private void retryConnectLater() {
        backoff = Math.min(backoff + 1, 5);
        long delay = Math.min(2000, 100L << backoff);
        reconnectAt = System.nanoTime() + ms(delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1));
    }

    private void dropped() {
        if (socket != null) {
            socket.abort();
        }
        socket = null;
        ready = false;
        retryConnectLater();
    }

    private boolean send(JsonNode frame) {
        if (socket == null) {
            return false;
        }
        try {
            socket.sendText(frame.toString(), true).get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            dropped();
            return false;
        }
    }

    private boolean sendMessage(String id) {
        return send(JSON.createObjectNode().put("type", "message").put("id", id).put("text", sent.get(id)));
    }

    /** Resends due, the next turn when its time has come, a quiet turn resent. */
    private void act() {
        long now = System.nanoTime();
        for (var it = resendAt.entrySet().iterator(); it.hasNext() && socket != null; ) {
            Map.Entry<String, Long> r = it.next();
            if (answered.contains(r.getKey())) {
                it.remove();
            } else if (now >= r.getValue()) {
                it.remove();
                resends++;
                sendMessage(r.getKey());
            }
        }
        if (socket == null) {
            return;
        }
        if (turnsStarted < turns && answered.size() == turnsStarted && now >= nextTurnAt) {
            String id = UUID.randomUUID().toString();
            int t = turnsStarted++;
            sent.put(id, "Where is my order CH" + (1_000_000 + index * 100 + t) + "? Conversation " + index + ", question " + (t + 1) + ".");
            unacknowledged.put(id, sent.get(id));
            lastFrameAt = now;
            sendMessage(id);
            return;
        }
        if (now - lastFrameAt > ms(QUIET_RESEND)) {
            lastFrameAt = now;
            for (String id : sent.keySet()) {
                if (!answered.contains(id) && !resendAt.containsKey(id)) {
                    quietResends++;
                    sendMessage(id);
                }
            }
        }
    }

    private void handle(QueueingListener.Event e) {
        if (e.connection() != connection) {
            return; // an earlier socket's last words
        }
        if (e.closed() != null) {
            dropped();
            return;
        }
        lastFrameAt = System.nanoTime();
        JsonNode f = e.frame();
        switch (f.path("type").asText()) {
            case "ready" -> {
                if (conversationId != null && !conversationId.equals(f.path("conversationId").asText())) {
                    failure = "client " + index + ": the token opened another conversation " + f;
                }
                conversationId = f.path("conversationId").asText();
                token = f.path("token").asText();
                ready = true;
                backoff = 0;
                // every unacknowledged message, with its original id
                for (String id : unacknowledged.keySet()) {
                    resends++;
                    sendMessage(id);
                }
            }
            case "message" -> stored(f, false);
            case "answer.end" -> stored(f, true);
            case "error" -> error(f);
            default -> {
                // answer.start, answer.delta, typing: nothing to keep
            }
        }
    }

    private void stored(JsonNode f, boolean answerEnd) {
        long seq = f.path("seq").asLong(-1);
        String id = f.path("id").asText();
        if (seq <= 0 || id.isEmpty()) {
            conflicts.add("a stored message without seq or id: " + f);
            return;
        }
        String before = idBySeq.putIfAbsent(seq, id);
        if (before != null && !before.equals(id)) {
            conflicts.add("seq " + seq + " shown as " + before + " and as " + id);
        }
        Long seqBefore = seqById.putIfAbsent(id, seq);
        if (seqBefore != null && seqBefore != seq) {
            conflicts.add("id " + id + " shown under seq " + seqBefore + " and " + seq);
        }
        String role = f.path("role").asText();
        if ("customer".equals(role) && unacknowledged.remove(id) != null) {
            acknowledged.put(id, seq); // a resend's echo may repeat a seq on purpose: it still acknowledges the id
        }
        if (!answerEnd && seq <= highestSeq) {
            repeatsDropped++;
            return;
        }
        highestSeq = Math.max(highestSeq, seq);
        if (!"assistant".equals(role)) {
            return;
        }
        String turn = answerEnd ? f.path("turn").asText() : turnOf(f.path("replyTo").asLong());
        if (turn == null || !sent.containsKey(turn)) {
            conflicts.add("an answer to a message this client did not send: " + f);
            return;
        }
        String state = f.path("state").asText("complete");
        boolean cutShort = f.path("incomplete").asBoolean(false) || "incomplete".equals(state) || "interrupted".equals(state);
        if (!cutShort) {
            if (answered.add(turn)) {
                completedTurns.incrementAndGet();
                resendAt.remove(turn);
                nextTurnAt = System.nanoTime() + ms(ThreadLocalRandom.current().nextLong(1000, 4000));
            }
        } else if (!answered.contains(turn)) {
            cutShortAnswers++;
            resendAt.merge(turn, System.nanoTime() + ms(200), Math::min); // retry the turn: resend its message
        }
    }

    private String turnOf(long replyTo) {
        for (Map.Entry<String, Long> a : acknowledged.entrySet()) {
            if (a.getValue() == replyTo) {
                return a.getKey();
            }
        }
        return idBySeq.get(replyTo);
    }

    private void error(JsonNode f) {
        String code = f.path("code").asText();
        String turn = f.path("turn").isTextual() ? f.path("turn").asText() : null;
        long retryAfter = f.path("retryAfterMs").asLong(500);
        if (turn != null && answered.contains(turn)) {
            errorsForAnsweredTurns++;
        }
        switch (code) {
            case "storage_unavailable" -> storageUnavailable++;
            case "model_unavailable" -> modelUnavailable++;
            default -> {
                otherErrors++;
                if (otherErrorSamples.size() < 5) {
                    otherErrorSamples.add(f.toString());
                }
            }
        }
        if (!ready) {
            // the hello was not served (the database is away): a new connection, a new hello
            dropped();
            reconnectAt = System.nanoTime() + ms(retryAfter);
            return;
        }
        if (turn != null && sent.containsKey(turn) && !answered.contains(turn)
                && (code.equals("storage_unavailable") || code.equals("model_unavailable") || code.equals("internal"))) {
            resendAt.merge(turn, System.nanoTime() + ms(retryAfter), Math::min);
        }
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
