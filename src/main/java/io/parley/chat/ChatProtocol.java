package io.parley.chat;

import io.parley.conversation.Channel;
import io.parley.conversation.Conversation;
import io.parley.conversation.Conversations;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import io.parley.lifecycle.Handoff;
import io.parley.limits.Limits;
import io.parley.ops.ClientAddress;
import io.parley.widget.Identity;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.websockets.next.CloseReason;
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
    /** The client address a socket is counted under, set when it opened within the limit. */
    private static final UserData.TypedKey<String> ADDRESS = new UserData.TypedKey<>("parley.address");
    /** WebSocket close code 1013, "try again later": the client reconnects with backoff. */
    static final int TRY_AGAIN_LATER = 1013;
    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final ObjectMapper json;
    private final Frames frames;
    private final ConversationHub hub;
    private final Conversations conversations;
    private final TurnService turns;
    private final ChatConfig config;
    private final Handoff handoff;
    private final Identity identity;
    private final Limits limits;
    private final ClientAddress clientAddress;

    ChatProtocol(ObjectMapper json, Frames frames, ConversationHub hub, Conversations conversations, TurnService turns, ChatConfig config,
                 Handoff handoff, Identity identity, Limits limits, ClientAddress clientAddress) {
        this.limits = limits;
        this.clientAddress = clientAddress;
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
        if (connection.userData().get(ADDRESS) == null) {
            return DONE; // refused at open (over the socket limit) and closing: its frames are not read
        }
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
            case "start" -> blocking(connection, type, () -> start(connection));
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
        if (connection.userData().get(ADDRESS) == null) {
            return;
        }
        reject(connection, ErrorCode.BAD_FRAME, "Frames are JSON text; binary frames are not part of the protocol.");
    }

    /**
     * Counts the socket under its client address; over {@code parley.limits.sockets-per-address} it
     * gets {@code error rate_limited} and is closed with 1013 (try again later).
     */
    public void onOpen(WebSocketConnection connection) {
        String address = clientAddress.of(connection.handshakeRequest());
        if (limits.openSocket(address)) {
            connection.userData().put(ADDRESS, address);
            return;
        }
        LOG.infof("customer socket from %s refused: too many open from that address", address);
        hub.send(connection, frames.error(ErrorCode.RATE_LIMITED,
                "Too many chat connections are open from your network. Close some tabs or try again shortly.", null, limits.socketRetryAfterMs()));
        connection.close(new CloseReason(TRY_AGAIN_LATER, "too many connections from this address")).subscribe().with(ok -> {
        }, failure -> {
        });
    }

    public void onClose(WebSocketConnection connection) {
        Session session = connection.userData().get(SESSION);
        if (session != null) {
            hub.leave(session.subscriber());
        }
        String address = connection.userData().remove(ADDRESS);
        if (address != null) {
            limits.closeSocket(address);
        }
    }

    /**
     * Opens the connection's conversation: a new one (no token; stored only when the visitor first
     * writes), the token's, or a verified site user's (their identity opens it, and its token is
     * replaced). Then {@code ready} and the replay of what came after {@code lastSeq}.
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
        boolean stored = true;
        if (userId.isPresent()) {
            if (userId.get().length() > 200 || !identity.verify(userId.get(), optionalText(frame, "userHash").orElse(null))) {
                reject(connection, ErrorCode.UNAUTHORIZED, identity.configured()
                        ? "The user's identity could not be verified (userHash must be HMAC-SHA256 of userId with the site's secret)."
                        : "Verified identities are not enabled on this server (parley.widget.identity-secret).");
                return;
            }
            // the client's token is checked before opening replaces it: it resumes from lastSeq only in its own conversation
            Optional<UUID> resumed = token.flatMap(conversations::findByToken).map(c -> c.id);
            Conversations.ForUser forUser = conversations.openForUser(userId.get(), locale, site);
            opened = forUser.opened();
            stored = forUser.stored();
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
            opened = conversations.draft(locale, site, null);
            stored = false;
            lastSeq = 0;
        }
        Conversation c = opened.conversation();
        if (!stored) {
            c.channel = channelOf(site, connection.handshakeRequest());
        }
        if (c.lastSeq > 0) {
            // answers left streaming by a Parley that died become stored, interrupted answers before the replay
            turns.sweepInterrupted(c.id);
        }
        Subscriber subscriber = hub.join(c.id, connection, lastSeq, c.lastSeq, seq -> frames.ready(c.id, opened.token(), seq, c.status, config.maxTextChars()));
        connection.userData().put(SESSION, new Session(c.id, locale != null ? locale : c.locale, subscriber, stored ? null : c,
                connection.userData().get(ADDRESS)));
    }

    /**
     * The session with its conversation stored: a draft is stored now (the visitor's first message or
     * request for a person), within {@code parley.limits.conversations-per-hour} of the client address.
     */
    private Session stored(WebSocketConnection connection, Session session) {
        if (session.draft() == null) {
            return session;
        }
        String address = session.address() != null ? session.address() : clientAddress.of(connection.handshakeRequest());
        limits.newConversation(address);
        conversations.store(session.draft());
        Session now = session.stored();
        connection.userData().put(SESSION, now);
        return now;
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
        try {
            limits.message(session.conversationId()); // refused before any work: not stored, the same id may come again
        } catch (ParleyException refused) {
            hub.send(connection, frames.error(refused, turn));
            return null;
        }
        String body = text.asText().strip();
        return () -> {
            Session s;
            try {
                s = stored(connection, session);
            } catch (RuntimeException e) {
                ParleyException failure = ParleyException.of(e);
                if (failure.code() == ErrorCode.INTERNAL) {
                    LOG.errorf(e, "request_id=%s conversation not stored", turn);
                }
                hub.send(connection, frames.error(failure, turn));
                return;
            }
            turns.onMessage(FrameSink.of(connection), s, turn, body);
        };
    }

    /** Relayed to agents watching the conversation, at most once a second per connection. */
    private void typing(WebSocketConnection connection) {
        Session session = session(connection);
        if (session == null || session.draft() != null) {
            return; // nobody can watch a conversation that is not stored yet
        }
        if (FrameInput.typingAllowed(connection)) {
            hub.typing(session.conversationId(), false, null);
        }
    }

    /** The customer asks for a person: the conversation waits for an agent and a system message says what happens next. */
    private void handoff(WebSocketConnection connection, JsonNode frame) {
        Session session = session(connection);
        if (session != null) {
            session = stored(connection, session); // asking for a person starts the conversation, as a first message does
            String reason = optionalText(frame, "reason").map(r -> r.length() > 200 ? r.substring(0, 200) : r).orElse("customer asked for a person");
            handoff.request(session.conversationId(), "customer", reason);
        }
    }

    /**
     * The visitor is about to send something that is not a message frame (an image, over HTTP with the token):
     * their conversation is stored now, as by a first message, and {@code started} says it exists.
     */
    private void start(WebSocketConnection connection) {
        Session session = session(connection);
        if (session != null) {
            hub.send(connection, frames.started(stored(connection, session).conversationId()));
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
        if (session.draft() != null) {
            reject(connection, ErrorCode.NOT_ALLOWED, "Only a resolved conversation can be rated.");
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

    /** Parley's own page opens the socket from this server's origin; any other site embeds the widget. */
    private static Channel channelOf(String origin, io.quarkus.websockets.next.HandshakeRequest request) {
        if (origin == null) {
            return Channel.WEB;
        }
        try {
            java.net.URI u = java.net.URI.create(origin);
            int port = u.getPort() != -1 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
            return u.getHost() != null && u.getHost().equalsIgnoreCase(request.host()) && port == request.port() ? Channel.WEB : Channel.WIDGET;
        } catch (IllegalArgumentException e) {
            return Channel.WIDGET;
        }
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
