package io.parley.widget;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "parley.widget")
public interface WidgetConfig {

    /**
     * The site origins (scheme://host[:port]) that may embed the widget and open customer sockets
     * from a browser. Parley's own pages are always allowed; "*" allows any site.
     */
    Optional<List<String>> allowedOrigins();

    /**
     * Secret for verified identities: a site's backend sends HMAC-SHA256(secret, user id) as
     * {@code userHash}, and that user keeps one conversation across devices. Unset: identities are refused.
     */
    Optional<String> identitySecret();

    /** Serves a demo host page on this port (a different origin), which is then allowed too. Off when unset. */
    Optional<Integer> demoPort();

    @WithDefault("127.0.0.1")
    String demoHost();
}
