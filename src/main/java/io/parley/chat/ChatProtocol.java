package io.parley.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.agent.Handoff;
import io.parley.conversation.ConflictException;
import io.parley.conversation.Conversation;
import io.parley.widget.Identity;
import io.parley.conversation.ConversationStatus;
import io.parley.conversation.ConversationStore;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

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
    private final ConversationStore store;
    private final TurnService turns;
    private final ChatConfig config;
    private final Handoff handoff;
    private final Identity identity;

    ChatProtocol(ObjectMapper json, Frames frames, ConversationHub hub, ConversationStore store, TurnService turns, ChatConfig config,
                 Handoff handoff, Identity identity) {
        this.handoff = handoff;
        this.identity = identity;
        this.json = json;
        this.frames = frames;
        this.hub = hub;
        this.store = store;
        this.turns = turns;
        this.config = config;
    }

    /**
     * Runs on the event loop: the frame is read and checked here, and work that touches the database
     * goes to a worker thread. A message's model call starts here, so it never waits for a worker
     * (see TurnService#askEarly). Frames of one connection still run one at a time, in order: the
     * next frame waits until the returned Uni completes.
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
                if (databaseFailure(e)) {
                    LOG.warnf("%s frame not handled, database unavailable: %s", type, e.getMessage());
                    hub.send(connection, frames.error(ErrorCode.STORAGE_UNAVAILABLE,
                            "The server cannot reach its database. Send this frame again shortly.", null, 1000L));
                } else {
                    LOG.errorf(e, "%s frame failed", type);
                    reject(connection, ErrorCode.INTERNAL, "The server could not handle this frame.");
                }
            } finally {
                if (activated) {
                    requests.terminate();
                }
            }
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    public void onClose(WebSocketConnection connection) {
        Session session = connection.userData().get(SESSION);
        if (session != null) {
            hub.leave(session.subscriber());
        }
    }

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
        String site = connection.handshakeRequest().header("Origin");
        Optional<String> userId = optionalText(frame, "userId");
        if (userId.isPresent()) {
            // a verified site user: their identity, not a token, opens their one conversation
            if (userId.get().length() > 200 || !identity.verify(userId.get(), optionalText(frame, "userHash").orElse(null))) {
                reject(connection, ErrorCode.UNAUTHORIZED, identity.configured()
                        ? "The user's identity could not be verified (userHash must be HMAC-SHA256 of userId with the site's secret)."
                        : "Verified identities are not enabled on this server (parley.widget.identity-secret).");
                return;
            }
            ConversationStore.Opened opened = store.openForUser(userId.get(), locale, site);
            Conversation c = opened.conversation();
            hub.sweepInterrupted(c.id);
            long lastSeq = token.flatMap(store::findByToken).filter(k -> k.id.equals(c.id)).isPresent() ? Math.max(0, lastSeqNode.asLong(0)) : 0;
            Subscriber subscriber = hub.join(c.id, connection, lastSeq, c.lastSeq, seq -> frames.ready(c.id, opened.token(), seq, c.status));
            subscriber.state(ConversationStatus.BOT.wire().equals(c.status), c.priority);
            connection.userData().put(SESSION, new Session(c.id, locale != null ? locale : c.locale, subscriber));
            return;
        }
        if (token.isEmpty()) {
            ConversationStore.Opened opened = store.create(locale, site, null);
            Conversation c = opened.conversation();
            Subscriber subscriber = hub.join(c.id, connection, 0, 0, seq -> frames.ready(c.id, opened.token(), seq, c.status));
            subscriber.state(ConversationStatus.BOT.wire().equals(c.status), c.priority);
            connection.userData().put(SESSION, new Session(c.id, locale, subscriber));
            return;
        }
        Optional<Conversation> found = store.findByToken(token.get());
        if (found.isEmpty()) {
            reject(connection, ErrorCode.UNAUTHORIZED, "This token does not open any conversation. Say hello without a token to start a new one.");
            return;
        }
        Conversation c = found.get();
        // answers left streaming by a Parley that died become stored, interrupted answers before the replay
        hub.sweepInterrupted(c.id);
        long lastSeq = Math.max(0, lastSeqNode.asLong(0));
        Subscriber subscriber = hub.join(c.id, connection, lastSeq, c.lastSeq, seq -> frames.ready(c.id, token.get(), seq, c.status));
        subscriber.state(ConversationStatus.BOT.wire().equals(c.status), c.priority);
        connection.userData().put(SESSION, new Session(c.id, locale != null ? locale : c.locale, subscriber));
    }

    /** Checks a message frame on the event loop and starts its model call; returns the storing part, or null if refused. */
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
        if (text.asText().length() > config.maxTextChars()) {
            hub.send(connection, frames.error(ErrorCode.TOO_LARGE,
                    "A message may be at most " + config.maxTextChars() + " characters.", id.asText(), null));
            return null;
        }
        String turn = id.asText();
        String body = text.asText().strip();
        TurnService.ActiveTurn early;
        try {
            early = turns.askEarly(session, turn, body);
        } catch (RuntimeException e) {
            LOG.warnf(e, "request_id=%s early model call not started; the turn asks after storing", turn);
            early = null; // only a head start: the turn goes on without it
        }
        TurnService.ActiveTurn started = early;
        return () -> turns.onMessage(connection, session, turn, body, started);
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
        try {
            handoff.rate(session.conversationId(), score.asInt(), comment);
        } catch (ConflictException e) {
            reject(connection, ErrorCode.NOT_ALLOWED, e.getMessage());
        }
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

    /** The database is away (any layer may wrap it: Hibernate, Narayana, Agroal, pgjdbc). */
    static boolean databaseFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PersistenceException || t instanceof java.sql.SQLException) {
                return true;
            }
        }
        return false;
    }

    private static Optional<String> optionalText(JsonNode frame, String field) {
        JsonNode v = frame.path(field);
        return v.isTextual() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
    }
}
