package io.parley.web;

import io.parley.testing.AgentSession;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

/** The admins' audit page in headless Chromium: filter, denied calls, chain verification, JSONL export. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class AuditBrowserTest {

    @TestHTTPResource("/")
    URI root;

    @Test
    void adminFiltersTheTrailVerifiesTheChainAndExportsIt() throws Exception {
        AgentSession.agent("aude", "Aude"); // not an admin: the page says so (and the refusal is audited)
        BrowserTests.run("audit.test.mjs", root.toString(), Map.of("PARLEY_ADMIN_PASSWORD", AgentSession.ADMIN_PASSWORD,
                "PARLEY_AGENT_USER", "aude", "PARLEY_AGENT_PASSWORD", "password-of-aude"));
    }
}
