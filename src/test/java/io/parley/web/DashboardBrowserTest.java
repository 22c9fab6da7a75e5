package io.parley.web;

import io.agroal.api.AgroalDataSource;
import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

/** The supervisors' dashboard in headless Chromium: admins only, charts drawn, figures, ranges, live update. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class DashboardBrowserTest {

    @TestHTTPResource("/")
    URI root;

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Test
    void adminOpensTheDashboardSeesTheTurnsChartedSwitchesRangeAndSeesANewTurnArrive() throws Exception {
        AgentSession.agent("vera", "Vera"); // not an admin: the page says so
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            customer.send(Map.of("type", "message", "id", "board-1", "text", "where is my order AB1234567?")).nextOfType("answer.end");
            customer.send(Map.of("type", "message", "id", "board-2", "text", "thanks")).nextOfType("answer.end");
        }
        // what the page must show for the last week: the customer messages in its window (84 buckets of 2 h)
        Object weekTurns = new Sql(db::getConnection).row("""
                select count(*) n from message where role = 'customer'
                 and created_at >= to_timestamp((floor(extract(epoch from now()) / 7200) + 1) * 7200 - 84 * 7200)""").get("n");
        BrowserTests.run("dashboard.test.mjs", root.toString(), Map.of("PARLEY_ADMIN_PASSWORD", AgentSession.ADMIN_PASSWORD,
                "PARLEY_AGENT_USER", "vera", "PARLEY_AGENT_PASSWORD", "password-of-vera", "PARLEY_WEEK_TURNS", weekTurns.toString()));
    }
}
