package io.parley.agent;

import io.parley.audit.AuditAction;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.parley.failure.ParleyException;
import io.parley.ops.ClientAddress;

import io.parley.lifecycle.Handoff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.chat.ConversationHub;
import io.parley.failure.ErrorCode;
import io.parley.chat.FrameInput;
import io.parley.chat.Frames;
import io.parley.chat.Subscriber;
import io.parley.chat.ChatConfig;
import io.parley.conversation.TurnStore;
import io.parley.lifecycle.Lifecycle;
import io.parley.conversation.NoSuchConversationException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.UUID;

/**
 * Frames of the agent socket. An agent watches one conversation at a time and then gets its stored
 * messages (replayed after {@code lastSeq}, then live, in order, from any instance), the bot's
 * streaming answers and the customer's typing; it may reply and type. Every console also gets the
 * inbox's {@code activity} feed ({@link AgentHub}).
 */
@ApplicationScoped
public class AgentProtocol {

    private static final Logger LOG = Logger.getLogger(AgentProtocol.class);
    private static final UserData.TypedKey<Agent> AGENT = new UserData.TypedKey<>("parley.agent");
    private static final UserData.TypedKey<Subscriber> WATCHING = new UserData.TypedKey<>("parley.watching");
    private static final UserData.TypedKey<String> ADDRESS = new UserData.TypedKey<>("parley.address");

    private final ObjectMapper json;
    private final Frames frames;
    private final ConversationHub hub;
    private final TurnStore turns;
    private final Lifecycle lifecycle;
    private final Handoff handoff;
    private final ChatConfig chat;
    private final AgentAccounts accounts;
    private final AgentHub consoles;
    private final Sessions sessions;
    private final AuditTrail audit;
    private final ClientAddress clientAddress;

    AgentProtocol(ObjectMapper json, Frames frames, ConversationHub hub, TurnStore turns, Lifecycle lifecycle, Handoff handoff,
                  AgentAccounts accounts, AgentHub consoles, ChatConfig chat, Sessions sessions, AuditTrail audit,
                  ClientAddress clientAddress) {
        this.sessions = sessions;
        this.audit = audit;
        this.clientAddress = clientAddress;
        this.turns = turns;
        this.lifecycle = lifecycle;
        this.chat = chat;
        this.json = json;
        this.frames = frames;
        this.hub = hub;
        this.handoff = handoff;
        this.accounts = accounts;
        this.consoles = consoles;
    }

    void onOpen(WebSocketConnection connection, SecurityIdentity identity) {
        Agent agent = accounts.current(identity);
        connection.userData().put(AGENT, agent);
        connection.userData().put(ADDRESS, clientAddress.of(connection.handshakeRequest()));
        // the upgrade passed SessionGuard, so the marker is there and admitted
        long signedIn = sessions.fromCookieHeader(connection.handshakeRequest().header("Cookie"))
                .map(Sessions.Marker::signedInMillis).orElse(Long.MIN_VALUE);
        consoles.add(connection, agent, signedIn);
        hub.send(connection, json.createObjectNode().put("type", "ready").set("agent", json.valueToTree(
                Map.of("username", agent.username, "displayName", agent.displayName, "role", agent.role))).toString());
    }

    void onClose(WebSocketConnection connection) {
        unwatch(connection);
        consoles.remove(connection);
    }

    void onFrame(WebSocketConnection connection, String raw) {
        FrameInput.Parsed parsed = FrameInput.parse(json, raw);
        if (parsed.problem() != null) {
            error(connection, ErrorCode.BAD_FRAME, parsed.problem(), null);
            return;
        }
        JsonNode frame = parsed.frame();
        String type = parsed.type();
        try {
            switch (type) {
                case "watch" -> watch(connection, frame);
                case "unwatch" -> unwatch(connection);
                case "typing" -> typing(connection, frame);
                case "message" -> reply(connection, frame);
                default -> error(connection, ErrorCode.BAD_FRAME, "Unknown frame type \"" + type + "\".", null);
            }
        } catch (RuntimeException e) {
            ParleyException failure = ParleyException.of(e);
            if (failure.code() == ErrorCode.INTERNAL) {
                LOG.errorf(e, "agent %s frame failed", type);
            }
            hub.send(connection, frames.error(failure, frame.path("id").isTextual() ? frame.path("id").asText() : null));
        }
    }

