package io.parley.widget;

import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which sites may embed the widget. Browsers say where a page comes from (Origin, or Referer for a
 * classic script); requests without either are not from a web page (apps, tests, curl) and pass,
 * since any non-browser client could forge the header anyway.
 */
@ApplicationScoped
public class Origins {

    private final Set<String> allowed = new HashSet<>();
    private final boolean any;

    Origins(WidgetConfig config) {
        config.allowedOrigins().ifPresent(list -> list.forEach(o -> allowed.add(normalize(o))));
        config.demoPort().ifPresent(port -> {
            allowed.add("http://localhost:" + port);
            allowed.add("http://127.0.0.1:" + port);
        });
        any = allowed.contains("*");
    }

    /**
     * @param origin the page's origin (null when the request names none)
     * @param host   the Host the request was sent to (Parley itself)
     */
    public boolean allowed(String origin, String host) {
        if (origin == null || origin.isBlank() || any) {
            return true;
        }
        String o = normalize(origin);
        return allowed.contains(o) || (host != null && o.endsWith("://" + host.toLowerCase(Locale.ROOT)));
    }

    /** The origin of a Referer URL, or null. */
    static String originOf(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getRawAuthority();
        } catch (IllegalArgumentException e) {
            return "invalid:" + url;
        }
    }

    private static String normalize(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
