package io.parley.chat;

import io.parley.answer.AnswerEvent;
import io.parley.answer.CallStats;
import io.parley.answer.Grounding;
import io.parley.answer.ModelAttempt;
import io.parley.answer.StructuredAnswer;
import io.parley.conversation.HistoryItem;
import io.parley.conversation.Message;
import io.parley.conversation.MessageState;
import io.parley.conversation.TurnStore;
import io.parley.failure.ErrorCode;
import io.parley.failure.LogFields;
import io.parley.failure.ParleyException;
import io.parley.lifecycle.Handoff;
import io.parley.llm.AnswerInterruptedException;
import io.parley.llm.Accounting;
import io.parley.llm.LlmConfig;
import io.parley.llm.ModelRouter;
import io.parley.knowledge.Knowledge;
import io.vertx.core.Vertx;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One customer turn: store the message, acknowledge it with its stored echo, reserve the answer
 * (a {@code streaming} row: one per turn across every instance), stream it (model or offline) to
 * every connection of the conversation, then store it and send {@code answer.end}. Database work
 * runs on worker threads and is short; nothing waits on the model.
 */
@ApplicationScoped
public class TurnService {

    private static final Logger LOG = Logger.getLogger(TurnService.class);

    private final TurnStore store;
    private final ConversationHub hub;
    private final Frames frames;
    private final ModelRouter router;
    private final LlmConfig llm;
    private final ChatConfig chat;
    private final Vertx vertx;
    private final Handoff handoff;
    private final Accounting accounting;
    @Inject TurnTelemetry telemetry;
    @Inject Knowledge knowledge;
    /** Answers streaming on this instance, by reserved row id. */
    private final Map<Long, ActiveTurn> active = new ConcurrentHashMap<>();

    TurnService(TurnStore store, ConversationHub hub, Frames frames, ModelRouter router, LlmConfig llm, ChatConfig chat,
                Vertx vertx, Handoff handoff, Accounting accounting) {
        this.handoff = handoff;
        this.accounting = accounting;
        this.chat = chat;
        this.vertx = vertx;
        this.store = store;
        this.hub = hub;
        this.frames = frames;
        this.router = router;
        this.llm = llm;
    }

    /**
     * Stores {@code message {id, text}} (on a worker thread), acknowledges it with its stored echo,
     * and answers it when the bot has the conversation. A resend of a known id gets the original
     * acknowledgement and answer: never a second row or model call.
     */
    public void onMessage(FrameSink connection, Session session, String turn, String text) {
        // every line of the turn carries its ids, here and wherever its work goes on
        LogFields.turn(turn, session.conversationId(), () -> receive(connection, session, turn, text)).run();
    }

    private void receive(FrameSink connection, Session session, String turn, String text) {
        telemetry.messageIn(turn);
        TurnStore.Accepted accepted;
        try {
            accepted = store.accept(session.conversationId(), turn, text, llm.historyMessages());
        } catch (RuntimeException e) {
            ParleyException failure = ParleyException.of(e);
            if (failure.code() == ErrorCode.INTERNAL) {
                LOG.errorf(e, "request_id=%s message not stored", turn);
            } else {
                LOG.warnf("request_id=%s error_type=%s resolution=\"client told\" detail=\"%s\"", turn, failure.code().wire, e.getMessage());
            }
            hub.send(connection, frames.error(failure, turn));
            return;
        }
        Message customer = accepted.customer();
        if (accepted.duplicate()) {
            hub.sendStored(connection, session.subscriber(), customer, frames.message(customer));
            if (accepted.answer() != null) {
                hub.sendStored(connection, session.subscriber(), accepted.answer(), frames.answerEnd(turn, accepted.answer()));
                return;
            }
            // a retry: if the answer was left streaming by an instance that died, store it as interrupted first
            sweepInterrupted(session.conversationId());
        } else {
            // the echo is the acknowledgement: sent only now that the row is committed, before any answer frame
            hub.deliver(session.conversationId(), customer, frames.message(customer));
        }
        if (accepted.status().botAnswers() && customer.attachment == null) {
            // a resend: only if no answer is stored or streaming anywhere; a photo only from its upload (ImageTurns)
            answer(session.conversationId(), session.locale(), customer, accepted.reserved(), accepted.history(), accepted.priority(), null);
        }
    }