    /** Follows one conversation: {@code watching}, then its messages after {@code lastSeq}, then live. */
    private void watch(WebSocketConnection connection, JsonNode frame) {
        UUID id = conversationId(frame);
        long lastSeq = Math.max(0, frame.path("lastSeq").asLong(0));
        Long stored = turns.lastSeqs(java.util.List.of(id)).get(id);
        if (stored == null) {
            throw new NoSuchConversationException(id);
        }
        unwatch(connection);
        Subscriber s = hub.join(id, connection, lastSeq, stored, seq -> json.createObjectNode().put("type", "watching")
                .put("conversationId", id.toString()).put("seq", seq).toString(), true);
        connection.userData().put(WATCHING, s);
        audited(connection, AuditAction.TRANSCRIPT_VIEW, id);
    }

    /** What an agent does on the socket is recorded like the same act over the API. */
    private void audited(WebSocketConnection connection, AuditAction action, UUID conversation) {
        Agent agent = connection.userData().get(AGENT);
        audit.record(new AuditEntry(agent.username, connection.userData().get(ADDRESS), action, conversation.toString(),
                AuditOutcome.OK, Map.of("via", "/ws/agent")));
    }

    private void unwatch(WebSocketConnection connection) {
        Subscriber s = connection.userData().get(WATCHING);
        if (s != null) {
            hub.leave(s);
            connection.userData().remove(WATCHING);
        }
    }

    /** Shown to the customer only while this agent has the conversation; at most once a second. */
    private void typing(WebSocketConnection connection, JsonNode frame) {
        UUID id = conversationId(frame);
        Agent agent = connection.userData().get(AGENT);
        if (FrameInput.typingAllowed(connection) && lifecycle.holder(id).filter(agent.id::equals).isPresent()) {
            hub.typing(id, true, accounts.displayName(agent));
        }
    }

    private void reply(WebSocketConnection connection, JsonNode frame) {
        UUID id = conversationId(frame);
        JsonNode msgId = frame.path("id");
        if (!FrameInput.validId(msgId)) {
            throw ParleyException.badInput(FrameInput.MESSAGE_ID_RULE);
        }
        String text = frame.path("text").asText("");
        if (text.isBlank() || text.length() > chat.maxTextChars()) {
            throw ParleyException.badInput("\"text\" is 1 to " + chat.maxTextChars() + " characters.");
        }
        if (!FrameInput.storable(text)) {
            throw ParleyException.badInput(FrameInput.STORABLE_RULE);
        }
        Agent agent = connection.userData().get(AGENT);
        Lifecycle.Change change = handoff.reply(id, agent.id, accounts.displayName(agent), msgId.asText(), text.strip());
        if (change.notice() != null) {
            audited(connection, AuditAction.REPLY, id);
        }
        if (change.notice() == null) {
            // the same id again: nothing new stored; tell this console it is done
            hub.send(connection, json.createObjectNode().put("type", "ack").put("id", msgId.asText()).toString());
        }
    }

    private static UUID conversationId(JsonNode frame) {
        try {
            return UUID.fromString(frame.path("conversationId").asText(""));
        } catch (IllegalArgumentException e) {
            throw ParleyException.badInput("\"conversationId\" must be a conversation id.");
        }
    }

    private void error(WebSocketConnection connection, ErrorCode code, String message, String turn) {
        hub.send(connection, frames.error(code, message, turn, null));
    }
}
