package io.parley.chat;

import io.parley.conversation.ConversationStore;
import io.parley.conversation.Message;
import io.parley.llm.AnswerEvent;
import io.parley.llm.CallStats;
import io.parley.llm.AnswerInterruptedException;
import io.parley.llm.LlmConfig;
import io.parley.llm.ModelRouter;
import io.parley.llm.StructuredAnswer;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One customer turn: store the message, acknowledge it with its stored echo, stream the answer
 * (model, or offline rules) to every connection of the conversation, store the answer, send
 * {@code answer.end}. Database work runs on worker threads and is short; nothing waits on the model.
 */
@ApplicationScoped
public class TurnService {

    private static final Logger LOG = Logger.getLogger(TurnService.class);

    private final ConversationStore store;
    private final ConversationHub hub;
    private final Frames frames;
    private final ModelRouter router;
    private final LlmConfig llm;
    /** Turns whose answer is being produced on this instance ("conversation/turn"). */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    TurnService(ConversationStore store, ConversationHub hub, Frames frames, ModelRouter router, LlmConfig llm) {
        this.store = store;
        this.hub = hub;
        this.frames = frames;
        this.router = router;
        this.llm = llm;
    }

    /** Handles {@code message {id, text}} on a worker thread. */
    public void onMessage(WebSocketConnection connection, Session session, String turn, String text) {
        ConversationStore.Accepted accepted;
        try {
            accepted = accept(session.conversationId(), turn, text);
        } catch (PersistenceException | IllegalStateException e) {
            LOG.warnf("turn %s: could not store the message: %s", turn, e.getMessage());
            hub.send(connection, frames.error(ErrorCode.STORAGE_UNAVAILABLE,
                    "The message could not be stored and was not received. Send it again with the same id.", turn, 1000L));
            return;
        }
        Message customer = accepted.customer();
        if (accepted.duplicate()) {
            // the same id again: the original acknowledgement and answer, never a second row or model call
            connection.sendTextAndAwait(frames.message(customer));
            if (accepted.answer() != null) {
                hub.send(connection, frames.answerEnd(turn, accepted.answer()));
            } else if (inFlight.add(key(session.conversationId(), turn))) {
                answer(session, accepted); // its answer was lost (crash, interrupted stream): try again
            }
            return;
        }
        inFlight.add(key(session.conversationId(), turn));
        // the echo is the acknowledgement: sent only now that the row is committed, before any answer frame
        connection.sendTextAndAwait(frames.message(customer));
        hub.broadcastExcept(session.conversationId(), frames.message(customer), connection);
        answer(session, accepted);
    }

    private ConversationStore.Accepted accept(UUID conversationId, String turn, String text) {
        try {
            return store.accept(conversationId, turn, text, llm.historyMessages());
        } catch (PersistenceException e) {
            // most likely the same id sent twice at the same moment: the second call finds the first
            return store.accept(conversationId, turn, text, llm.historyMessages());
        }
    }

    private void answer(Session session, ConversationStore.Accepted accepted) {
        Message customer = accepted.customer();
        follow(session, customer, router.answer(new ModelRouter.Turn(session.conversationId(), customer.msgId, customer.seq,
                customer.text, session.locale(), accepted.history(), accepted.priority())));
    }

    private void follow(Session session, Message customer, Multi<AnswerEvent> events) {
        UUID conversationId = session.conversationId();
        String turn = customer.msgId;
        StringBuilder sent = new StringBuilder();
        events.subscribe().with(
                event -> {
                    if (event instanceof AnswerEvent.Head h) {
                        hub.broadcast(conversationId, frames.answerStart(turn, h.intent(), h.confidence(), h.entities()));
                    } else if (event instanceof AnswerEvent.Text t) {
                        sent.append(t.text());
                        hub.broadcast(conversationId, frames.answerDelta(turn, t.text()));
                    } else if (event instanceof AnswerEvent.Done d) {
                        onWorker(() -> finish(conversationId, customer, d.answer(), d.stats(), Message.COMPLETE, null));
                    }
                },
                failure -> {
                    if (sent.isEmpty()) {
                        LOG.warnf("request_id=%s conversation=%s error_type=%s resolution=\"customer told to retry\" detail=\"%s\"",
                                turn, conversationId, failure.getClass().getSimpleName(), failure.getMessage());
                        inFlight.remove(key(conversationId, turn));
                        hub.broadcast(conversationId, frames.error(ErrorCode.MODEL_UNAVAILABLE,
                                "No answer could be produced right now. Send the same message again to retry.", turn, 2000L));
                        return;
                    }
                    // text already reached the customer: never retry silently, store what arrived
                    CallStats stats = failure instanceof AnswerInterruptedException i ? i.stats()
                            : new CallStats("offline", "offline", "rules", null, null, null, null, null, null, null, null);
                    StructuredAnswer partial = new StructuredAnswer(StructuredAnswer.UNKNOWN, 0, List.of(), null, false,
                            List.of(), sent.toString());
                    onWorker(() -> finish(conversationId, customer, partial, stats, Message.INCOMPLETE,
                            "The answer was interrupted. Send the same message again to retry this turn."));
                });
    }

    private void finish(UUID conversationId, Message customer, StructuredAnswer a, CallStats s, String state, String errorText) {
        String turn = customer.msgId;
        try {
            Message m = new Message();
            m.conversationId = conversationId;
            m.replyTo = customer.seq;
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
            m.requestId = s.requestId();
            m.promptTokens = s.promptTokens();
            m.completionTokens = s.completionTokens();
            m.cacheHitTokens = s.cacheHitTokens();
            m.cacheMissTokens = s.cacheMissTokens();
            m.firstTokenMs = s.firstTokenMs();
            m.totalMs = s.totalMs();
            Message stored = store.storeAnswer(m);
            hub.broadcast(conversationId, frames.answerEnd(turn, stored));
            if (errorText != null) {
                hub.broadcast(conversationId, frames.error(ErrorCode.MODEL_UNAVAILABLE, errorText, turn, null));
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "turn %s: could not store the answer", turn);
            hub.broadcast(conversationId, frames.error(ErrorCode.STORAGE_UNAVAILABLE,
                    "The answer could not be stored. Send the same message again to retry this turn.", turn, 1000L));
        } finally {
            inFlight.remove(key(conversationId, turn));
        }
    }

    private static void onWorker(Runnable work) {
        Infrastructure.getDefaultWorkerPool().execute(work);
    }

    private static String key(UUID conversationId, String turn) {
        return conversationId + "/" + turn;
    }
}
