package io.parley.ops;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.MimeMapping;
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
 * Serves Parley's own files (frontend/public, in META-INF/resources) from memory: every page,
 * {@code /widget.js} and the modules they load carry an entity tag made from their content and
 * {@code Cache-Control: no-cache}, so a browser (or a site embedding the widget) keeps its copy but
 * asks each time whether it is still current: a 304 costs one small round trip, and a new version
 * after an upgrade (or a file changed on disk in dev and tests) is seen at once. Vert.x's static
 * handler (a day, immutable, and a copy of each file in a temporary folder) only answers what this
 * does not: folders without their slash. Text is gzipped by {@code quarkus.http.enable-compression}.
 */
@ApplicationScoped
public class StaticFiles {

    private static final Logger LOG = Logger.getLogger(StaticFiles.class);
    private static final String ROOT = "META-INF/resources";
    /** Below WidgetGate (100): its origin check and CORS headers come first, a 304 carries them too. */
    private static final int PRIORITY = 50;

    /** One entry per shipped file (about 250 KB in all): bounded by what the build put in META-INF/resources. */
    private final Map<String, Tag> tags = new ConcurrentHashMap<>();

    private record Tag(long modified, long size, String etag, byte[] body) {
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
        String file = path.endsWith("/") ? path + "index.html" : path;
        Tag tag = tag(file);
        if (tag == null) {
            rc.next();
            return;
        }
        HttpServerResponse response = rc.response().putHeader("ETag", tag.etag()).putHeader("Cache-Control", "no-cache");
        if (matches(rc.request().getHeader("If-None-Match"), tag.etag())) {
            response.setStatusCode(304).end();
            return;
        }
        String type = MimeMapping.getMimeTypeForFilename(file);
        type = type == null ? "application/octet-stream" : type;
        boolean text = type.startsWith("text/") || type.endsWith("javascript") || type.endsWith("json") || type.endsWith("+xml");
        response.putHeader("Content-Type", text ? type + ";charset=UTF-8" : type);
        if (!text) {
            response.putHeader("Content-Encoding", "identity"); // images and fonts are compressed already
        }
        if (method == HttpMethod.HEAD) {
            response.putHeader("Content-Length", String.valueOf(tag.body().length)).end();
        } else {
            response.end(Buffer.buffer(tag.body()));
        }
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

    /** A shipped file with its entity tag, or null when the path is not one (a folder, an API, nothing). */
    private Tag tag(String path) {
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
                return tags.computeIfAbsent(path, p -> read(url, 0, 0));
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
                    known = read(url, modified, size);
                    tags.put(path, known);
                }
                return known;
            }
            return null;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            LOG.debugf("no entity tag for %s: %s", path, e.getMessage());
            return null;
        }
    }

    /** The tag is weak: it stands for the plain and the compressed body alike. */
    private static Tag read(URL url, long modified, long size) {
        try (InputStream in = url.openStream()) {
            byte[] body = in.readAllBytes();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return new Tag(modified, size, "W/\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"", body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + url, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
