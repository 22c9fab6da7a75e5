package io.parley.web;

import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;

/**
 * The embeddable widget in headless Chromium, on a demo site served from another origin (Parley's
 * demo site on its own port): streamed answers, resume after reload, a dropped socket, hostile host
 * CSS, the size budget.
 */
@QuarkusTest
@TestProfile(WidgetBrowserTest.DemoSite.class)
@WithTestResource(PostgresResource.class)
class WidgetBrowserTest {

    static final int DEMO_PORT = freePort();

    public static class DemoSite implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.widget.demo-port", String.valueOf(DEMO_PORT), "parley.offline.stream-delay", "15ms");
        }
    }

    @TestHTTPResource("/")
    URI root;

    @Test
    void aSiteEmbedsTheWidgetAndACustomerChatsThroughIt() throws Exception {
        BrowserTests.run("widget.test.mjs", root.toString(), Map.of("DEMO_URL", "http://127.0.0.1:" + DEMO_PORT));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
