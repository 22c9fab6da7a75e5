package io.parley.chat;

import io.parley.agent.Handoff;
import io.parley.conversation.ConversationStatus;
import io.parley.conversation.ConversationStore;
import io.parley.conversation.IllegalTransitionException;
import io.parley.conversation.Message;
import io.parley.llm.AnswerEvent;
import io.parley.llm.AnswerInterruptedException;
import io.parley.llm.CallStats;
import io.parley.llm.LlmCall;
import io.parley.llm.LlmConfig;
import io.parley.llm.ModelRouter;
import io.parley.llm.StructuredAnswer;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private final ConversationStore store;
    private final ConversationHub hub;
    private final Frames frames;
    private final ModelRouter router;
    private final LlmConfig llm;
    private final ChatConfig chat;
    private final Vertx vertx;
    private final Handoff handoff;
    /** Answers streaming on this instance, by reserved row id. */
    private final Map<Long, ActiveTurn> active = new ConcurrentHashMap<>();

    TurnService(ConversationStore store, ConversationHub hub, Frames frames, ModelRouter router, LlmConfig llm, ChatConfig chat,
                Vertx vertx, Handoff handoff) {
        this.handoff = handoff;
        this.chat = chat;
        this.vertx = vertx;
        this.store = store;
        this.hub = hub;
        this.frames = frames;
        this.router = router;
        this.llm = llm;
    }

    /** An answer being streamed here: what the customer has seen so far. */
    static final class ActiveTurn {
        /** The reserved answer row; known once the customer's message is stored. */
        volatile long answerId;
        final UUID conversationId;
        volatile Message customer;
        final boolean priority;
        final StringBuilder sent = new StringBuilder();
        /** Model text to delta frames (see parley.chat.delta-coalesce). */
        final DeltaCoalescer deltas;
        volatile Cancellable subscription;
        volatile long lastSave = System.nanoTime();
        volatile boolean finished;
        /** Until the message is stored and acknowledged, the model's events wait here (guarded by this). */
        private boolean attached;
        private final List<Runnable> held = new ArrayList<>();

        ActiveTurn(UUID conversationId, Message customer, boolean priority, DeltaCoalescer deltas) {
            this.conversationId = conversationId;
            this.customer = customer;
            this.priority = priority;
            this.deltas = deltas;
        }

        synchronized String text() {
            return sent.toString();
        }

        synchronized void append(String text) {
            sent.append(text);
        }

        /** Runs a model event now, or once the turn is attached. */
        void dispatch(Runnable event) {
            synchronized (this) {
                if (!attached) {
                    held.add(event);
                    return;
                }
            }
            event.run();
        }

        /** The message is stored and acknowledged: the held events run, in order, then new ones run as they come. */
        void attach(long answerId, Message stored) {
            this.answerId = answerId;
            this.customer = stored;
            for (;;) {
                List<Runnable> batch;
                synchronized (this) {
                    if (held.isEmpty()) {
                        attached = true;
                        return;
                    }
                    batch = new ArrayList<>(held);
                    held.clear();
                }
                batch.forEach(Runnable::run);
            }
        }
    }

    /**
     * Stores {@code message {id, text}} on a worker thread and answers it; {@code early} is the model
     * call {@link #askEarly} started for it, or null.
     * <p>
     * When this connection knows the conversation's history, the model is asked while the message is
     * being stored, so the commit happens within the model's time to first token instead of before
     * it. The message is still committed before it is acknowledged and nothing of the answer reaches
     * anyone before that; the early call is dropped (and the model asked again with the stored
     * history) unless the stored message is exactly the one the prompt assumed: new, the next seq,
     * answered by the bot, with the same priority.
     */
    void onMessage(WebSocketConnection connection, Session session, String turn, String text, ActiveTurn early) {
        ConversationStore.Accepted accepted;
        try {
            accepted = accept(session.conversationId(), turn, text, early == null ? llm.historyMessages() : 0);
        } catch (IllegalTransitionException e) {
            drop(early);
            hub.send(connection, frames.error(ErrorCode.CONVERSATION_CLOSED,
                    "This conversation is closed. Say hello without a token to start a new one.", turn, null));
            return;
        } catch (RuntimeException e) {
            drop(early);
            LOG.warnf("request_id=%s error_type=storage_unavailable resolution=\"client resends\" detail=\"%s\"", turn, e.getMessage());
            hub.send(connection, frames.error(ErrorCode.STORAGE_UNAVAILABLE,
                    "The message could not be stored and was not received. Send it again with the same id.", turn, 1000L));
            return;
        }
        Message customer = accepted.customer();
        session.subscriber().state(accepted.status() == ConversationStatus.BOT, accepted.priority());
        if (accepted.duplicate()) {
            drop(early);
            // the same id again: the original acknowledgement and answer, never a second row or model call
            hub.send(connection, frames.message(customer));
            if (accepted.answer() != null) {
                hub.send(connection, frames.answerEnd(turn, accepted.answer()));
                return;
            }
            // a retry: if the answer was left streaming by an instance that died, store it as interrupted first
            hub.sweepInterrupted(session.conversationId());
        } else {
            // the echo is the acknowledgement: sent only now that the row is committed, before any answer frame
            hub.deliver(session.conversationId(), customer, frames.message(customer));
            if (early != null && accepted.reserved() != null && customer.seq == early.customer.seq
                    && accepted.priority() == early.priority) {
                active.put(accepted.reserved(), early);
                early.attach(accepted.reserved(), customer);
                return;
            }
        }
        drop(early);
        if (accepted.status() == ConversationStatus.BOT) {
            answer(session, accepted); // for a resend: only if no answer is stored or streaming anywhere
        }
    }

    /**
     * The model call for a message not yet stored, or null when this connection cannot know its
     * prompt. Non-blocking (called on the event loop, before the message waits for a worker thread).
     */
    ActiveTurn askEarly(Session session, String turn, String text) {
        if (!chat.earlyModelCall()) {
            return null;
        }
        Optional<Subscriber.Known> known = session.subscriber().known(turn);
        if (known.isEmpty()) {
            return null;
        }
        Subscriber.Known k = known.get();
        Message customer = new Message();
        customer.conversationId = session.conversationId();
        customer.seq = k.nextSeq();
        customer.msgId = turn;
        customer.role = Message.CUSTOMER;
        customer.text = text;
        List<Message> history = new ArrayList<>(k.before());
        history.add(customer);
        ActiveTurn t = new ActiveTurn(session.conversationId(), customer, k.priority(), deltas(session.conversationId(), turn));
        start(t, new ModelRouter.Turn(session.conversationId(), turn, customer.seq, text, session.locale(), history, k.priority()));
        return t;
    }

    /** An early call whose prompt turned out wrong (or whose message was not stored): its events never leave. */
    private static void drop(ActiveTurn early) {
        if (early != null) {
            early.subscription.cancel();
        }
    }

    private ConversationStore.Accepted accept(UUID conversationId, String turn, String text, int historySize) {
        try {
            return store.accept(conversationId, turn, text, historySize);
        } catch (IllegalTransitionException e) {
            throw e;
        } catch (RuntimeException e) {
            // most likely the same id sent twice at the same moment: the second call finds the first
            return store.accept(conversationId, turn, text, historySize);
        }
    }

    private void answer(Session session, ConversationStore.Accepted accepted) {
        Message customer = accepted.customer();
        Optional<Long> reserved = Optional.ofNullable(accepted.reserved());
        if (reserved.isEmpty()) {
            try {
                reserved = store.beginAnswer(session.conversationId(), customer.seq);
            } catch (RuntimeException e) {
                return; // reserved by someone else at the same moment
            }
        }
        if (reserved.isEmpty()) {
            return; // already answered or being answered (here or on another instance)
        }
        UUID conversationId = session.conversationId();
        // an empty history was not read (an early call was planned): it always holds at least this message
        List<Message> history = accepted.history().isEmpty()
                ? store.history(conversationId, customer.seq, llm.historyMessages()) : accepted.history();
        ActiveTurn t = new ActiveTurn(conversationId, customer, accepted.priority(), deltas(conversationId, customer.msgId));
        active.put(reserved.get(), t);
        t.attach(reserved.get(), customer);
        start(t, new ModelRouter.Turn(conversationId, customer.msgId, customer.seq, customer.text, session.locale(),
                history, accepted.priority()));
    }

    private DeltaCoalescer deltas(UUID conversationId, String turn) {
        return new DeltaCoalescer(chat.deltaCoalesce().toNanos(),
                text -> hub.broadcast(conversationId, frames.answerDelta(turn, text)),
                (delayMs, task) -> vertx.setTimer(delayMs, id -> task.run()), System::nanoTime);
    }

    private void start(ActiveTurn t, ModelRouter.Turn request) {
        t.subscription = router.answer(request).subscribe().with(
                event -> t.dispatch(() -> onEvent(t, event)), failure -> t.dispatch(() -> onFailure(t, failure)));
    }

    private void onEvent(ActiveTurn t, AnswerEvent event) {
        String turn = t.customer.msgId;
        if (event instanceof AnswerEvent.Head h) {
            t.deltas.flush();
            hub.broadcast(t.conversationId, frames.answerStart(turn, h.intent(), h.confidence(), h.entities()));
        } else if (event instanceof AnswerEvent.Text text) {
            t.append(text.text());
            t.deltas.add(text.text());
            long now = System.nanoTime();
            if (now - t.lastSave > chat.partialSaveEvery().toNanos()) {
                t.lastSave = now; // keep what the customer has seen, in case this process dies
                onWorker(() -> savePartial(t));
            }
        } else if (event instanceof AnswerEvent.Done d) {
            t.deltas.flush(); // every delta before answer.end
            onWorker(() -> finish(t, d.answer(), d.stats(), d.attempt(), Message.COMPLETE, null));
        }
    }

    private void onFailure(ActiveTurn t, Throwable failure) {
        t.deltas.flush();
        String turn = t.customer.msgId;
        String seen = t.text();
        if (seen.isEmpty()) {
            LOG.warnf("request_id=%s conversation=%s error_type=%s resolution=\"customer told to retry\" detail=\"%s\"",
                    turn, t.conversationId, failure.getClass().getSimpleName(), failure.getMessage());
            onWorker(() -> {
                if (claim(t)) {
                    active.remove(t.answerId);
                    try {
                        store.abandonAnswer(t.answerId);
                    } catch (RuntimeException e) {
                        LOG.debugf("reserved answer not released: %s", e.getMessage());
                    }
                }
                hub.broadcast(t.conversationId, frames.error(ErrorCode.MODEL_UNAVAILABLE,
                        "No answer could be produced right now. Send the same message again to retry.", turn, 2000L));
            });
            return;
        }
        // text already reached the customer: never retry silently, store what arrived
        StructuredAnswer partial = new StructuredAnswer(StructuredAnswer.UNKNOWN, 0, List.of(), null, false, List.of(), seen);
        onWorker(() -> finish(t, partial, failureStats(failure), Message.INCOMPLETE,
                "The answer was interrupted. Send the same message again to retry this turn."));
    }

    private static CallStats failureStats(Throwable failure) {
        return failure instanceof AnswerInterruptedException i ? i.stats()
                : new CallStats("model", null, null, null, null, null, null, null, null, null, null);
    }

    private void savePartial(ActiveTurn t) {
        try {
            if (!t.finished) {
                store.savePartial(t.answerId, t.text());
            }
        } catch (RuntimeException e) {
            LOG.debugf("partial answer not saved: %s", e.getMessage());
        }
    }

    private synchronized boolean claim(ActiveTurn t) {
        if (t.finished) {
            return false;
        }
        t.finished = true;
        return true;
    }

    private void finish(ActiveTurn t, StructuredAnswer a, CallStats s, String state, String errorText) {
        finish(t, a, s, null, state, errorText);
    }

    private void finish(ActiveTurn t, StructuredAnswer a, CallStats s, LlmCall attempt, String state, String errorText) {
        if (!claim(t)) {
            return; // already stored (graceful shutdown got there first)
        }
        String turn = t.customer.msgId;
        try {
            Message m = new Message();
            m.conversationId = t.conversationId;
            m.replyTo = t.customer.seq;
            m.state = state;
            m.text = a.answer();
            m.intent = a.intent();
            m.confidence = a.confidence();
            m.entities = a.entities();
            m.suggestions = a.suggestions();
            m.sentiment = a.sentiment();
            m.handoff = a.handoff();
            m.source = s.source();
            m.provider = s.provider();
            m.model = s.model();
            m.usage = s.usage();
            Message stored = store.completeAnswer(t.answerId, m, attempt == null ? null : attempt.write());
            hub.deliver(t.conversationId, stored, frames.answerEnd(turn, stored));
            if (errorText != null) {
                hub.broadcast(t.conversationId, frames.error(ErrorCode.MODEL_UNAVAILABLE, errorText, turn, null));
            }
            handOffIfAsked(stored);
        } catch (RuntimeException e) {
            LOG.errorf(e, "request_id=%s could not store the answer", turn);
            hub.broadcast(t.conversationId, frames.error(ErrorCode.STORAGE_UNAVAILABLE,
                    "The answer could not be stored. Send the same message again to retry this turn.", turn, 1000L));
        } finally {
            active.remove(t.answerId);
        }
    }

    /** An answer that asks for a person (its handoff flag or a configured intent) hands the conversation over. */
    private void handOffIfAsked(Message answer) {
        if (!handoff.asksForPerson(answer)) {
            return;
        }
        try {
            handoff.request(answer.conversationId, "assistant", "the answer (intent " + answer.intent + ") asked for a person");
        } catch (RuntimeException e) {
            LOG.warnf("conversation=%s hand-off asked by the answer not recorded: %s", answer.conversationId, e.getMessage());
        }
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
            Cancellable c = t.subscription;
            if (c != null) {
                c.cancel();
            }
            finish(t, new StructuredAnswer(StructuredAnswer.UNKNOWN, 0, List.of(), null, false, List.of(), t.text()),
                    new CallStats("model", null, null, null, null, null, null, null, null, null, null), Message.INTERRUPTED,
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

    private static void onWorker(Runnable work) {
        Infrastructure.getDefaultWorkerPool().execute(work);
    }
}
