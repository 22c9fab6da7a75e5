package io.parley.web;

import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

/** The chat page in headless Chromium: streamed offline answers with intent and entities, resumed after reload. */
@QuarkusTest
@TestProfile(ChatPageBrowserTest.Paced.class)
@WithTestResource(PostgresResource.class)
class ChatPageBrowserTest {

    /** Offline answers paced as in production, so that streaming is visible to the browser. */
    public static class Paced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.offline.stream-delay", "15ms");
        }
    }

    @TestHTTPResource("/")
    URI root;

    @Test
    void customerChatsAndComesBack() throws Exception {
        BrowserTests.run("chat-page.test.mjs", root.toString());
    }
}
