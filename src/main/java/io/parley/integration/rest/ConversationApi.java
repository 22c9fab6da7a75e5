package io.parley.integration.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.conversation.Channel;
import io.parley.integration.ChannelTurns;
import io.parley.integration.TurnResult;
import io.parley.integration.keys.IntegrationKey;
import io.parley.integration.keys.IntegrationKeys;
import io.parley.integration.keys.Scope;
import io.parley.failure.ParleyException;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.util.List;
import java.util.UUID;

/**
 * The REST channel for a business's servers (docs/protocol.md, "REST"): thin, every turn goes
 * through {@link ChannelTurns}. Authenticated with an integration key: {@code Authorization: Bearer <key>}.
 */
@Path("/integration/v1/conversations")
@Tag(name = "Integration")
@Blocking
public class ConversationApi {

    private static final String AUTH = "Authorization";

    private final ChannelTurns turns;
    private final IntegrationKeys keys;

    ConversationApi(ChannelTurns turns, IntegrationKeys keys) {
        this.turns = turns;
        this.keys = keys;
    }

    /** @param userId the business's own id for its customer: their open conversation is resumed */
    public record Start(String locale, String userId) {
    }

    /** @param id the client-made message id: the idempotency key (a resend gets the same answer) */
    public record Send(String id, String text) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a conversation (scope chat)")
    public Response start(@HeaderParam(AUTH) String key, Start body) {
        keys.authenticate(key, Scope.CHAT);
        Start b = body == null ? new Start(null, null) : body;
        return Response.status(201).entity(turns.start(Channel.REST, b.locale(), b.userId())).build();
    }

    @POST
    @Path("/{id}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a message and get the structured answer (scope chat)")
    public TurnResult send(@HeaderParam(AUTH) String key, @PathParam("id") UUID id, Send body) {
        IntegrationKey k = keys.authenticate(key, Scope.CHAT);
        Send b = required(body);
        return TurnResult.of(id.toString(), b.id(), turns.complete(id, b.id(), b.text(), k.caller()));
    }

    @POST
    @Path("/{id}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a message and follow the turn as server-sent events named like the WebSocket frames (scope chat)")
    public Multi<OutboundSseEvent> stream(@HeaderParam(AUTH) String key, @PathParam("id") UUID id, Send body, @Context Sse sse) {
        IntegrationKey k = keys.authenticate(key, Scope.CHAT);
        Send b = required(body);
        return turns.turn(id, b.id(), b.text(), k.caller())
                .map(frame -> sse.newEventBuilder().name(frame.path("type").asText()).data(frame.toString())
                        .mediaType(MediaType.APPLICATION_JSON_TYPE).build());
    }

    @GET
    @Path("/{id}/messages")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Stored messages after a seq, as message frames, a page at a time (scope read or chat)")
    public List<JsonNode> transcript(@HeaderParam(AUTH) String key, @PathParam("id") UUID id, @QueryParam("after") Long after) {
        keys.authenticate(key, Scope.READ, Scope.CHAT);
        return turns.since(id, after == null ? 0 : after);
    }

    private static Send required(Send body) {
        if (body == null) {
            throw ParleyException.badInput("Send {\"id\": \"<message id>\", \"text\": \"...\"}.");
        }
        return body;
    }
}
