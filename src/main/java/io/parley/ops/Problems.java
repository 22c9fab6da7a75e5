package io.parley.ops;

import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import org.jboss.logging.Logger;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/** HTTP problem responses (RFC 9457, application/problem+json) for every API error. */
public class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class);

    public static Response problem(int status, String title, String detail) {
        return Response.status(status).type("application/problem+json")
                .entity(Map.of("type", "about:blank", "title", title, "status", status, "detail", detail)).build();
    }

    /** Every failure of ours, with the status and message its error code gives (the WebSocket gets the same as an error frame). */
    @ServerExceptionMapper
    public Response failure(ParleyException e) {
        if (e.code() == ErrorCode.INTERNAL) {
            LOG.error("request failed", e.getCause());
        }
        Response r = problem(e.code().httpStatus, e.code().title, e.getMessage());
        return e.retryAfterMs() == null ? r
                : Response.fromResponse(r).header("Retry-After", Math.max(1, e.retryAfterMs() / 1000)).build();
    }

    /** The database is away, whichever layer noticed. */
    @ServerExceptionMapper
    public Response database(jakarta.persistence.PersistenceException e) {
        return failure(ParleyException.of(e));
    }

    /** A JSON body of the wrong shape (an object where a list belongs, a string for a number, ...). */
    @ServerExceptionMapper
    public Response unreadable(com.fasterxml.jackson.core.JsonProcessingException e) {
        return problem(400, "Bad request", "The body does not have the expected shape: " + firstLine(e.getOriginalMessage()));
    }

    /** More specific than Quarkus' own mapper for this type, which answers 400 without a body. */
    @ServerExceptionMapper
    public Response mismatched(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        return unreadable(e);
    }

    /** What the REST layer rejects by itself (unreadable JSON, a query or path value of the wrong type, an unknown path). */
    @ServerExceptionMapper
    public Response rejected(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status < 400) {
            return e.getResponse();
        }
        Throwable cause = e.getCause();
        String detail = cause != null && cause.getMessage() != null
                ? firstLine(cause.getMessage())
                : status == 404 ? "Nothing is at this address (a malformed id or a path that does not exist)." : e.getMessage();
        return problem(status, Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase(), detail);
    }

    /** The same problem written straight to a Vert.x response, for filters that answer before the REST layer. */
    public static void send(io.vertx.core.http.HttpServerResponse response, int status, String title, String detail) {
        response.setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                .end(new io.vertx.core.json.JsonObject().put("type", "about:blank").put("title", title).put("status", status)
                        .put("detail", detail).encode());
    }

    /** A failure of ours written straight to a Vert.x response, with its code and, when known, Retry-After. */
    public static void send(io.vertx.core.http.HttpServerResponse response, ParleyException e) {
        io.vertx.core.json.JsonObject body = new io.vertx.core.json.JsonObject().put("type", "about:blank")
                .put("title", e.code().title).put("status", e.code().httpStatus).put("detail", e.getMessage()).put("code", e.code().wire);
        if (e.retryAfterMs() != null) {
            body.put("retryAfterMs", e.retryAfterMs());
            response.putHeader("Retry-After", Long.toString(Math.max(1, (e.retryAfterMs() + 999) / 1000)));
        }
        response.setStatusCode(e.code().httpStatus).putHeader("Content-Type", "application/problem+json").end(body.encode());
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
