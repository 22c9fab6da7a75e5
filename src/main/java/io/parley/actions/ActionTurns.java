package io.parley.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.answer.AnswerEvent;
import io.parley.answer.CallStats;
import io.parley.answer.EntityValue;
import io.parley.answer.StructuredAnswer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a turn does with actions, whichever engine chose them: run one (checked against its schema,
 * recorded, counted), state its result or say honestly that it failed, propose a change and run it only
 * once the customer confirms. The model path (llm) and the offline engine both come here.
 */
@ApplicationScoped
public class ActionTurns {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ActionTurns.class);

    /** The turn an action belongs to. */
    public record Ref(UUID conversationId, String turn) {
    }

    private final Actions actions;
    private final ActionClient client;
    private final ActionLog log;
    private final Proposals proposals;

    ActionTurns(Actions actions, ActionClient client, ActionLog log, Proposals proposals) {
        this.actions = actions;
        this.client = client;
        this.log = log;
        this.proposals = proposals;
    }

    /** The customer's language for what actions say: Chinese when the message has Han characters. */
    public static String language(String text, String locale) {
        return ActionTexts.language(text, locale);
    }

    public Actions actions() {
        return actions;
    }

    /** Calls the action when its arguments fit its schema; every call, and every refusal, is recorded. */
    public Uni<ActionResult> run(Ref ref, Action action, JsonNode arguments) {
        List<String> problems = actions.problems(action, arguments);
        if (!problems.isEmpty()) {
            return Uni.createFrom().item(reject(ref, action.name(), arguments, "arguments do not fit the schema: " + String.join("; ", problems)));
        }
        return client.call(action, arguments).invoke(r -> log.record(ref.conversationId(), ref.turn(), action, r));
    }

    /** A call that was not made (an unknown action, malformed arguments), recorded as rejected. */
    public ActionResult reject(Ref ref, String name, JsonNode arguments, String why) {
        ActionResult r = new ActionResult(name == null ? "?" : ActionClient.clip(name), arguments, Outcome.REJECTED, 0, null, 0,
                "not called: " + ActionClient.clip(why));
        log.record(ref.conversationId(), ref.turn(), actions.get(name).orElse(null), r);
        return r;
    }

    public String status(Action action, String language) {
        return action.text(action.status(), language, "Checking that for you…", "正在为您查询…");
    }

    /** The answer stated from a call's result: the action's template when it succeeded, the honest failure otherwise. */
    public StructuredAnswer answerFrom(Action action, ActionResult r, String language, String intent, List<EntityValue> entities) {
        if (r.ok()) {
            String text = ActionTexts.result(action, r, language);
            return new StructuredAnswer(intent, 1.0, entities, "neutral", false, List.of(), text);
        }
        return new StructuredAnswer(intent, 1.0, entities, "neutral", false, ActionTexts.personOffer(language),
                ActionTexts.failure(action, r, language));
    }

    /** The model kept calling actions past the step limit: said honestly, with a person offered. */
    public StructuredAnswer unfinished(String language, String intent, List<EntityValue> entities) {
        return new StructuredAnswer(intent, 0.5, entities, "neutral", false, ActionTexts.personOffer(language),
                ActionTexts.unfinished(language));
    }

    /**
     * Proposes a change (stored, so it survives a reconnect; blocking: on a worker thread) and returns the
     * question put to the customer with its confirm/cancel suggestions.
     */
    public Uni<StructuredAnswer> propose(Ref ref, Action action, JsonNode arguments, String language, String intent,
                                         List<EntityValue> entities) {
        List<String> problems = actions.problems(action, arguments);
        if (!problems.isEmpty()) {
            ActionResult r = reject(ref, action.name(), arguments, "arguments do not fit the schema: " + String.join("; ", problems));
            return Uni.createFrom().item(answerFrom(action, r, language, intent, entities));
        }
        return Uni.createFrom().item(() -> {
            proposals.propose(ref.conversationId(), ref.turn(), action.name(), arguments, actions.confirmExpiry());
            return new StructuredAnswer(intent, 1.0, entities, "neutral", false, ActionTexts.confirmCancel(language),
                    ActionTexts.proposal(action, arguments, language));
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /**
     * The customer's yes or no to the conversation's pending proposal, answered here; empty when nothing is
     * pending or the message is neither (the turn goes on as usual; the proposal waits until it expires).
     * Blocking (one indexed read): call it on a worker thread.
     */
    public Optional<Multi<AnswerEvent>> reply(Ref ref, String text, String locale) {
        ActionTexts.Reply reply = ActionTexts.reply(text);
        if (reply == ActionTexts.Reply.OTHER || !actions.any()) {
            return Optional.empty();
        }
        Optional<Proposals.Proposal> pending = proposals.pending(ref.conversationId());
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        Proposals.Proposal p = pending.get();
        String language = ActionTexts.language(text, locale);
        Optional<Action> action = actions.get(p.action());
        List<EntityValue> entities = entitiesOf(p.arguments());
        String intent = action.map(Action::intent).orElse(StructuredAnswer.UNKNOWN);
        if (reply == ActionTexts.Reply.NO || action.isEmpty()) {
            proposals.cancel(p.id());
            return Optional.of(events(new StructuredAnswer(intent, 1.0, entities, "neutral", false, List.of(),
                    ActionTexts.cancelled(language)), null, System.nanoTime()));
        }
        if (!proposals.claim(p.id())) {
            return Optional.empty(); // taken by a resend on another instance, or expired this instant
        }
        Action a = action.get();
        long started = System.nanoTime();
        return Optional.of(Multi.createFrom().<AnswerEvent>item(new AnswerEvent.Status(status(a, language)))
                .onCompletion().switchTo(() -> Uni.createFrom().deferred(() -> run(ref, a, p.arguments()))
                        .emitOn(Infrastructure.getDefaultWorkerPool())
                        .onItemOrFailure().transform((r, e) -> { // blocking settles: on a worker
                            if (e != null) {
                                // the call threw (not a failed response): the proposal ends failed, never left running; only
                                // the call's own failure lands here, not a failure to record a call that went through
                                LOG.warnf(e, "conversation=%s action=%s confirmed call broke: proposal failed", ref.conversationId(), a.name());
                                proposals.settle(p.id(), Proposals.State.FAILED);
                                return new StructuredAnswer(intent, 1.0, entities, "neutral", false, ActionTexts.personOffer(language),
                                        ActionTexts.unconfirmed(language));
                            }
                            proposals.settle(p.id(), r.ok() ? Proposals.State.DONE : Proposals.State.FAILED);
                            return answerFrom(a, r, language, intent, entities);
                        })
                        .onItem().transformToMulti(answer -> events(answer, null, started))));
    }

    /**
     * For the offline engine: calls a read-only action (or proposes a change) with the arguments found in the
     * customer's message, and answers from its result; the status frame comes first.
     */
    public Multi<AnswerEvent> offline(Ref ref, Action action, JsonNode arguments, String language, String intent,
                                      List<EntityValue> entities) {
        long started = System.nanoTime();
        if (action.changes()) {
            return propose(ref, action, arguments, language, intent, entities).onItem().transformToMulti(a -> events(a, null, started));
        }
        return Multi.createFrom().<AnswerEvent>items(new AnswerEvent.Head(intent, 1.0, entities), new AnswerEvent.Status(status(action, language)))
                .onCompletion().switchTo(() -> run(ref, action, arguments).onItem()
                        .transformToMulti(r -> events(answerFrom(action, r, language, intent, entities), null, started).skip().first()));
    }

    /** An answer made here as a stream: head, status (if any), text, done; stored as a template answer, never cached. */
    public static Multi<AnswerEvent> events(StructuredAnswer a, String status, long started) {
        List<AnswerEvent> out = new ArrayList<>(4);
        out.add(new AnswerEvent.Head(a.intent(), a.confidence(), a.entities()));
        if (status != null) {
            out.add(new AnswerEvent.Status(status));
        }
        out.add(new AnswerEvent.Text(a.answer()));
        out.add(new AnswerEvent.Done(a, stats(started)));
        return Multi.createFrom().iterable(out);
    }

    /** How an answer stated from an action (or a proposal) was made: a template, no model. */
    public static CallStats stats(long started) {
        int ms = (int) ((System.nanoTime() - started) / 1_000_000);
        return new CallStats("offline", "actions", "template", null, null, null, null, null, null, 0, ms);
    }

    private static List<EntityValue> entitiesOf(JsonNode arguments) {
        List<EntityValue> out = new ArrayList<>();
        for (String type : List.of("order_id", "tracking_number")) {
            if (arguments.hasNonNull(type)) {
                out.add(new EntityValue(type, arguments.get(type).asText()));
            }
        }
        return out;
    }
}
