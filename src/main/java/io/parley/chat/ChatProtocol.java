package io.parley.chat;

import io.parley.conversation.Conversation;
import io.parley.conversation.Conversations;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import io.parley.lifecycle.Handoff;
import io.parley.widget.Identity;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads client frames of protocol version 1, validates them and hands them to the services.
 * Every bad frame gets an {@code error} frame with a stable code; the connection stays open.
 */
@ApplicationScoped
public class ChatProtocol {

    private static final Logger LOG = Logger.getLogger(ChatProtocol.class);
    private static final UserData.TypedKey<Session> SESSION = new UserData.TypedKey<>("parley.session");
    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final ObjectMapper json;
    private final Frames frames;
    private final ConversationHub hub;
    private final Conversations conversations;
    private final TurnService turns;
    private final ChatConfig config;
    private final Handoff handoff;
    private final Identity identity;

    ChatProtocol(ObjectMapper json, Frames frames, ConversationHub hub, Conversations conversations, TurnService turns, ChatConfig config,
                 Handoff handoff, Identity identity) {
        this.handoff = handoff;
        this.identity = identity;
        this.json = json;
        this.frames = frames;
        this.hub = hub;
        this.conversations = conversations;
        this.turns = turns;
        this.config = config;
    }

    /**
     * Runs on the event loop: the frame is read and checked here, and work that touches the database
     * goes to a worker thread. Frames of one connection run one at a time, in order: the next frame
     * waits until the returned Uni completes.
     */
    public Uni<Void> onFrame(WebSocketConnection connection, String raw) {
        if (tooLarge(raw)) {
            reject(connection, ErrorCode.TOO_LARGE, "Frames may be at most " + config.maxFrameBytes() + " bytes.");
            return DONE;
        }
        FrameInput.Parsed parsed = FrameInput.parse(json, raw);
        if (parsed.problem() != null) {
            reject(connection, ErrorCode.BAD_FRAME, parsed.problem());
            return DONE;
        }
        JsonNode frame = parsed.frame();
        String type = parsed.type();
        return switch (type) {
            case "hello" -> blocking(connection, type, () -> hello(connection, frame));
            case "message" -> {
                Runnable store = message(connection, frame);
                yield store == null ? DONE : blocking(connection, type, store);
            }
            case "typing" -> blocking(connection, type, () -> typing(connection));
            case "handoff" -> blocking(connection, type, () -> handoff(connection, frame));
            case "rate" -> blocking(connection, type, () -> rate(connection, frame));
            default -> {
                reject(connection, ErrorCode.BAD_FRAME, "Unknown frame type \"" + type + "\".");
                yield DONE;
            }
        };
    }

