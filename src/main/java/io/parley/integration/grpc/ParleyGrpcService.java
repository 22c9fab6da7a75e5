package io.parley.integration.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.conversation.Channel;
import io.parley.integration.ChannelTurns;
import io.parley.integration.TurnResult;
import io.parley.integration.keys.IntegrationKey;
import io.parley.integration.keys.IntegrationKeys;
import io.parley.integration.keys.Scope;
import io.parley.integration.grpc.v1.Answer;
import io.parley.integration.grpc.v1.AskRequest;
import io.parley.integration.grpc.v1.Entity;
import io.parley.integration.grpc.v1.Frame;
import io.parley.integration.grpc.v1.Parley;
import io.parley.integration.grpc.v1.Piece;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.util.List;
import java.util.UUID;

/**
 * The gRPC channel (src/main/proto/parley.proto): thin, every turn goes through {@link ChannelTurns}.
 * A call cancelled by its client or past its deadline cancels the turn's model request.
 */
@GrpcService
public class ParleyGrpcService implements Parley {

    private final ChannelTurns turns;
    private final IntegrationKeys keys;
    private final Converse converse;

    ParleyGrpcService(ChannelTurns turns, IntegrationKeys keys, Converse converse) {
        this.turns = turns;
        this.keys = keys;
        this.converse = converse;
    }

    @Override
    public Uni<Answer> ask(AskRequest request) {
        String key = KeyInterceptor.KEY.get();
        return cancelledWith(KeyInterceptor.CANCELLED.get(), Uni.createFrom().item(() -> open(key, request)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onItem().transformToUni(call -> turns.turn(call.conversationId, request.getMessageId(), request.getText(), call.key.caller())
                        .collect().asList()
                        .map(frames -> answer(TurnResult.of(call.conversationId.toString(), request.getMessageId(), frames))))
                .onFailure().transform(GrpcErrors::of));
    }

    /** A unary call's Uni is not cancelled by the server when the client cancels or the deadline passes: the interceptor says so. */
    private static <T> Uni<T> cancelledWith(KeyInterceptor.Cancelled cancelled, Uni<T> work) {
        if (cancelled == null) {
            return work;
        }
        return Uni.createFrom().emitter(out -> {
            io.smallrye.mutiny.subscription.Cancellable running = work.subscribe().with(out::complete, out::fail);
            cancelled.then(running::cancel);
        });
    }

    @Override
    public Multi<Piece> streamComplete(AskRequest request) {
        String key = KeyInterceptor.KEY.get();
        return Uni.createFrom().item(() -> open(key, request)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onItem().transformToMulti(call -> turns.turn(call.conversationId, request.getMessageId(), request.getText(), call.key.caller())
                        .onItem().transformToIterable(frame -> pieces(call.conversationId, request.getMessageId(), frame)))
                .onFailure().transform(GrpcErrors::of);
    }

    @Override
    public Multi<Frame> converse(Multi<Frame> frames) {
        return converse.run(KeyInterceptor.KEY.get(), frames);
    }

    private record Call(IntegrationKey key, UUID conversationId) {
    }

    /** Checks the key and the message; an empty conversation id starts a conversation on this channel. */
    private Call open(String presented, AskRequest request) {
        IntegrationKey key = keys.authenticate(presented, Scope.CHAT);
        turns.check(request.getMessageId(), request.getText());
        UUID id;
        if (request.getConversationId().isEmpty()) {
            id = turns.start(Channel.GRPC, blankToNull(request.getLocale()), blankToNull(request.getUserId())).conversationId();
        } else {
            try {
                id = UUID.fromString(request.getConversationId());
            } catch (IllegalArgumentException e) {
                throw io.parley.failure.ParleyException.badInput("\"conversation_id\" must be a conversation's UUID, or empty to start one.");
            }
        }
        return new Call(key, id);
    }

    /** A text piece, or the last piece (the structured answer, is_finished), or none for other frames; an error fails the call. */
    private static List<Piece> pieces(UUID conversationId, String messageId, JsonNode frame) {
        return switch (frame.path("type").asText()) {
            case "answer.delta" -> List.of(Piece.newBuilder().setText(frame.path("text").asText()).build());
            case "answer.end", "awaiting.agent" -> List.of(last(conversationId, messageId, frame));
            case "message" -> "assistant".equals(frame.path("role").asText()) ? List.of(last(conversationId, messageId, frame)) : List.of();
            case "error" -> throw TurnResult.failure(frame);
            default -> List.of();
        };
    }

    private static Piece last(UUID conversationId, String messageId, JsonNode frame) {
        return Piece.newBuilder().setIsFinished(true).setAnswer(answer(TurnResult.of(conversationId.toString(), messageId, List.of(frame)))).build();
    }

    static Answer answer(TurnResult r) {
        Answer.Builder b = Answer.newBuilder().setConversationId(r.conversationId()).setMessageId(r.messageId())
                .setCustomerSeq(r.customerSeq()).setAwaitingAgent(r.awaitingAgent());
        TurnResult.Answer a = r.answer();
        if (a != null) {
            b.setSeq(a.seq()).setText(a.text()).setConfidence(a.confidence()).setHandoff(a.handoff())
                    .addAllSuggestions(a.suggestions());
            if (a.intent() != null) {
                b.setIntent(a.intent());
            }
            if (a.source() != null) {
                b.setSource(a.source());
            }
            a.entities().forEach(e -> b.addEntities(Entity.newBuilder().setType(e.type()).setValue(e.value())));
        }
        return b.build();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
