package io.parley.web;

import io.parley.testing.AgentSession;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

/** The admins' integrations page in headless Chromium: a key created, shown once, used, revoked; a batch's progress. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class IntegrationsBrowserTest {

    @TestHTTPResource("/")
    URI root;

    @Test
    void adminCreatesAKeyThatWorksOnceShownAndRevokedIsRefused() throws Exception {
        AgentSession.agent("iris", "Iris"); // not an admin: the page says so
        BrowserTests.run("integrations.test.mjs", root.toString(), Map.of("PARLEY_ADMIN_PASSWORD", AgentSession.ADMIN_PASSWORD,
                "PARLEY_AGENT_USER", "iris", "PARLEY_AGENT_PASSWORD", "password-of-iris"));
    }
}
