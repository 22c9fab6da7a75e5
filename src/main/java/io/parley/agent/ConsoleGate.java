package io.parley.agent;

import io.parley.ops.Problems;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Agents act only from the console: a state-changing API call, a sign-in and the agent socket are
 * refused when a browser says they come from another origin (another site, or another port of this
 * one), and a call with a body must send JSON. The session cookie's {@code SameSite=Strict} alone
 * lets a page on the same site (another port, a sibling subdomain) act as the signed-in agent.
 * Callers that are not browsers send no Origin and no Referer (curl, scripts): they carry their
 * cookie on purpose, so they pass.
 */
@ApplicationScoped
public class ConsoleGate implements HttpUpgradeCheck {

    private static final Logger LOG = Logger.getLogger(ConsoleGate.class);
    private static final String UPLOADS = "/api/knowledge/imports";
    private static final Set<HttpMethod> CHANGES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

    void filters(@Observes Filters filters) {
        filters.register(rc -> {
            HttpServerRequest request = rc.request();
            String path = rc.normalizedPath();
            boolean console = path.startsWith("/api/") || path.equals("/j_security_check");
            if (console && CHANGES.contains(request.method())) {
                if (!sameOrigin(request)) {
                    LOG.infof("agent call %s %s refused to origin %s", request.method(), path, origin(request));
                    Problems.send(rc.response(), 403, "Forbidden", "Agent actions are accepted only from Parley's own console.");
                    return;
                }
                if (!path.equals("/j_security_check") && hasBody(request) && !json(request.getHeader("Content-Type"))
                        && !(path.equals(UPLOADS) && multipart(request.getHeader("Content-Type")))
                        && !path.endsWith("/attachments")) { // an image's bytes as they are: the server sniffs their type

                    Problems.send(rc.response(), 415, "Unsupported Media Type", "Send the body as application/json.");
                    return;
                }
            }
            rc.next();
        }, 250); // before authentication (200): a cross-origin sign-in never reaches the form login
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (!context.httpRequest().path().startsWith("/ws/agent") || sameOrigin(context.httpRequest())) {
            return CheckResult.permitUpgrade();
        }
        LOG.infof("agent socket refused to origin %s", origin(context.httpRequest()));
        return CheckResult.rejectUpgrade(403);
    }

    /** The request's Origin (or the Referer's origin) is this server's own, or the caller is not a browser (neither sent). */
    static boolean sameOrigin(HttpServerRequest request) {
        String origin = origin(request);
        if (origin == null) {
            return true;
        }
        try {
            String authority = URI.create(origin).getRawAuthority();
            return authority != null && request.host() != null && authority.equalsIgnoreCase(request.host());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String origin(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin != null && !origin.isBlank() && !origin.equals("null")) {
            return origin;
        }
        if ("null".equals(origin)) {
            return "null://sandboxed"; // a sandboxed frame or a file: never this server
        }
        String referer = request.getHeader("Referer");
        return referer == null || referer.isBlank() ? null : referer;
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        return (length != null && !length.equals("0")) || request.getHeader("Transfer-Encoding") != null;
    }

    /** The knowledge import takes files (multipart); the Origin check above still applies to it. */
    private static boolean multipart(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    private static boolean json(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
    }
}
