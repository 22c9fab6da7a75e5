package io.parley.ops;

import io.parley.conversation.ConflictException;
import io.parley.conversation.IllegalTransitionException;
import io.parley.conversation.NoSuchConversationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/** HTTP problem responses (RFC 9457, application/problem+json) for every API error. */
public class Problems {

    public static Response problem(int status, String title, String detail) {
        return Response.status(status).type("application/problem+json")
                .entity(Map.of("type", "about:blank", "title", title, "status", status, "detail", detail)).build();
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException e) {
        return problem(409, "Conflict", e.getMessage());
    }

    @ServerExceptionMapper
    public Response transition(IllegalTransitionException e) {
        return problem(409, "Not allowed in this state", e.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(NoSuchConversationException e) {
        return problem(404, "No such conversation", e.getMessage());
    }

    @ServerExceptionMapper
    public Response badRequest(IllegalArgumentException e) {
        return problem(400, "Bad request", e.getMessage());
    }
}
