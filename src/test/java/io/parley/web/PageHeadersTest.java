package io.parley.web;

import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every HTML page Parley serves (each .html under frontend/public, at its file and its folder
 * address, and Swagger UI) carries a Content-Security-Policy that fits it, refuses to be framed, and
 * comes with nosniff and a Referrer-Policy; scripts and styles get nosniff too.
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
}
