package io.parley.agent;

import io.parley.conversation.ConversationRepository;
import io.parley.llm.Accounting;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import static io.parley.ops.Problems.problem;

import java.util.UUID;

/** Operator API: what a conversation's answers cost, per provider and model. */
@Path("/api/conversations/{id}/usage")
public class UsageResource {

    private final Accounting accounting;
    private final ConversationRepository conversations;

    UsageResource(Accounting accounting, ConversationRepository conversations) {
        this.accounting = accounting;
        this.conversations = conversations;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Model attempts, tokens (prompt-cache hits and misses included) and cost of one conversation")
    public Response usage(@PathParam("id") String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return problem(400, "Bad conversation id", "\"" + id + "\" is not a UUID.");
        }
        if (conversations.findById(uuid) == null) {
            return problem(404, "No such conversation", "No conversation has the id " + uuid + ".");
        }
        return Response.ok(accounting.usage(uuid)).build();
    }
}
