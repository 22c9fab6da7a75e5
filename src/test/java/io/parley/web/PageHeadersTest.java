package io.parley.web;

import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every HTML page Parley serves (each .html under frontend/public, at its file and its folder
 * address, and Swagger UI) carries a Content-Security-Policy that fits it, refuses to be framed, and
 * comes with nosniff and a Referrer-Policy; scripts and styles get nosniff too. Every file revalidates
 * (entity tag, no-cache) and text is sent gzipped.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class PageHeadersTest {

    static List<String> pages() throws IOException {
        Path root = Path.of("frontend", "public");
        List<String> pages = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.toString().endsWith(".html")).forEach(f -> {
                String path = "/" + root.relativize(f).toString().replace('\\', '/');
                pages.add(path);
                if (path.endsWith("/index.html")) {
                    pages.add(path.substring(0, path.length() - "index.html".length()));
                }
            });
        }
        return pages;
    }

    @Test
    void everyPageHasAFittingPolicyAndCannotBeFramed() throws IOException {
        List<String> pages = pages();
        assertThat(pages).contains("/", "/index.html", "/console/", "/console/index.html");
        pages.add("/q/swagger-ui/");
        for (String page : pages) {
            Response r = RestAssured.given().redirects().follow(false).get(page);
            assertThat(r.statusCode()).as(page).isEqualTo(200);
            assertThat(r.contentType()).as(page).startsWith("text/html");
            String csp = r.header("Content-Security-Policy");
            assertThat(csp).as(page).isNotNull().contains("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'");
            if (!page.startsWith("/q/")) {
                // Parley's own pages run only their own files: no inline or foreign script
                assertThat(csp).as(page).contains("script-src 'self';").doesNotContain("unsafe-eval");
                assertThat(csp.split("script-src")[1].split(";")[0]).as(page).doesNotContain("unsafe-inline");
            }
            assertThat(r.header("X-Frame-Options")).as(page).isEqualTo("DENY");
            assertThat(r.header("X-Content-Type-Options")).as(page).isEqualTo("nosniff");
            assertThat(r.header("Referrer-Policy")).as(page).isEqualTo("strict-origin-when-cross-origin");
            assertThat(r.header("Strict-Transport-Security")).as("no HSTS over plain HTTP: " + page).isNull();
        }
        for (String file : new String[] {"/widget.js", "/console/console.js", "/css/chat.css"}) {
            assertThat(RestAssured.get(file).header("X-Content-Type-Options")).as(file).isEqualTo("nosniff");
        }
    }

    @TestHTTPResource("/")
    URI root;

    @Test
    void filesRevalidateAreCompressedAndVaryByOrigin() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String file : new String[] {"/", "/console/", "/widget.js", "/widget/widget.js", "/js/parley-client.js", "/css/chat.css"}) {
            HttpResponse<byte[]> plain = get(http, file, Map.of());
            assertThat(plain.statusCode()).as(file).isEqualTo(200);
            String etag = plain.headers().firstValue("ETag").orElse(null);
            assertThat(etag).as(file).isNotNull();
            // kept, but asked about every time: an upgrade is seen at once, never a day later
            assertThat(plain.headers().firstValue("Cache-Control")).as(file).hasValue("no-cache");
            assertThat(plain.headers().firstValue("Last-Modified")).as(file).isEmpty();
            HttpResponse<byte[]> again = get(http, file, Map.of("If-None-Match", etag));
            assertThat(again.statusCode()).as(file).isEqualTo(304);
            assertThat(again.body()).as(file).isEmpty();
            HttpResponse<byte[]> gz = get(http, file, Map.of("Accept-Encoding", "gzip"));
            assertThat(gz.headers().firstValue("Content-Encoding")).as(file).hasValue("gzip");
            byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes();
            assertThat(unzipped).as(file).isEqualTo(plain.body());
            System.out.printf("%s: %d bytes, %d gzipped%n", file, plain.body().length, gz.body().length);
        }
        // the widget's files answer differently with and without Origin (CORS): caches must keep them apart
        assertThat(get(http, "/widget.js", Map.of()).headers().allValues("Vary")).anySatisfy(v -> assertThat(v).contains("Origin"));
        // images are not compressed again; the favicon is there
        HttpResponse<byte[]> icon = get(http, "/favicon.svg", Map.of());
        assertThat(icon.statusCode()).isEqualTo(200);
        assertThat(icon.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
    }

    @Test
    void aNewVersionOfAFileReachesAPageThatHadTheOldOneCached() throws Exception {
        Path served = Path.of("target", "classes", "META-INF", "resources");
        assertThat(served.resolve("css/chat.css")).exists();
        BrowserTests.run("caching.test.mjs", root.toString(), Map.of("PARLEY_STATIC_ROOT", served.toAbsolutePath().toString()));
    }

    private HttpResponse<byte[]> get(HttpClient http, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(root.resolve(path));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
