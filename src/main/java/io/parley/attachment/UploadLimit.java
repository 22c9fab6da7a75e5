package io.parley.attachment;

import io.parley.ops.Problems;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The image routes' own body limit, below Quarkus's global {@code quarkus.http.limits.max-body-size}
 * (10 MiB, for every route): an upload that declares a larger Content-Length is refused with 413 before
 * any of its body is read (the body is not kept; what the client still sends is discarded). A body without a length
 * (chunked) is read by the resource at most up to the limit and one byte (see {@link AttachmentResource}).
 */
@ApplicationScoped
class UploadLimit {

    private final AttachmentConfig config;

    UploadLimit(AttachmentConfig config) {
        this.config = config;
    }

    void routes(@Observes Router router) {
        Handler<RoutingContext> limit = rc -> {
            if (declaredLength(rc.request().getHeader("Content-Length")) > config.maxBytes()) {
                // HTTP/1.x: asks the client not to reuse the connection (closing it under a client still sending would
                // cost it the 413); on HTTP/2 a Connection header is a protocol error, and the answer ends this stream
                if (rc.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
                    rc.response().putHeader("Connection", "close");
                }
                Problems.send(rc.response(), 413, "Content Too Large", AttachmentResource.tooLargeDetail(config.maxBytes()));
                return;
            }
            rc.next();
        };
        // ahead of the REST layer, which would start reading the body
        router.post("/attachments").order(-10).handler(limit);
        router.postWithRegex("/api/conversations/[^/]+/attachments").order(-10).handler(limit);
    }

    private static long declaredLength(String header) {
        try {
            return header == null ? -1 : Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1; // Vert.x refuses a malformed length itself
        }
    }
}
