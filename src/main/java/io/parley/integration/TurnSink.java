package io.parley.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.chat.FrameSink;
import io.parley.failure.ErrorCode;
import io.quarkus.websockets.next.CloseReason;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;

import java.io.IOException;

/**
 * The follower a REST, SSE or gRPC turn joins its conversation with: of everything the hub sends
 * the conversation, it passes on the frames of its own turn (the echo, answer.start/delta/end, the
 * turn's errors) and ends after the answer, or after an error that no answer follows.
 */
final class TurnSink extends FrameSink {

    private final String turn;
    private final MultiEmitter<? super JsonNode> out;
    private final ObjectMapper json;
    private volatile long customerSeq = -1;
    private volatile boolean ended;
    private volatile boolean answered;

    TurnSink(String turn, MultiEmitter<? super JsonNode> out, ObjectMapper json) {
        this.turn = turn;
        this.out = out;
        this.json = json;
    }

    @Override
    public String id() {
        return "turn:" + turn;
    }

    @Override
    public boolean isOpen() {
        return !ended && !out.isCancelled();
    }

    @Override
    public Uni<Void> sendText(String text) {
        if (isOpen()) {
            accept(text);
        }
        return Uni.createFrom().voidItem();
    }

    private synchronized void accept(String text) {
        if (ended) {
            return;
        }
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (IOException e) {
            return; // frames are ours and always JSON
        }
        String type = frame.path("type").asText();
        switch (type) {
            case "message" -> {
                if ("customer".equals(frame.path("role").asText()) && turn.equals(frame.path("id").asText())) {
                    customerSeq = frame.path("seq").asLong();
                    out.emit(frame);
                } else if ("assistant".equals(frame.path("role").asText()) && customerSeq >= 0
                        && frame.path("replyTo").asLong(-2) == customerSeq) {
                    answered = true; // the answer stored elsewhere (another instance, the sweep): as the turn's end
                    out.emit(frame);
                    end();
                }
            }
            case "answer.start", "answer.delta" -> {
                if (turn.equals(frame.path("turn").asText())) {
                    out.emit(frame);
                }
            }
            case "answer.end" -> {
                if (turn.equals(frame.path("turn").asText())) {
                    answered = true;
                    out.emit(frame);
                    end();
                }
            }
            case "error" -> {
                if (turn.equals(frame.path("turn").asText())) {
                    out.emit(frame);
                    // a storage error while the answer is being written: the answer follows
                    if (!ErrorCode.STORAGE_UNAVAILABLE.wire.equals(frame.path("code").asText())) {
                        end();
                    }
                }
            }
            default -> {
                // ready, typing, other turns' frames: not this call's
            }
        }
    }

    /** The customer message was stored and no answer comes from the bot (an agent has the conversation). */
    synchronized void endAwaitingAgent() {
        if (!ended) {
            out.emit(json.createObjectNode().put("type", "awaiting.agent").put("turn", turn));
            end();
        }
    }

    synchronized boolean ended() {
        return ended;
    }

    boolean answered() {
        return answered;
    }

    /** Ends with {@code error} for this turn (a restart, a timeout), unless it has ended. */
    synchronized void fail(ErrorCode code, String message, Long retryAfterMs) {
        if (!ended) {
            var f = json.createObjectNode().put("type", "error").put("code", code.wire).put("message", message).put("turn", turn);
            if (retryAfterMs != null) {
                f.put("retryAfterMs", retryAfterMs);
            }
            out.emit(f);
            end();
        }
    }

    private void end() {
        ended = true;
        out.complete();
    }

    @Override
    public Uni<Void> close(CloseReason reason) {
        fail(ErrorCode.MODEL_UNAVAILABLE, "The server is restarting. Send the same message id again to get the answer.", 2000L);
        return Uni.createFrom().voidItem();
    }
}
