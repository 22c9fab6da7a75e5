package io.parley.widget;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A demo "customer website" on its own port (so a different origin from Parley), embedding the
 * widget with the documented snippet. Only when {@code parley.widget.demo-port} is set.
 */
@ApplicationScoped
public class DemoSite {

    private static final Logger LOG = Logger.getLogger(DemoSite.class);

    void start(@Observes StartupEvent event, Vertx vertx, WidgetConfig config,
               @ConfigProperty(name = "quarkus.http.port") int parleyPort) {
        if (config.demoPort().isEmpty()) {
            return;
        }
        String page = resource("demo/index.html");
        DemoShop shop = new DemoShop();
        HttpServer server = vertx.createHttpServer();
        server.requestHandler(req -> {
            if (shop.handle(req)) {
                return; // the stand-in shop API the demo's actions call
            }
            if (!"/".equals(req.path()) && !"/index.html".equals(req.path())) {
                req.response().setStatusCode(404).end("not found");
                return;
            }
            // the widget comes from Parley on the same host name as this page, on Parley's port
            String host = req.authority() == null ? config.demoHost() : req.authority().host();
            String parley = "http://" + host + ":" + parleyPort;
            req.response().putHeader("Content-Type", "text/html; charset=utf-8")
                    .putHeader("Content-Security-Policy", policy(origin(req.getParam("parley"), parley)))
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "strict-origin-when-cross-origin")
                    .end(page.replace("{{PARLEY}}", parley));
        }).listen(config.demoPort().get(), config.demoHost())
                .onSuccess(s -> LOG.infof("widget demo site on http://%s:%d/ (a different origin from Parley)",
                        config.demoHost(), s.actualPort()))
                .onFailure(e -> LOG.errorf("widget demo site could not start: %s", e.getMessage()));
    }

    /**
     * What a site embedding the widget allows (the README's example): its own inline snippet, the
     * widget's script from Parley and sockets to Parley; it is framed by nobody.
     */
    static String policy(String parley) {
        String socket = parley.replaceFirst("^http", "ws");
        return "default-src 'self'; script-src 'self' 'unsafe-inline' " + parley + "; connect-src " + parley + " " + socket
                + "; img-src 'self' data: blob: " + parley + "; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; "
                + "frame-ancestors 'none'";
    }

    /** The origin of the page's {@code ?parley=} override when it is an http(s) URL, else Parley's own. */
    private static String origin(String override, String fallback) {
        try {
            java.net.URI uri = override == null ? null : java.net.URI.create(override);
            if (uri != null && uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return uri.getScheme() + "://" + uri.getRawAuthority();
            }
        } catch (IllegalArgumentException e) {
            // not a URL: Parley's own origin
        }
        return fallback;
    }

    private static String resource(String name) {
        try (InputStream in = DemoSite.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
