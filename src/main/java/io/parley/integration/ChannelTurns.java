package io.parley.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.chat.ChatConfig;
import io.parley.chat.ConversationHub;
import io.parley.chat.FrameInput;
import io.parley.chat.Frames;
import io.parley.chat.Session;
import io.parley.chat.Subscriber;
import io.parley.chat.TurnService;
import io.parley.conversation.Channel;
import io.parley.conversation.Conversation;
import io.parley.conversation.ConversationRepository;
import io.parley.conversation.Conversations;
import io.parley.conversation.Message;
import io.parley.conversation.TurnStore;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import io.parley.limits.Limits;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The turn for callers that are not a customer's socket (REST, SSE, gRPC, batch): the very same
 * {@link TurnService} turn (storage, idempotency by message id, limits, accounting, cache, hand-off,
 * agent take-over), followed through a {@link TurnSink} that joins the conversation for the length
 * of the turn. Agents see these conversations like any other; the channel is recorded on each.
 */
@ApplicationScoped
public class ChannelTurns {

    private static final Logger LOG = Logger.getLogger(ChannelTurns.class);

    private final TurnService turns;
    private final ConversationHub hub;
    private final Frames frames;
    private final Conversations conversations;
    private final ConversationRepository repository;
    private final TurnStore store;
    private final Limits limits;
    private final ChatConfig chat;
    private final IntegrationConfig config;
    private final ObjectMapper json;

    ChannelTurns(TurnService turns, ConversationHub hub, Frames frames, Conversations conversations, ConversationRepository repository,
                 TurnStore store, Limits limits, ChatConfig chat, IntegrationConfig config, ObjectMapper json) {
        this.turns = turns;
        this.hub = hub;
        this.frames = frames;
        this.conversations = conversations;
        this.repository = repository;
        this.store = store;
        this.limits = limits;
        this.chat = chat;
        this.config = config;
        this.json = json;
    }

    /** A conversation started on a channel: its id, and the token a customer's page or widget could resume it with. */
    public record Started(UUID conversationId, String token, long seq, String status) {
    }

    /**
     * Starts (and stores) a conversation; for {@code userId} (the business's own id for its customer,
     * trusted because the caller holds a key) their open conversation, as the widget's verified identity does.
     */
    public Started start(Channel channel, String locale, String userId) {
        if (locale != null && locale.length() > 20) {
            throw ParleyException.badInput("\"locale\" may be at most 20 characters.");
        }
        if (userId != null && (userId.isBlank() || userId.length() > 200)) {
            throw ParleyException.badInput("\"userId\" must be 1 to 200 characters.");
        }
        Conversations.Opened opened;
        boolean stored = false;
        if (userId != null) {
            Conversations.ForUser forUser = conversations.openForUser(userId, locale, null);
            opened = forUser.opened();
            stored = forUser.stored();
        } else {
            opened = conversations.draft(locale, null, null);
        }
        Conversation c = opened.conversation();
        if (!stored) {
            c.channel = channel;
            conversations.store(c);
        }
        return new Started(c.id, opened.token(), c.lastSeq, c.status.wire());
    }

    private static final java.util.Set<Channel> FROM_SERVERS = java.util.EnumSet.of(Channel.REST, Channel.GRPC, Channel.BATCH);

    /** Stores a conversation with a given id, unless it is stored already (a batch item taken again after a restart). */
    public void startWithId(UUID id, Channel channel, String locale) {
        Conversation c = conversations.draft(locale, null, null).conversation();
        c.id = id;
        c.channel = channel;
        conversations.store(c); // insert ... on conflict (id) do nothing
    }

