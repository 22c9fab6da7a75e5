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

/** The chat page in headless Chromium over the message limit: the refused message is kept, noticed and sent again. */
@QuarkusTest
@TestProfile(LimitsBrowserTest.ThreeMessagesAMinute.class)
@WithTestResource(PostgresResource.class)
class LimitsBrowserTest {

    /** A burst of three messages, then one every 20 s. */
    public static class ThreeMessagesAMinute implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.limits.messages-per-minute", "3");
        }
    }

    @TestHTTPResource("/")
    URI root;

    @Test
    void aRefusedMessageIsKeptAndSentAgainByItself() throws Exception {
        BrowserTests.run("limits.test.mjs", root.toString());
    }
}