    /** @param image the turn's image and what is said when no model could see it (see {@link ImageTurns}); null for text */
    void answer(UUID conversationId, String locale, Message customer, Long reservedRow, List<HistoryItem> history, boolean priority,
                ImageTurns.Image image) {
        Long reserved = reservedRow != null ? reservedRow : store.beginAnswer(conversationId, customer.seq);
        if (reserved == null) {
            return; // already answered or being answered (here or on another instance)
        }
        ActiveTurn t = new ActiveTurn(reserved, conversationId, customer, deltas(conversationId, customer.msgId),
                Clarification.lastAnswerUnsure(history, chat.lowConfidence()));
        t.unseen = image == null ? null : image.unseen();
        t.grounding = image == null ? knowledge.ground(customer.text) : Grounding.NONE;
        active.put(reserved, t);
        t.subscription = router.answer(new ModelRouter.Turn(conversationId, customer.msgId, customer.seq, customer.text,
                        locale, history, priority, t.grounding, image == null ? List.of() : List.of(image.image())))
                .subscribe().with(LogFields.turn(customer.msgId, conversationId, (AnswerEvent event) -> onEvent(t, event)),
                        LogFields.turn(customer.msgId, conversationId, (Throwable failure) -> onFailure(t, failure)));
    }

    private DeltaCoalescer deltas(UUID conversationId, String turn) {
        return new DeltaCoalescer(chat.deltaCoalesce().toNanos(),
                text -> hub.broadcast(conversationId, frames.answerDelta(turn, text)),
                (delayMs, task) -> vertx.setTimer(delayMs, id -> task.run()), System::nanoTime);
    }

    private void onEvent(ActiveTurn t, AnswerEvent event) {
        String turn = t.customer.msgId;
        if (event instanceof AnswerEvent.Head h) {
            t.deltas.flush();
            // a second unsure answer in a row: the customer gets a clarifying question instead of another guess
            // (never instead of what a vision model said about a photo)
            t.clarify = t.unseen == null && t.lastAnswerUnsure && h.confidence() < chat.lowConfidence();
            hub.broadcast(t.conversationId, frames.answerStart(turn, h.intent(), h.confidence(), h.entities()));
        } else if (event instanceof AnswerEvent.Status status) {
            t.deltas.flush();
            hub.broadcast(t.conversationId, frames.answerStatus(turn, status.text()));
        } else if (event instanceof AnswerEvent.Text text) {
            if (t.clarify) {
                return;
            }
            t.append(text.text());
            t.deltas.add(text.text());
            long now = System.nanoTime();
            if (now - t.lastSave > chat.partialSaveEvery().toNanos()) {
                t.lastSave = now; // keep what the customer has seen, in case this process dies
                onWorker(() -> savePartial(t));
            }
        } else if (event instanceof AnswerEvent.Done d) {
            t.deltas.flush(); // every delta before answer.end
            // a cut (max_tokens) or filtered answer is stored as incomplete, with a retry offered
            if (t.clarify) {
                StructuredAnswer question = Clarification.of(d.answer(), t.customer.text);
                t.append(question.answer());
                hub.broadcast(t.conversationId, frames.answerDelta(turn, question.answer()));
                onWorker(() -> finish(t, question, d.stats(), d.attempt(), MessageState.COMPLETE, null));
                return;
            }
            boolean cut = d.truncated();
            if (cut && t.unseen != null) { // a photo cannot be retried by resending it: what was shown is its answer, a person looks
                onWorker(() -> finish(t, d.answer().handedOver(), d.stats(), d.attempt(), MessageState.COMPLETE, null));
                return;
            }
            onWorker(() -> finish(t, d.answer(), d.stats(), d.attempt(), cut ? MessageState.INCOMPLETE : MessageState.COMPLETE,
                    cut ? "The answer was cut short. Send the same message again to retry this turn." : null));
        }
    }

