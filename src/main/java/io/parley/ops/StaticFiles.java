package io.parley.ops;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caching of Parley's own files (frontend/public, served from META-INF/resources): every page,
 * {@code /widget.js} and the modules they load carry an entity tag made from their content and
 * {@code Cache-Control: no-cache}, so a browser (or a site embedding the widget) keeps its copy but
 * asks each time whether it is still current: a 304 costs one small round trip, and a new version
 * after an upgrade is seen at once. Vert.x's own caching headers (a day, immutable) are switched off
 * in application.properties; compression is Quarkus's ({@code quarkus.http.enable-compression}).
 */
@ApplicationScoped
public class StaticFiles {

    private static final Logger LOG = Logger.getLogger(StaticFiles.class);
    private static final String ROOT = "META-INF/resources";
    /** Below WidgetGate (100): its origin check and CORS headers come first, a 304 carries them too. */
    private static final int PRIORITY = 50;

    /** One entry per shipped file: bounded by what the build put in META-INF/resources. */
    private final Map<String, Tag> tags = new ConcurrentHashMap<>();

    private record Tag(long modified, long size, String etag) {
    }

    void filters(@Observes Filters filters) {
        filters.register(this::handle, PRIORITY);
    }

    private void handle(RoutingContext rc) {
        HttpMethod method = rc.request().method();
        String path = rc.normalizedPath();
        if ((method != HttpMethod.GET && method != HttpMethod.HEAD) || path.startsWith("/api/") || path.startsWith("/ws/")
                || path.startsWith("/q/") || path.contains("..")) {
            rc.next();
            return;
        }
        String etag = etag(path.endsWith("/") ? path + "index.html" : path);
        if (etag == null) {
            rc.next();
            return;
        }
        rc.response().putHeader("ETag", etag).putHeader("Cache-Control", "no-cache");
        if (matches(rc.request().getHeader("If-None-Match"), etag)) {
            rc.response().setStatusCode(304).end();
            return;
        }
        rc.next();
    }

    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        String bare = etag.substring(2); // weak comparison (RFC 9110 13.1.2): W/ does not count
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || c.equals(etag) || c.equals(bare) || c.equals("W/" + bare)) {
                return true;
            }
        }
        return false;
    }

    /** The entity tag of a shipped file, or null when the path is not one (a folder, an API, nothing). */
    String etag(String path) {
        URL url = Thread.currentThread().getContextClassLoader().getResource(ROOT + path);
        if (url == null) {
            return null;
        }
        try {
            URLConnection connection = url.openConnection();
            if (connection instanceof JarURLConnection jar) {
                if (jar.getJarEntry() == null || jar.getJarEntry().isDirectory()) {
                    return null;
                }
                // a file inside the packaged jar never changes while it runs: hash it once
                return tags.computeIfAbsent(path, p -> new Tag(0, 0, hash(url))).etag();
            }
            if ("file".equals(url.getProtocol())) {
                Path file = Path.of(url.toURI());
                if (!Files.isRegularFile(file)) {
                    return null;
                }
                long modified = Files.getLastModifiedTime(file).toMillis();
                long size = Files.size(file);
                Tag known = tags.get(path);
                if (known == null || known.modified() != modified || known.size() != size) {
                    known = new Tag(modified, size, hash(url));
                    tags.put(path, known);
                }
                return known.etag();
            }
            return null;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            LOG.debugf("no entity tag for %s: %s", path, e.getMessage());
            return null;
        }
    }

    /** Weak: the same tag stands for the plain and the compressed body. */
    private static String hash(URL url) {
        try (InputStream in = url.openStream()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest(in.readAllBytes());
            return "W/\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + url, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
