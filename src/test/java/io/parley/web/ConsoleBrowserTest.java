package io.parley.web;

import io.parley.testing.AgentSession;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

/** The agent console and the chat page side by side in headless Chromium: a live take-over. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ConsoleBrowserTest {

    @TestHTTPResource("/")
    URI root;

    @Test
    void agentSignsInTakesOverTheConversationACustomerJustStartedAndTheyTalk() throws Exception {
        AgentSession.agent("cora", "Cora"); // created by the admin over the API
        BrowserTests.run("console.test.mjs", root.toString(),
                Map.of("PARLEY_AGENT_USER", "cora", "PARLEY_AGENT_PASSWORD", "password-of-cora"));
    }
}