    private void onFailure(ActiveTurn t, Throwable failure) {
        t.deltas.flush();
        String turn = t.customer.msgId;
        String seen = t.text();
        if (seen.isEmpty() && t.unseen != null) {
            // no model saw the image: the honest reply (a person will look), whose flag hands the conversation over
            onWorker(() -> finish(t, t.unseen, CallStats.offline(null, null), null, MessageState.COMPLETE, null));
            return;
        }
        if (seen.isEmpty()) {
            LOG.warnf("request_id=%s conversation=%s error_type=%s resolution=\"customer told to retry\" detail=\"%s\"",
                    turn, t.conversationId, failure.getClass().getSimpleName(), failure.getMessage());
            onWorker(() -> {
                if (claim(t)) {
                    active.remove(t.answerId);
                    try {
                        store.abandonAnswer(t.answerId);
                    } catch (RuntimeException e) {
                        // the row stays streaming; the sweep stores it as interrupted once this instance is gone
                        LOG.warnf("request_id=%s reserved answer not released: %s", turn, e.getMessage());
                    }
                }
                hub.broadcast(t.conversationId, frames.error(ErrorCode.MODEL_UNAVAILABLE,
                        "No answer could be produced right now. Send the same message again to retry.", turn, 2000L));
            });
            return;
        }
        // text already reached the customer: never retry silently, store what arrived
        // what was shown, with the intent and entities the stream had given (not unknown)
        StructuredAnswer shown = failure instanceof AnswerInterruptedException i && i.partial() != null ? i.partial() : StructuredAnswer.cutShort(seen);
        CallStats stats = failure instanceof AnswerInterruptedException i ? i.stats() : CallStats.unaccounted();
        if (t.unseen != null) {
            onWorker(() -> finish(t, shown.handedOver(), stats, null, MessageState.COMPLETE, null));
            return;
        }
        onWorker(() -> finish(t, shown, stats, null, MessageState.INCOMPLETE,
                "The answer was interrupted. Send the same message again to retry this turn."));
    }

    private void savePartial(ActiveTurn t) {
        try {
            if (!t.finished) {
                store.savePartial(t.customer.conversationId, t.answerId, t.text());
            }
        } catch (RuntimeException e) {
            LOG.warnf("request_id=%s partial answer not saved (the next save or the end stores it): %s", t.customer.msgId, e.getMessage());
        }
    }

    private synchronized boolean claim(ActiveTurn t) {
        if (t.finished) {
            return false;
        }
        t.finished = true;
        return true;
    }

    private void finish(ActiveTurn t, StructuredAnswer a, CallStats s, ModelAttempt attempt, MessageState state, String errorText) {
        if (!claim(t)) {
            if (attempt != null) {
                accounting.store(attempt); // already stored (graceful shutdown got there first); the request still counts
            }
            return;
        }
        Message m = new Message();
        m.conversationId = t.conversationId;
        m.replyTo = t.customer.seq;
        m.state = state;
        m.text = a.answer();
        m.intent = a.intent();
        m.intentSource = a.intentSource();
        m.confidence = a.confidence();
        m.entities = a.entities();
        m.suggestions = a.suggestions();
        m.sentiment = a.sentiment();
        m.handoff = a.handoff();
        m.source = s.source();
        m.provider = s.provider();
        m.model = s.model();
        m.usage = s.usage();
        m.sources = Knowledge.sources(t.grounding, s.source(), a.answer());
        m.passages = Knowledge.passagesUsed(t.grounding, s.source());
        store(t, m, attempt, errorText, 0);
    }

