package io.parley.integration.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.answer.StructuredAnswer;
import io.parley.conversation.Channel;
import io.parley.failure.ParleyException;
import io.parley.integration.ChannelTurns;
import io.parley.integration.IntegrationConfig;
import io.parley.integration.TurnResult;
import io.parley.offline.OfflineEngine;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Works through open batch items in the background: claims a chunk, does it, records it, and goes
 * on while there is work. Answers run through {@link ChannelTurns} (the chat turn, with its limits,
 * model budget, provider bulkheads and accounting), at most {@code batch-concurrency} at once per
 * instance; each item's conversation id and message id are derived from the item, so an item taken
 * again after a restart finds its stored answer instead of asking the model twice.
 */
@ApplicationScoped
class BatchRunner {

    private static final Logger LOG = Logger.getLogger(BatchRunner.class);
    /** Offline classification costs about a millisecond: chunks this big keep the database round trips few. */
    private static final int CLASSIFY_CHUNK = 500;

    private final BatchStore store;
    private final ChannelTurns turns;
    private final OfflineEngine offline;
    private final IntegrationConfig config;
    private final ObjectMapper json;
    private final String owner = "batch-" + UUID.randomUUID();
    private final ExecutorService answers;

    BatchRunner(BatchStore store, ChannelTurns turns, OfflineEngine offline, IntegrationConfig config, ObjectMapper json) {
        this.store = store;
        this.turns = turns;
        this.offline = offline;
        this.config = config;
        this.json = json;
        this.answers = Executors.newFixedThreadPool(config.batchConcurrency(), r -> {
            Thread t = new Thread(r, "parley-batch");
            t.setDaemon(true);
            return t;
        });
    }

    @Scheduled(every = "${parley.integration.batch-poll:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void work() {
        long until = System.nanoTime() + config.batchPoll().toNanos() * 10;
        try {
            while (System.nanoTime() < until && runChunk()) {
                // the next chunk at once while there is work; the next poll picks up after a pause
            }
        } catch (RuntimeException e) {
            LOG.warnf("batch work paused, the next poll resumes it: %s", e.getMessage());
        }
    }

    /** True when a chunk was claimed (there may be more). */
    boolean runChunk() {
        List<BatchStore.Claimed> claimed = new ArrayList<>(store.claim(owner, BatchMode.CLASSIFY, CLASSIFY_CHUNK, config.batchLease()));
        claimed.addAll(store.claim(owner, BatchMode.ANSWER, config.batchConcurrency(), config.batchLease()));
        if (claimed.isEmpty()) {
            return false;
        }
        List<BatchStore.Outcome> done = new ArrayList<>(claimed.size());
        List<CompletableFuture<BatchStore.Outcome>> running = new ArrayList<>();
        for (BatchStore.Claimed item : claimed) {
            if (item.mode() == BatchMode.CLASSIFY) {
                done.add(classify(item));
            } else {
                running.add(CompletableFuture.supplyAsync(() -> answer(item), answers));
            }
        }
        running.forEach(f -> done.add(f.join()));
        store.finish(owner, done);
        return true;
    }

    private BatchStore.Outcome classify(BatchStore.Claimed item) {
        try {
            StructuredAnswer a = offline.answer(item.text(), item.locale());
            ObjectNode line = json.createObjectNode().put("id", item.itemId()).put("intent", a.intent()).put("confidence", a.confidence());
            line.set("entities", json.valueToTree(a.entities()));
            return new BatchStore.Outcome(item, true, line.toString(), null);
        } catch (RuntimeException e) {
            return failed(item, ParleyException.of(e), null);
        }
    }

    private BatchStore.Outcome answer(BatchStore.Claimed item) {
        UUID conversation = UUID.nameUUIDFromBytes(("batch:" + item.jobId() + ":" + item.line()).getBytes(StandardCharsets.UTF_8));
        String turn = "batch-" + item.line();
        try {
            turns.startWithId(conversation, Channel.BATCH, item.locale());
            TurnResult r = TurnResult.of(conversation.toString(), turn, turns.complete(conversation, turn, item.text(), "batch:" + item.jobId()));
            ObjectNode line = json.createObjectNode().put("id", item.itemId()).put("conversationId", conversation.toString());
            line.set("answer", json.valueToTree(r.answer()));
            line.put("awaitingAgent", r.awaitingAgent());
            return new BatchStore.Outcome(item, true, line.toString(), conversation);
        } catch (RuntimeException e) {
            return failed(item, ParleyException.of(e), conversation);
        }
    }

    private BatchStore.Outcome failed(BatchStore.Claimed item, ParleyException e, UUID conversation) {
        ObjectNode line = json.createObjectNode().put("id", item.itemId());
        line.putObject("error").put("code", e.code().wire).put("message", e.getMessage());
        return new BatchStore.Outcome(item, false, line.toString(), conversation);
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        answers.shutdownNow();
    }
}
