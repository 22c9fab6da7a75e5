package io.parley.widget;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Enforces {@code parley.widget.allowed-origins}: the widget's files are served (with CORS, as the
 * widget loads its modules cross-origin) and customer sockets are opened only for allowed sites.
 */
@ApplicationScoped
public class WidgetGate implements HttpUpgradeCheck {

    private static final Logger LOG = Logger.getLogger(WidgetGate.class);

    /** The shared modules the widget imports besides its own folder. */
    private static final java.util.Set<String> WIDGET_MODULES = java.util.Set.of("/js/parley-client.js", "/js/dom.js");

    private final Origins origins;

    WidgetGate(Origins origins) {
        this.origins = origins;
    }

    void filters(@Observes Filters filters) {
        filters.register(rc -> {
            String path = rc.normalizedPath();
            if (path.equals("/attachments") || path.startsWith("/attachments/")) {
                images(rc);
                return;
            }
            if (path.equals("/widget.js") || path.startsWith("/widget/") || WIDGET_MODULES.contains(path)) {
                String origin = rc.request().getHeader("Origin");
                String site = origin != null ? origin : Origins.originOf(rc.request().getHeader("Referer"));
                if (!origins.allowed(site, rc.request().host())) {
                    LOG.debugf("widget file %s refused to %s", path, site);
                    rc.response().setStatusCode(403).putHeader("Content-Type", "text/plain")
                            .end("This site may not embed Parley's widget (parley.widget.allowed-origins).");
                    return;
                }
                // the answer depends on Origin (CORS header or not): caches must keep one copy per origin
                rc.response().putHeader("Vary", "Origin");
                if (origin != null) {
                    rc.response().putHeader("Access-Control-Allow-Origin", origin);
                }
            }
            rc.next();
        }, 100);
    }

    /**
     * A widget on an allowed site sends and fetches images cross-origin with the token in a header:
     * that takes CORS (a preflight, then the origin allowed on the answer); other sites get 403.
     */
    private void images(io.vertx.ext.web.RoutingContext rc) {
        String origin = rc.request().getHeader("Origin");
        if (!origins.allowed(origin, rc.request().host())) {
            LOG.debugf("image call refused to %s", origin);
            rc.response().setStatusCode(403).putHeader("Content-Type", "text/plain")
                    .end("This site may not use Parley's widget (parley.widget.allowed-origins).");
            return;
        }
        rc.response().putHeader("Vary", "Origin");
        if (origin != null) {
            rc.response().putHeader("Access-Control-Allow-Origin", origin);
        }
        if (rc.request().method() == io.vertx.core.http.HttpMethod.OPTIONS) {
            rc.response().setStatusCode(204).putHeader("Access-Control-Allow-Methods", "GET, POST")
                    .putHeader("Access-Control-Allow-Headers", "X-Parley-Token, Content-Type")
                    .putHeader("Access-Control-Max-Age", "600").end();
            return;
        }
        rc.next();
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (!context.httpRequest().path().startsWith("/ws/chat")) {
            return CheckResult.permitUpgrade();
        }
        String origin = context.httpRequest().getHeader("Origin");
        if (origins.allowed(origin, context.httpRequest().host())) {
            return CheckResult.permitUpgrade();
        }
        LOG.infof("customer socket refused to origin %s (not in parley.widget.allowed-origins)", origin);
        return CheckResult.rejectUpgrade(403);
    }
}
