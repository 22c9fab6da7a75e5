package io.parley.agent;

import io.agroal.api.AgroalDataSource;
import io.parley.ops.DatabaseProbe;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures deploy/prometheus/parley-rules.yml reads, as Prometheus scrapes them from /q/metrics,
 * after real turns on a real PostgreSQL; the first admin created once however many instances start;
 * the alert relay closed to callers without its token.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class OperationsMetricsTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    SupportGauges support;

    @Inject
    DatabaseProbe database;

    @Inject
    AgentAccounts accounts;

    @Inject
    AgroalDataSource db;

    @Test
    void turnsAreCountedAndTimedAgainstTheGuidesThresholds() {
        double before = metric("parley_api_requests_total");
        double endsBefore = metric("parley_turn_duration_seconds_count");
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            customer.send(Map.of("type", "message", "id", "metrics-1", "text", "where is my order AB1234567?")).nextOfType("answer.end");
            customer.send(Map.of("type", "message", "id", "metrics-2", "text", "thanks")).nextOfType("answer.end");
        }
        assertThat(metric("parley_api_requests_total")).isEqualTo(before + 2);
        assertThat(metric("parley_turn_duration_seconds_count")).isEqualTo(endsBefore + 2);
        // a bucket ends exactly at the guide's 500 ms; the offline answers here come well within it
        assertThat(metric("parley_turn_first_text_seconds_bucket{le=\"0.5\"}")).isGreaterThanOrEqualTo(2);
        assertThat(metric("parley_turn_first_text_seconds_count")).isGreaterThanOrEqualTo(2);
        // no stream open now: 0 % of the primary provider's max-concurrent
        assertThat(metric("parley_concurrency_ratio{limit=\"llm_streams\",provider=\"deepseek\"}")).isZero();
    }

    @Test
    void theDatabaseProbeAndTheSupportFiguresComeFromPostgres() throws Exception {
        database.probe();
        assertThat(metric("parley_database_up")).isEqualTo(1);

        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            customer.send(Map.of("type", "handoff"));
            customer.nextMatching(f -> "system".equals(f.path("role").asText()));
        }
        support.refresh();
        assertThat(metric("parley_conversations_waiting")).isEqualTo(count("select count(*) from conversation where status = 'waiting_agent'"))
                .isPositive();
        assertThat(metric("parley_handoffs_last_hour")).isPositive();
        assertThat(metric("parley_agents_online")).isEqualTo(count(
                "select count(*) from agent where last_seen_at > now() - interval '90 seconds'"));
    }

    @Test
    void aSecondInstanceCreatingTheFirstAdminWaitsForTheFirstAndThenCreatesNone() throws Exception {
        double admins = count("select count(*) from agent");
        try (Connection first = db.getConnection(); Statement s = first.createStatement()) {
            first.setAutoCommit(false);
            // another instance inside its first-admin transaction
            s.execute("select pg_advisory_xact_lock(" + 0x5061726c65794164L + ")");
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> accounts.firstAdmin(null));
            Thread.sleep(500);
            assertThat(second).as("waits for the lock").isNotDone();
            first.commit();
            second.get(10, TimeUnit.SECONDS);
        }
        assertThat(count("select count(*) from agent")).isEqualTo(admins);
    }

    @Test
    void theAlertRelayIsClosedWithoutItsToken() {
        // no parley.alerts.token in tests: the relay does not exist
        RestAssured.given().contentType("application/json").body("{\"alerts\":[]}").post("/alerts/dingtalk").then().statusCode(404);
    }

    private double count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** One sample of /q/metrics, by name and labels as written there (labels in Prometheus' order). */
    private static double metric(String series) {
        String text = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
        String labels = series.contains("{") ? series.substring(series.indexOf('{') + 1, series.length() - 1) : "";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)").matcher(text);
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String label : labels.isEmpty() ? new String[0] : labels.split(",")) {
                all &= found.contains(label);
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }
}
