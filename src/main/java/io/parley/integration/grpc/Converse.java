package io.parley.integration.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.chat.ChatConfig;
import io.parley.chat.ConversationHub;
import io.parley.chat.FrameInput;
import io.parley.chat.FrameSink;
import io.parley.chat.Frames;
import io.parley.chat.Session;
import io.parley.chat.Subscriber;
import io.parley.chat.TurnService;
import io.parley.conversation.Channel;
import io.parley.conversation.Conversation;
import io.parley.conversation.Conversations;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import io.parley.integration.ChannelTurns;
import io.parley.integration.keys.IntegrationKey;
import io.parley.integration.keys.IntegrationKeys;
import io.parley.integration.keys.Scope;
import io.parley.integration.grpc.v1.Frame;
import io.parley.lifecycle.Handoff;
import io.parley.limits.Limits;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.websockets.next.CloseReason;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * {@code Converse}: the WebSocket protocol's frames over one bidirectional gRPC stream. The stream
 * follows its conversation as a customer socket does (its own answers, agents' replies, notices),
 * and each {@code message} runs the same turn as on the socket. Frames are read one at a time, in order.
 */
@ApplicationScoped
class Converse {

    /** Frames a reader has not taken yet; past it the stream ends with RESOURCE_EXHAUSTED, as a slow socket is closed. */
    private static final int BUFFER = 4096;

    private final IntegrationKeys keys;
    private final ChannelTurns channel;
    private final TurnService turns;
    private final ConversationHub hub;
    private final Frames frames;
    private final Conversations conversations;
    private final Handoff handoff;
    private final Limits limits;
    private final ObjectMapper json;
    private final ChatConfig chat;

    Converse(IntegrationKeys keys, ChannelTurns channel, TurnService turns, ConversationHub hub, Frames frames, Conversations conversations,
             Handoff handoff, Limits limits, ObjectMapper json, ChatConfig chat) {
        this.chat = chat;
        this.keys = keys;
        this.channel = channel;
        this.turns = turns;
        this.hub = hub;
        this.frames = frames;
        this.conversations = conversations;
        this.handoff = handoff;
        this.limits = limits;
        this.json = json;
    }

    Multi<Frame> run(String presented, Multi<Frame> in) {
        return Multi.createFrom().<Frame>emitter(out -> {
            Stream stream = new Stream(out);
            out.onTermination(stream::leave);
            in.emitOn(Infrastructure.getDefaultWorkerPool()).subscribe().with(
                    frame -> stream.onFrame(presented, frame.getJson()),
                    failure -> out.complete(), // the client went away or cancelled: its answers go on and are stored
                    out::complete);
        }, BackPressureStrategy.ERROR).onOverflow().buffer(BUFFER).onFailure().transform(GrpcErrors::of);
    }

    /** One Converse stream: its key, its session once hello succeeded, and the sink the hub sends it frames through. */
    private final class Stream extends FrameSink {
        private final MultiEmitter<? super Frame> out;
        private IntegrationKey key;
        private volatile Session session;

        Stream(MultiEmitter<? super Frame> out) {
            this.out = out;
        }

        void onFrame(String presented, String raw) {
            ManagedContext requests = Arc.container().requestContext();
            boolean activated = !requests.isActive();
            if (activated) {
                requests.activate();
            }
            try {
                if (key == null) {
                    key = keys.authenticate(presented, Scope.CHAT); // a bad key ends the call: UNAUTHENTICATED
                }
                handle(raw);
            } catch (ParleyException e) {
                if (e.code() == ErrorCode.UNAUTHORIZED || e.code() == ErrorCode.FORBIDDEN) {
                    out.fail(e);
                } else {
                    send(frames.error(e, null));
                }
            } catch (RuntimeException e) {
                send(frames.error(ParleyException.of(e), null));
            } finally {
                if (activated) {
                    requests.terminate();
                }
            }
        }

        private void handle(String raw) {
            if (raw.length() * 3L > 65536 && raw.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 65536) {
                throw new ParleyException(ErrorCode.TOO_LARGE, "Frames may be at most 65536 bytes.");
            }
            FrameInput.Parsed parsed = FrameInput.parse(json, raw);
            if (parsed.problem() != null) {
                throw ParleyException.badInput(parsed.problem());
            }
            JsonNode frame = parsed.frame();
            switch (parsed.type()) {
                case "hello" -> hello(frame);
                case "message" -> message(frame);
                case "handoff" -> handoff.request(required().conversationId(), "customer", "customer asked for a person");
                case "typing" -> hub.typing(required().conversationId(), false, null);
                default -> throw ParleyException.badInput("Unknown frame type \"" + parsed.type() + "\".");
            }
        }

        private void hello(JsonNode frame) {
            if (session != null) {
                throw ParleyException.badInput("This stream already said hello.");
            }
            String locale = text(frame, "locale");
            String token = text(frame, "token");
            long lastSeq = Math.max(0, frame.path("lastSeq").asLong(0));
            Conversation c;
            String sessionToken;
            if (token != null) {
                c = conversations.findByToken(token).orElseThrow(() -> new ParleyException(ErrorCode.UNAUTHORIZED,
                        "This token does not open any conversation. Say hello without a token to start a new one."));
                sessionToken = token;
            } else {
                ChannelTurns.Started started = channel.start(Channel.GRPC, locale, text(frame, "userId"));
                c = channel.find(started.conversationId());
                sessionToken = started.token();
                lastSeq = 0;
            }
            if (c.lastSeq > 0) {
                turns.sweepInterrupted(c.id);
            }
            Conversation opened = c;
            Subscriber s = hub.join(c.id, this, lastSeq, c.lastSeq, seq -> frames.ready(opened.id, sessionToken, seq, opened.status, chat.maxTextChars()), false);
            session = new Session(c.id, locale != null ? locale : c.locale, s, null, key.caller());
        }

        private void message(JsonNode frame) {
            Session s = session;
            if (s == null) {
                throw new ParleyException(ErrorCode.HELLO_REQUIRED, "Send a hello frame before any message.");
            }
            String id = frame.path("id").isTextual() ? frame.path("id").asText() : null;
            String text = frame.path("text").isTextual() ? frame.path("text").asText() : null;
            try {
                channel.check(id, text);
                limits.message(s.conversationId());
            } catch (ParleyException e) {
                send(frames.error(e, id));
                return;
            }
            turns.onMessage(this, s, id, text.strip());
        }

        private Session required() {
            if (session == null) {
                throw new ParleyException(ErrorCode.HELLO_REQUIRED, "Send a hello frame first.");
            }
            return session;
        }

        void leave() {
            Session s = session;
            if (s != null) {
                hub.leave(s.subscriber());
            }
        }

        private void send(String frame) {
            if (!out.isCancelled()) {
                out.emit(Frame.newBuilder().setJson(frame).build());
            }
        }

        @Override
        public String id() {
            return "grpc:" + (key == null ? "?" : key.caller());
        }

        @Override
        public boolean isOpen() {
            return !out.isCancelled();
        }

        @Override
        public Uni<Void> sendText(String frame) {
            send(frame);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> close(CloseReason reason) {
            out.fail(new ParleyException(ErrorCode.MODEL_UNAVAILABLE, "The server is restarting: open the stream again and resume with lastSeq.", 2000L, null));
            return Uni.createFrom().voidItem();
        }
    }

    private static String text(JsonNode frame, String field) {
        JsonNode v = frame.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }
}