    /**
     * The conversation, or {@code not_found}: only those started from a server (REST, gRPC, batch). A key
     * holder never reads or writes into a customer's chat from the page or the widget by knowing its id.
     */
    public Conversation find(UUID conversationId) {
        Conversation c = QuarkusTransaction.joiningExisting().call(() -> repository.findById(conversationId));
        if (c == null || !FROM_SERVERS.contains(c.channel)) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "No conversation " + conversationId + ".");
        }
        return c;
    }

    /** Stored messages after {@code afterSeq}, as {@code message} frames (at most a page). */
    public List<JsonNode> since(UUID conversationId, long afterSeq) {
        find(conversationId);
        return store.messagesAfter(conversationId, Math.max(0, afterSeq), chat.replayPage()).stream()
                .map(m -> read(frames.message(m))).toList();
    }

    /** Checks a message as the WebSocket does; {@code bad_frame} or {@code too_large} otherwise. */
    public void check(String messageId, String text) {
        if (messageId == null || !FrameInput.MESSAGE_ID.matcher(messageId).matches()) {
            throw ParleyException.badInput(FrameInput.MESSAGE_ID_RULE);
        }
        if (text == null || text.isBlank()) {
            throw ParleyException.badInput("\"text\" must be a non-empty string.");
        }
        if (!FrameInput.storable(text)) {
            throw ParleyException.badInput(FrameInput.STORABLE_RULE);
        }
        if (text.length() > chat.maxTextChars()) {
            throw new ParleyException(ErrorCode.TOO_LARGE, "A message may be at most " + chat.maxTextChars() + " characters.");
        }
    }

    /**
     * One turn's frames, in order: the stored customer message ({@code message}), then
     * {@code answer.start}, {@code answer.delta}s and {@code answer.end} (or the turn's {@code error},
     * or {@code awaiting.agent} when an agent has the conversation). Cancelling the subscription
     * cancels the model request. Checks ({@link #check}, the conversation, the message rate) throw
     * before anything is stored.
     *
     * @param caller the name limits and logs count the call under (a key)
     */
    public Multi<JsonNode> turn(UUID conversationId, String messageId, String text, String caller) {
        check(messageId, text);
        Conversation c = find(conversationId);
        limits.message(conversationId); // refused before any work: not stored, the same id may come again
        String body = text.strip();
        // a cancel that comes while the turn is being stored takes effect once it has started
        java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger(); // 0 starting, 1 started, 2 cancelled
        Multi<JsonNode> frames = Multi.createFrom().<JsonNode>emitter(out -> {
            TurnSink sink = new TurnSink(messageId, out, json);
            Subscriber follower;
            try {
                follower = hub.join(conversationId, sink, c.lastSeq, c.lastSeq, seq -> "{\"type\":\"ready\"}", false);
            } catch (RuntimeException e) {
                out.fail(e);
                return;
            }
            out.onTermination(() -> hub.leave(follower));
            inRequest(() -> {
                turns.onMessage(sink, new Session(conversationId, c.locale, follower, null, caller), messageId, body);
                if (!state.compareAndSet(0, 1)) {
                    turns.cancel(conversationId, messageId);
                }
                if (!sink.ended() && !find(conversationId).status.botAnswers()) {
                    sink.endAwaitingAgent();
                }
                return null;
            });
        }, BackPressureStrategy.BUFFER);
        return frames.runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(config.turnIdleTimeout()).failWith(() -> new ParleyException(ErrorCode.MODEL_UNAVAILABLE,
                        "No answer arrived in time. Send the same message id again to get it.", 2000L, null))
                .onFailure().recoverWithItem(failure -> read(this.frames.error(ParleyException.of(failure), messageId)))
                .onCancellation().invoke(() -> {
                    LOG.debugf("request_id=%s cancelled by the caller: model request cancelled", messageId);
                    if (state.getAndSet(2) == 1) {
                        turns.cancel(conversationId, messageId);
                    }
                });
    }

    /** {@link #turn} collected: the frames of the turn, once it ended. */
    public List<JsonNode> complete(UUID conversationId, String messageId, String text, String caller) {
        return turn(conversationId, messageId, text, caller).collect().asList().await().atMost(config.turnIdleTimeout().plus(Duration.ofSeconds(5)));
    }

    private static <T> T inRequest(Supplier<T> work) {
        ManagedContext requests = Arc.container().requestContext();
        boolean activated = !requests.isActive();
        if (activated) {
            requests.activate();
        }
        try {
            return work.get();
        } finally {
            if (activated) {
                requests.terminate();
            }
        }
    }

    private JsonNode read(String frame) {
        try {
            return json.readTree(frame);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