    /** {@code work} on a worker thread, with a request context; any failure becomes an error frame. */
    private Uni<Void> blocking(WebSocketConnection connection, String type, Runnable work) {
        return Uni.createFrom().<Void>item(() -> {
            ManagedContext requests = Arc.container().requestContext();
            boolean activated = !requests.isActive();
            if (activated) {
                requests.activate();
            }
            try {
                work.run();
            } catch (RuntimeException e) {
                ParleyException failure = ParleyException.of(e);
                if (failure.code() == ErrorCode.INTERNAL) {
                    LOG.errorf(e, "%s frame failed", type);
                } else {
                    LOG.warnf("%s frame refused: %s %s", type, failure.code().wire, e.getMessage());
                }
                hub.send(connection, frames.error(failure, null));
            } finally {
                if (activated) {
                    requests.terminate();
                }
            }
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    public void refuseBinary(WebSocketConnection connection) {
        reject(connection, ErrorCode.BAD_FRAME, "Frames are JSON text; binary frames are not part of the protocol.");
    }

    public void onClose(WebSocketConnection connection) {
        Session session = connection.userData().get(SESSION);
        if (session != null) {
            hub.leave(session.subscriber());
        }
    }

    /**
     * Opens the connection's conversation: a new one (no token), the token's, or a verified site
     * user's (their identity opens it, and its token is replaced). Then {@code ready} and the replay
     * of what came after {@code lastSeq}.
     */
    private void hello(WebSocketConnection connection, JsonNode frame) {
        if (connection.userData().get(SESSION) != null) {
            reject(connection, ErrorCode.BAD_FRAME, "This connection already said hello.");
            return;
        }
        String locale = optionalText(frame, "locale").orElse(null);
        Optional<String> token = optionalText(frame, "token");
        JsonNode lastSeqNode = frame.path("lastSeq");
        if (!lastSeqNode.isMissingNode() && !lastSeqNode.isNull() && !lastSeqNode.canConvertToLong()) {
            reject(connection, ErrorCode.BAD_FRAME, "\"lastSeq\" must be a number.");
            return;
        }
        long lastSeq = Math.max(0, lastSeqNode.asLong(0));
        String site = connection.handshakeRequest().header("Origin");
        Optional<String> userId = optionalText(frame, "userId");
        Conversations.Opened opened;
        if (userId.isPresent()) {
            if (userId.get().length() > 200 || !identity.verify(userId.get(), optionalText(frame, "userHash").orElse(null))) {
                reject(connection, ErrorCode.UNAUTHORIZED, identity.configured()
                        ? "The user's identity could not be verified (userHash must be HMAC-SHA256 of userId with the site's secret)."
                        : "Verified identities are not enabled on this server (parley.widget.identity-secret).");
                return;
            }
            // the client's token is checked before opening replaces it: it resumes from lastSeq only in its own conversation
            Optional<UUID> resumed = token.flatMap(conversations::findByToken).map(c -> c.id);
            opened = conversations.openForUser(userId.get(), locale, site);
            UUID id = opened.conversation().id;
            lastSeq = resumed.filter(id::equals).isPresent() ? lastSeq : 0;
        } else if (token.isPresent()) {
            Optional<Conversation> found = conversations.findByToken(token.get());
            if (found.isEmpty()) {
                reject(connection, ErrorCode.UNAUTHORIZED, "This token does not open any conversation. Say hello without a token to start a new one.");
                return;
            }
            opened = new Conversations.Opened(found.get(), token.get());
        } else {
            opened = conversations.create(locale, site, null);
            lastSeq = 0;
        }
        Conversation c = opened.conversation();
        if (c.lastSeq > 0) {
            // answers left streaming by a Parley that died become stored, interrupted answers before the replay
            turns.sweepInterrupted(c.id);
        }
        Subscriber subscriber = hub.join(c.id, connection, lastSeq, c.lastSeq, seq -> frames.ready(c.id, opened.token(), seq, c.status));
        connection.userData().put(SESSION, new Session(c.id, locale != null ? locale : c.locale, subscriber));
    }

    /** Checks a message frame on the event loop; returns the storing part (for a worker thread), or null if refused. */
    private Runnable message(WebSocketConnection connection, JsonNode frame) {
        Session session = connection.userData().get(SESSION);
        if (session == null) {
            reject(connection, ErrorCode.HELLO_REQUIRED, "Send a hello frame before any message.");
            return null;
        }
        JsonNode id = frame.path("id");
        if (!FrameInput.validId(id)) {
            reject(connection, ErrorCode.BAD_FRAME, FrameInput.MESSAGE_ID_RULE);
            return null;
        }
        JsonNode text = frame.path("text");
        if (!text.isTextual() || text.asText().isBlank()) {
            hub.send(connection, frames.error(ErrorCode.BAD_FRAME, "\"text\" must be a non-empty string.", id.asText(), null));
            return null;
        }
        if (!FrameInput.storable(text.asText())) {
            hub.send(connection, frames.error(ErrorCode.BAD_FRAME, FrameInput.STORABLE_RULE, id.asText(), null));
            return null;
        }
        if (text.asText().length() > config.maxTextChars()) {
            hub.send(connection, frames.error(ErrorCode.TOO_LARGE,
                    "A message may be at most " + config.maxTextChars() + " characters.", id.asText(), null));
            return null;
        }
        String turn = id.asText();
        String body = text.asText().strip();
        return () -> turns.onMessage(connection, session, turn, body);
    }

    /** Relayed to agents watching the conversation, at most once a second per connection. */
    private void typing(WebSocketConnection connection) {
        Session session = session(connection);
        if (session == null) {
            return;
        }
        if (FrameInput.typingAllowed(connection)) {
            hub.typing(session.conversationId(), false, null);
        }
    }

    /** The customer asks for a person: the conversation waits for an agent and a system message says what happens next. */
    private void handoff(WebSocketConnection connection, JsonNode frame) {
        Session session = session(connection);
        if (session != null) {
            String reason = optionalText(frame, "reason").map(r -> r.length() > 200 ? r.substring(0, 200) : r).orElse("customer asked for a person");
            handoff.request(session.conversationId(), "customer", reason);
        }
    }

    private void rate(WebSocketConnection connection, JsonNode frame) {
        Session session = session(connection);
        if (session == null) {
            return;
        }
        JsonNode score = frame.path("score");
        if (!score.isIntegralNumber() || score.asInt() < 1 || score.asInt() > 5) {
            reject(connection, ErrorCode.BAD_FRAME, "\"score\" must be a whole number from 1 to 5.");
            return;
        }
        String comment = optionalText(frame, "comment").orElse(null);
        if (comment != null && comment.length() > 2000) {
            reject(connection, ErrorCode.TOO_LARGE, "A rating comment may be at most 2000 characters.");
            return;
        }
        handoff.rate(session.conversationId(), score.asInt(), comment); // not resolved: not_allowed, from the one mapper
    }

    private Session session(WebSocketConnection connection) {
        Session session = connection.userData().get(SESSION);
        if (session == null) {
            reject(connection, ErrorCode.HELLO_REQUIRED, "Send a hello frame first.");
        }
        return session;
    }

    private boolean tooLarge(String raw) {
        // cheap when clearly small; exact UTF-8 size otherwise
        return raw.length() * 3L > config.maxFrameBytes() && raw.getBytes(StandardCharsets.UTF_8).length > config.maxFrameBytes();
    }

    private void reject(WebSocketConnection connection, ErrorCode code, String message) {
        hub.send(connection, frames.error(code, message, null, null));
    }

    private static Optional<String> optionalText(JsonNode frame, String field) {
        JsonNode v = frame.path(field);
        return v.isTextual() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
    }
}
