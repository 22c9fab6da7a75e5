package io.parley.llm;

import io.parley.answer.AnswerEvent;
import io.parley.answer.EntityValue;
import io.parley.answer.StructuredAnswer;
import io.parley.privacy.Placeholders;

import java.util.List;

/**
 * One request's masking: the messages sent carry placeholders ({@code [PHONE_1]}) instead of personal
 * details, and what comes back is restored before anyone sees it: the head's entities, each text piece
 * (a placeholder split between pieces is held until whole) and the finished answer. With masking off
 * for the tier, everything passes unchanged.
 */
final class Unmasking {

    private final Placeholders placeholders;
    private final Placeholders.Stream text;

    private Unmasking(Placeholders placeholders) {
        this.placeholders = placeholders;
        this.text = placeholders == null ? null : placeholders.stream();
    }

    static Unmasking of(boolean mask) {
        return new Unmasking(mask ? new Placeholders() : null);
    }

    String mask(String content) {
        return placeholders == null ? content : placeholders.mask(content);
    }

    /** A request message with its text and tool-call arguments masked (tool results and earlier calls hold details too). */
    ChatRequest.Msg mask(ChatRequest.Msg m) {
        if (placeholders == null) {
            return m;
        }
        List<ChatRequest.ToolCall> calls = m.toolCalls().stream()
                .map(c -> new ChatRequest.ToolCall(c.id(), c.name(), c.arguments() == null ? null : placeholders.mask(c.arguments()))).toList();
        return new ChatRequest.Msg(m.role(), m.content() == null ? null : placeholders.mask(m.content()), calls, m.toolCallId());
    }

    /** The model's tool calls with the customer's real values back in their arguments: an action runs on what the customer said. */
    List<ChatRequest.ToolCall> restore(List<ChatRequest.ToolCall> calls) {
        if (!masked()) {
            return calls;
        }
        return calls.stream().map(c -> new ChatRequest.ToolCall(c.id(), c.name(),
                c.arguments() == null ? null : placeholders.restore(c.arguments()))).toList();
    }

    /** Whether the request carried any placeholder (its answer then holds this customer's details: never cached). */
    boolean masked() {
        return placeholders != null && placeholders.any();
    }

    /** The event as the customer may see it, or null when a text piece is held back for now. */
    AnswerEvent restore(AnswerEvent e) {
        if (!masked()) {
            return e;
        }
        if (e instanceof AnswerEvent.Head h) {
            return new AnswerEvent.Head(h.intent(), h.confidence(), entities(h.entities()));
        }
        if (e instanceof AnswerEvent.Text t) {
            String ready = text.next(t.text());
            return ready.isEmpty() ? null : new AnswerEvent.Text(ready);
        }
        AnswerEvent.Done d = (AnswerEvent.Done) e;
        return new AnswerEvent.Done(answer(d.answer()), d.stats(), d.attempt(), d.personal());
    }

    /** Text held back at the end of the stream (a lone {@code [} for instance), or null. */
    AnswerEvent.Text rest() {
        if (!masked()) {
            return null;
        }
        String rest = text.end();
        return rest.isEmpty() ? null : new AnswerEvent.Text(rest);
    }

    StructuredAnswer answer(StructuredAnswer a) {
        if (!masked() || a == null) {
            return a;
        }
        return new StructuredAnswer(a.intent(), a.confidence(), entities(a.entities()), a.sentiment(), a.handoff(),
                a.suggestions().stream().map(placeholders::restore).toList(), placeholders.restore(a.answer()), a.form(),
                a.finishReason(), a.intentSource());
    }

    private List<EntityValue> entities(List<EntityValue> entities) {
        return entities.stream().map(v -> new EntityValue(v.type(), placeholders.restore(v.value()))).toList();
    }
}
