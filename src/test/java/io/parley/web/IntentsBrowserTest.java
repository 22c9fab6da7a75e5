package io.parley.web;

import io.parley.testing.AgentSession;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

/** The admins' intents page in headless Chromium: an intent added, learnt, extended, deleted. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class IntentsBrowserTest {

    @TestHTTPResource("/")
    URI root;

    @Test
    void adminAddsAnIntentSeesItLearntAddsAnExampleAndDeletesIt() throws Exception {
        AgentSession.agent("ines", "Ines"); // not an admin: the page says so
        BrowserTests.run("intents.test.mjs", root.toString(), Map.of("PARLEY_ADMIN_PASSWORD", AgentSession.ADMIN_PASSWORD,
                "PARLEY_AGENT_USER", "ines", "PARLEY_AGENT_PASSWORD", "password-of-ines"));
    }
}
