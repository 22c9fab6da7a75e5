package io.parley.ops;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * With TLS on (README, "TLS"), every answer over HTTPS tells the browser to use HTTPS only for a year
 * (HSTS). Plain HTTP answers never carry it: browsers ignore it there, and without TLS it would only
 * mislead. Plain HTTP requests are redirected by Quarkus ({@code quarkus.http.insecure-requests=redirect}).
 */
@ApplicationScoped
public class Transport {

    static final String HSTS = "max-age=31536000";

    void filters(@Observes Filters filters) {
        filters.register(rc -> {
            if (rc.request().isSSL()) {
                rc.response().putHeader("Strict-Transport-Security", HSTS);
            }
            rc.next();
        }, 400);
    }
}
