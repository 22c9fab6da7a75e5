package io.parley.web;

import io.parley.knowledge.KnowledgeIndex;
import io.parley.testing.AgentSession;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** The Knowledge page and a cited answer on the chat page, in headless Chromium (frontend/tests/knowledge.test.mjs). */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class KnowledgeBrowserTest {

    @TestHTTPResource("/")
    URI root;

    @Inject
    KnowledgeIndex index;

    @Test
    void anAdminWritesPublishesAndImportsArticlesAndACustomerSeesTheSourceAsALink() throws Exception {
        BrowserTests.run("knowledge.test.mjs", root.toString(), Map.of("PARLEY_ADMIN_PASSWORD", AgentSession.ADMIN_PASSWORD));
    }

    /** The articles go again: the other tests of this application see no knowledge base. */
    @AfterEach
    void removeArticles() throws InterruptedException {
        AgentSession admin = AgentSession.admin();
        List<Integer> ids = admin.given().get("/api/knowledge/articles?limit=500").then().extract().path("id");
        ids.forEach(id -> admin.given().delete("/api/knowledge/articles/" + id).then().statusCode(204));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (index.articles() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50); // the index follows through the change feed, a moment after the commit
        }
    }
}
