package io.parley.chat;

import io.parley.conversation.ConversationStatus;
import io.parley.conversation.Role;
import io.parley.failure.ParleyException;

import io.parley.failure.ErrorCode;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.answer.EntityValue;
import io.parley.conversation.Message;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/** Server-to-client frames of protocol version 1, as JSON text. Field names are fixed by the protocol. */
@ApplicationScoped
public class Frames {

    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    private final ObjectMapper json;
    /** Sees the turn's frames as they are built: first text, end, error (null in plain unit tests). */
    private final TurnTelemetry telemetry;

    Frames(ObjectMapper json) {
        this(json, null);
    }

    @jakarta.inject.Inject
    Frames(ObjectMapper json, TurnTelemetry telemetry) {
        this.json = json;
        this.telemetry = telemetry;
    }

    /** {@code maxTextChars}: the client can refuse a longer message before sending it (and keep its text). */
    public String ready(UUID conversationId, String token, long seq, ConversationStatus status, int maxTextChars) {
        return frame("ready").put("conversationId", conversationId.toString()).put("token", token)
                .put("seq", seq).put("status", status.wire()).put("protocol", 1).put("maxTextChars", maxTextChars).toString();
    }

    /** The answer to {@code start}: the conversation is stored, an image may be sent into it. */
    public String started(UUID conversationId) {
        return frame("started").put("conversationId", conversationId.toString()).toString();
    }

    /** A stored message; for answers with everything an agent or a client may show. */
    public String message(Message m) {
        ObjectNode f = frame("message");
        stored(f, m);
        return f.toString();
    }

    public String answerStart(String turn, String intent, double confidence, List<EntityValue> entities) {
        ObjectNode f = frame("answer.start").put("turn", turn).put("intent", intent).put("confidence", confidence);
        f.set("entities", json.valueToTree(entities));
        return f.toString();
    }

    /** What the bot is doing while the customer waits ("Looking up your order…"): shown until the answer comes, never stored. */
    public String answerStatus(String turn, String text) {
        return frame("answer.status").put("turn", turn).put("text", text).toString();
    }

    /** The most frequent frame (several per answer): written directly, no tree to build and walk. */
    public String answerDelta(String turn, String text) {
        if (telemetry != null) {
            telemetry.textOut(turn);
        }
        StringBuilder f = new StringBuilder(40 + turn.length() + text.length() + text.length() / 8);
        f.append("{\"type\":\"answer.delta\",\"turn\":\"");
        QUOTE.quoteAsString(turn, f);
        f.append("\",\"text\":\"");
        QUOTE.quoteAsString(text, f);
        return f.append("\"}").toString();
    }

    /** The stored answer of {@code turn}: {@code text} is the whole answer. */
    public String answerEnd(String turn, Message answer) {
        if (telemetry != null) {
            telemetry.answered(turn);
        }
        ObjectNode f = frame("answer.end").put("turn", turn);
        stored(f, answer);
        return f.toString();
    }

    /** Someone is typing: {@code role} agent (with the agent's name) or customer. */
    public String typing(Role role, String name) {
        ObjectNode f = frame("typing").put("role", role.wire());
        if (name != null) {
            f.put("name", name);
        }
        return f.toString();
    }

    /** What the client is told of a failure (see {@link ParleyException#of}), for {@code turn} when it is one's. */
    public String error(ParleyException failure, String turn) {
        return error(failure.code(), failure.getMessage(), turn, failure.retryAfterMs());
    }

    public String error(ErrorCode code, String message, String turn, Long retryAfterMs) {
        if (telemetry != null) {
            telemetry.failed(turn, code);
        }
        ObjectNode f = frame("error").put("code", code.wire).put("message", message);
        if (turn != null) {
            f.put("turn", turn);
        }
        if (retryAfterMs != null) {
            f.put("retryAfterMs", retryAfterMs);
        }
        return f.toString();
    }

    private ObjectNode frame(String type) {
        return json.createObjectNode().put("type", type);
    }

    private void stored(ObjectNode f, Message m) {
        f.put("seq", m.seq).put("id", m.msgId).put("role", m.role.wire()).put("text", m.text).put("at", m.createdAt.toInstant().toString());
        if (m.author != null) {
            f.put("author", m.author); // an agent's name
        }
        if (m.kind != null) {
            f.put("kind", m.kind); // what a system message announces
        }
        if (m.attachment != null) {
            f.put("attachment", m.attachment.toString()); // an image: GET /attachments/{id} with the token, /api/attachments/{id} for agents
        }
        if (m.isAnswer()) {
            // every answer of the assistant is AI-generated (a model, the offline rules, the cache): clients label it as such
            f.put("aiGenerated", true);
            f.put("replyTo", m.replyTo).put("intent", m.intent).put("confidence", m.confidence);
            f.set("entities", json.valueToTree(m.entities == null ? List.of() : m.entities));
            ArrayNode suggestions = f.putArray("suggestions");
            if (m.suggestions != null) {
                m.suggestions.forEach(suggestions::add);
            }
            f.put("handoff", Boolean.TRUE.equals(m.handoff)).put("source", m.source).put("provider", m.provider)
                    .put("model", m.model);
            // the articles the answer cites, for the customer to open: always present on answers, often empty
            f.set("sources", json.valueToTree(m.sources == null ? List.of() : m.sources));
            if (m.isIncomplete()) {
                f.put("incomplete", true).put("state", m.state.wire()); // incomplete (stream broke) or interrupted (server stopped)
            }
        }
    }
}