    /**
     * Writes the finished answer into its reserved row. When the write fails (the database is away),
     * the customer is told at once and the write is tried again with backoff while the answer is
     * still in memory, for up to {@code parley.chat.answer-write-retry}: a resend meanwhile gets the
     * acknowledgement, and the answer follows once it is stored. After that the row is left to the
     * sweep, which stores it as interrupted so that a resend answers the turn again.
     */
    private void store(ActiveTurn t, Message m, ModelAttempt attempt, String errorText, int tries) {
        String turn = t.customer.msgId;
        Message stored;
        try {
            stored = store.completeAnswer(t.answerId, m, attempt);
        } catch (RuntimeException e) {
            ParleyException failure = ParleyException.of(e);
            if (tries == 0) {
                t.giveUpWritingAt = System.nanoTime() + chat.answerWriteRetry().toNanos();
            }
            long delay = Math.min(8000, 500L << Math.min(tries, 4));
            boolean again = System.nanoTime() + delay * 1_000_000L < t.giveUpWritingAt;
            LOG.warnf("request_id=%s error_type=%s resolution=\"%s\" detail=\"%s\"", turn, failure.code().wire,
                    again ? "write retried in " + delay + " ms" : "left to the sweep (stored as interrupted)", e.getMessage());
            if (tries == 0) {
                hub.broadcast(t.conversationId, frames.error(failure.code(),
                        "The answer could not be stored yet. It follows as soon as it is; sending the same message again is safe.",
                        turn, failure.retryAfterMs()));
            }
            if (again) {
                Runnable retry = LogFields.carry(() -> store(t, m, attempt, errorText, tries + 1)); // the timer fires without the turn's fields
                vertx.setTimer(delay, id -> onWorker(retry));
            } else {
                active.remove(t.answerId);
                if (attempt != null) {
                    accounting.store(attempt); // the answer is left to the sweep; its model request keeps its row
                }
            }
            return;
        }
        // delivered before it leaves the active set: a drain that sees no active answer closes the sockets
        hub.deliver(t.conversationId, stored, frames.answerEnd(turn, stored));
        active.remove(t.answerId);
        if (errorText != null) {
            hub.broadcast(t.conversationId, frames.error(ErrorCode.MODEL_UNAVAILABLE, errorText, turn, null));
        }
        handoff.requestIfAsked(t.customer.text, stored);
    }

    /**
     * Answers nobody will finish (their instance died, or this one gave up writing them) become
     * stored interrupted answers, delivered to this instance's connections at once (other instances
     * hear of them through the change feed).
     *
     * @param conversationId one conversation, or null for all
     */
    public void sweepInterrupted(UUID conversationId) {
        TurnStore.Sweep sweep = store.sweepInterrupted(conversationId, active.keySet());
        for (Message m : sweep.swept()) {
            hub.deliver(m.conversationId, m, frames.message(m));
        }
        if (sweep.suspects()) {
            // an owner's lock was free: gone for good only if it stays free through the grace, so look again then
            vertx.setTimer(store.ownerGrace().toMillis() + 200, id -> onWorker(() -> {
                try {
                    sweepInterrupted(conversationId);
                } catch (RuntimeException e) {
                    LOG.warnf("follow-up sweep skipped, the periodic one does it: %s", e.getMessage());
                }
            }));
        }
    }

    @Scheduled(every = "${parley.conversation.sweep-every:60s}", delay = 5, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweepAll() {
        try {
            sweepInterrupted(null);
        } catch (RuntimeException e) {
            LOG.warnf("interrupted-answer sweep skipped, the next one does it: %s", e.getMessage());
        }
    }

    /**
     * A caller on another channel gave up on {@code turn} (a cancelled gRPC call, a closed SSE
     * response): its model request is cancelled and what was shown is stored as interrupted, as at a
     * restart, so a resend of the same id answers it again. False when it is not streaming here.
     */
    public boolean cancel(UUID conversationId, String turn) {
        boolean found = false;
        for (ActiveTurn t : List.copyOf(active.values())) {
            if (t.conversationId.equals(conversationId) && t.customer.msgId.equals(turn)) {
                found = true;
                t.cancelModel();
                onWorker(() -> finish(t, StructuredAnswer.cutShort(t.text()), CallStats.unaccounted(), null, MessageState.INTERRUPTED,
                        "The request was cancelled. Send the same message again to retry this turn."));
            }
        }
        return found;
    }

    /** Answers streaming on this instance right now. */
    public int activeTurns() {
        return active.size();
    }

    /**
     * Graceful shutdown: lets streaming answers finish for up to {@code grace}, then stores what each
     * unfinished one has shown as an interrupted answer.
     */
    public void drain(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (!active.isEmpty() && System.nanoTime() < deadline) {
            sleep(50);
        }
        for (ActiveTurn t : List.copyOf(active.values())) {
            t.cancelModel();
            finish(t, StructuredAnswer.cutShort(t.text()), CallStats.unaccounted(), null, MessageState.INTERRUPTED,
                    "The server restarted while answering. Send the same message again to retry this turn.");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Work of the calling turn (if any) on a worker thread, logged with the turn's fields. */
    private static void onWorker(Runnable work) {
        Infrastructure.getDefaultWorkerPool().execute(LogFields.carry(work));
    }
}
