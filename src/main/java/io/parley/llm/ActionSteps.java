package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.actions.Action;
import io.parley.actions.ActionResult;
import io.parley.actions.ActionTurns;
import io.parley.actions.Outcome;
import io.parley.answer.AnswerEvent;
import io.parley.answer.EntityValue;
import io.parley.answer.StructuredAnswer;
import io.smallrye.mutiny.Uni;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The function-calling steps of one model attempt. A reply that calls tools is answered here: a call the
 * model got wrong (an unknown action, arguments that are not JSON or do not fit the schema) goes back to
 * the model as a {@code tool} message saying so; a read-only action runs and its result goes back; the
 * next request carries the assistant's {@code tool_calls} message and the {@code tool} messages. The turn
 * ends here instead, with a stated answer, when an action fails (the honest answer, a person offered) or
 * when the model asks for a change (proposed; it runs only after the customer's yes).
 */
final class ActionSteps {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RESULT_CHARS = 8000;

    /** What a step came to: more messages for the next request, or the turn's answer. */
    record Next(StructuredAnswer answer) {
        boolean more() {
            return answer == null;
        }
    }

    private final ActionTurns turns;
    private final ActionTurns.Ref ref;
    private final String language;
    private final Supplier<StructuredAnswer> reading;
    private final boolean enabled;
    private final AtomicBoolean used;
    private final List<ChatRequest.Msg> messages = new ArrayList<>();
    private int steps;

    /**
     * @param reading the offline rules' reading of the customer's message (intent and entities of a stated answer)
     * @param used    set once an action is called or proposed: an answer built on one is never cached
     */
    ActionSteps(ActionTurns turns, ActionTurns.Ref ref, String language, Supplier<StructuredAnswer> reading, boolean enabled,
                AtomicBoolean used) {
        this.turns = turns;
        this.ref = ref;
        this.language = language;
        this.reading = reading;
        this.enabled = enabled && turns.actions().any();
        this.used = used;
    }

    /** The {@code tools} for the next request: none when actions are off for the tier. */
    JsonNode tools() {
        return enabled ? turns.actions().tools() : null;
    }

    /**
     * {@code none} once the step limit is reached: the model must answer from what it has (the tools stay
     * in the request, as the earlier steps' messages refer to them); null (the provider's default) before.
     */
    String toolChoice() {
        return enabled && steps >= turns.actions().maxSteps() ? "none" : null;
    }

    /** The assistant and tool messages of the steps so far, to follow the history in the next request. */
    List<ChatRequest.Msg> messages() {
        return messages;
    }

    Uni<Next> handle(List<ChatRequest.ToolCall> calls, Consumer<AnswerEvent> emit) {
        if (!enabled || steps >= turns.actions().maxSteps()) {
            // calls nobody offered, or past the limit: never run, never another round
            turns.reject(ref, calls.get(0).name(), null, "tool call past the step limit or with actions off");
            return Uni.createFrom().item(new Next(turns.unfinished(language, reading.get().intent(), reading.get().entities())));
        }
        steps++;
        messages.add(new ChatRequest.Msg("assistant", null, calls, null));
        return next(calls, 0, emit);
    }

    private Uni<Next> next(List<ChatRequest.ToolCall> calls, int index, Consumer<AnswerEvent> emit) {
        if (index == calls.size()) {
            return Uni.createFrom().item(new Next(null));
        }
        ChatRequest.ToolCall call = calls.get(index);
        Optional<Action> action = turns.actions().get(call.name());
        if (action.isEmpty()) {
            turns.reject(ref, call.name(), null, "no action is called \"" + call.name() + "\"");
            return answerTool(call, error("there is no action called " + call.name() + "; use one of the tools given"), calls, index, emit);
        }
        JsonNode arguments = parse(call.arguments());
        if (arguments == null) {
            turns.reject(ref, call.name(), null, "the arguments are not a JSON object");
            return answerTool(call, error("the arguments were not a valid JSON object; call it again with valid JSON"), calls, index, emit);
        }
        Action a = action.get();
        used.set(true);
        List<EntityValue> entities = entities(arguments);
        String intent = a.intent() != null ? a.intent() : reading.get().intent();
        if (a.changes()) {
            // never run on the model's word: the customer is asked, and the turn ends with the question
            return turns.propose(ref, a, arguments, language, intent, entities).map(Next::new);
        }
        emit.accept(new AnswerEvent.Status(turns.status(a, language)));
        return turns.run(ref, a, arguments).flatMap(r -> {
            if (r.outcome() == Outcome.REJECTED) {
                return answerTool(call, error(r.summary() + "; fix the arguments and call it again"), calls, index, emit);
            }
            if (!r.ok()) {
                return Uni.createFrom().item(new Next(turns.answerFrom(a, r, language, intent, entities)));
            }
            return answerTool(call, result(r), calls, index, emit);
        });
    }

    private Uni<Next> answerTool(ChatRequest.ToolCall call, String content, List<ChatRequest.ToolCall> calls, int index,
                                 Consumer<AnswerEvent> emit) {
        messages.add(new ChatRequest.Msg("tool", content, List.of(), call.id()));
        return next(calls, index + 1, emit);
    }

    private static String result(ActionResult r) {
        String body = r.body().toString();
        return body.length() <= MAX_RESULT_CHARS ? body : error("the result was too long to show");
    }

    private static String error(String message) {
        ObjectNode e = JsonNodeFactory.instance.objectNode().put("error", message);
        return e.toString();
    }

    private static JsonNode parse(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return JsonNodeFactory.instance.objectNode(); // a call without parameters may send none
        }
        try {
            JsonNode n = JSON.readTree(arguments);
            return n != null && n.isObject() ? n : null;
        } catch (Exception e) {
            return null;
        }
    }

    private List<EntityValue> entities(JsonNode arguments) {
        List<EntityValue> out = new ArrayList<>(reading.get().entities().stream()
                .filter(e -> !arguments.has(e.type())).toList());
        for (String type : List.of("order_id", "tracking_number")) {
            if (arguments.hasNonNull(type)) {
                out.add(new EntityValue(type, arguments.get(type).asText()));
            }
        }
        return out;
    }
}
