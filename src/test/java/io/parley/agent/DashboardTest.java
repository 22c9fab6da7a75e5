package io.parley.agent;

import io.agroal.api.AgroalDataSource;
import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;

/**
 * GET /api/dashboard over real turns on a real PostgreSQL: customer turns over the socket (offline
 * engine), a hand-off, a rating, failed model attempts; counted in the right buckets and the window's
 * totals. Other tests share the database, so figures are compared before and after.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class DashboardTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Test
    void turnsHandOffsRatingsAndFailedModelCallsAreCountedInTheirBuckets() throws Exception {
        AgentSession admin = AgentSession.admin();
        // exact counts on the week's window: the hour's slides every minute, and may drop an earlier test's rows
        JsonPath before = dashboard(admin, "week");
        assertThat(before.getList("buckets")).hasSize(84);
        assertThat(before.getInt("thresholds.latencyMs")).isEqualTo(500);
        assertThat(before.getDouble("thresholds.errorRate")).isEqualTo(0.05);
        assertThat(before.getDouble("thresholds.concurrency")).isEqualTo(0.8);

        String id;
        try (ChatClient customer = ChatClient.connect(chat)) {
            id = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "dash-1", "text", "where is my order AB1234567?")).nextOfType("answer.end");
            customer.send(Map.of("type", "message", "id", "dash-2", "text", "how do I get a refund?")).nextOfType("answer.end");
            customer.send(Map.of("type", "message", "id", "dash-3", "text", "thanks")).nextOfType("answer.end");
            customer.send(Map.of("type", "handoff"));
            customer.nextMatching(f -> "system".equals(f.path("role").asText()));
            admin.given().post("/api/conversations/" + id + "/take").then().statusCode(200);
            admin.given().post("/api/conversations/" + id + "/resolve").then().statusCode(200);
            customer.until(f -> "resolved".equals(f.path("kind").asText()));
            customer.send(Map.of("type", "rate", "score", 4));
            customer.nextMatching(f -> "rated".equals(f.path("kind").asText()));
        }
        // three model attempts now (one ok, two failed), and a failed one half an hour ago
        UUID conversation = UUID.fromString(id);
        Sql sql = new Sql(db::getConnection);
        sql.execute(call(conversation, "ok", "0.002", "now()"));
        sql.execute(call(conversation, "server_error", "0", "now()"));
        sql.execute(call(conversation, "rate_limited", "0", "now()"));
        sql.execute(call(conversation, "server_error", "0", "now() - interval '30 minutes'"));
        // and a model answer, timed, 20 minutes ago
        sql.execute("insert into message (conversation_id, msg_id, role, text, state, source, first_token_ms, total_ms, created_at)"
                + " values ('" + conversation + "', 'dash-model', 'assistant', 'Your parcel is on its way.', 'complete', 'model', 420, 1300,"
                + " now() - interval '20 minutes')");

        JsonPath after = dashboard(admin, "week");
        assertThat(after.getLong("total.turns")).isEqualTo(before.getLong("total.turns") + 3);
        assertThat(after.getLong("total.answers")).isGreaterThanOrEqualTo(before.getLong("total.answers") + 3);
        assertThat(after.getLong("total.handoffs")).isEqualTo(before.getLong("total.handoffs") + 1);
        assertThat(after.getLong("total.ratings")).isEqualTo(before.getLong("total.ratings") + 1);
        assertThat(after.getDouble("total.csat")).isBetween(1.0, 5.0);
        assertThat(after.getLong("total.modelCalls")).isEqualTo(before.getLong("total.modelCalls") + 4);
        assertThat(after.getLong("total.failedCalls")).isEqualTo(before.getLong("total.failedCalls") + 3);
        assertThat(after.getDouble("total.errorRate"))
                .isCloseTo((double) after.getLong("total.failedCalls") / after.getLong("total.modelCalls"), within(1e-9));
        assertThat(after.getDouble("total.cost")).isGreaterThanOrEqualTo(before.getDouble("total.cost") + 0.002 - 1e-9);

        // the last hour: the buckets add up to the window's totals, and each row sits in the bucket of its time
        JsonPath hour = dashboard(admin, "hour");
        assertThat(hour.getList("buckets")).hasSize(60);
        List<Map<String, Object>> buckets = hour.getList("buckets");
        assertThat(buckets.stream().mapToLong(b -> ((Number) b.get("turns")).longValue()).sum()).isEqualTo(hour.getLong("total.turns"));
        assertThat(buckets.stream().mapToLong(b -> ((Number) b.get("failedCalls")).longValue()).sum())
                .isEqualTo(hour.getLong("total.failedCalls"));
        assertThat(buckets.subList(57, 60).stream().mapToLong(b -> ((Number) b.get("turns")).longValue()).sum())
                .as("the turns just sent are in the last minutes").isGreaterThanOrEqualTo(3);
        assertThat(buckets.subList(57, 60).stream().mapToLong(b -> ((Number) b.get("failedCalls")).longValue()).sum()).isGreaterThanOrEqualTo(2);
        // the stored row's own time (a second now() may be in the next minute's bucket)
        long halfAnHourAgo = ((Number) sql.row("select extract(epoch from min(created_at))::bigint s from llm_call where conversation_id = ?",
                conversation).get("s")).longValue();
        Map<String, Object> older = buckets.stream().filter(b -> ((Number) b.get("t")).longValue() <= halfAnHourAgo
                && halfAnHourAgo < ((Number) b.get("t")).longValue() + 60).findFirst().orElseThrow();
        assertThat(((Number) older.get("failedCalls")).longValue()).isPositive();
        assertThat(hour.getLong("to") - hour.getLong("from")).isEqualTo(3600);
        // latency percentiles come from model answers' timings (offline answers have none)
        assertThat(hour.getDouble("total.p95FirstTextMs")).isNotNull();
        long modelAnswerAt = ((Number) sql.row("select extract(epoch from created_at)::bigint s from message where conversation_id = ?"
                + " and msg_id = 'dash-model'", conversation).get("s")).longValue();
        Map<String, Object> timed = buckets.stream().filter(b -> ((Number) b.get("t")).longValue() <= modelAnswerAt
                && modelAnswerAt < ((Number) b.get("t")).longValue() + 60).findFirst().orElseThrow();
        assertThat(((Number) timed.get("p99FirstTextMs")).doubleValue()).isPositive();
        assertThat(((Number) timed.get("p95TotalMs")).doubleValue()).isPositive();
        assertThat(((Number) timed.get("modelAnswers")).longValue()).isPositive();

        // concurrency is this instance's live gauge: no stream is open now
        assertThat(hour.getDouble("concurrencyNow")).isZero();
        assertThat(hour.getList("concurrency.limit")).contains("llm_streams");

        // the day: 96 buckets of 15 minutes over the same rows
        JsonPath day = dashboard(admin, "day");
        assertThat(day.getList("buckets")).hasSize(96);
        assertThat(day.getLong("bucketSeconds")).isEqualTo(900);
        assertThat(day.getLong("total.turns")).isGreaterThanOrEqualTo(hour.getLong("total.turns"));
    }

    @Test
    void onlyAdminsSeeTheDashboardAndAnUnknownRangeIsAProblem() {
        AgentSession.agent("dora", "Dora").given().get("/api/dashboard").then().statusCode(403);
        AgentSession.admin().given().queryParam("range", "year").get("/api/dashboard").then().statusCode(400)
                .contentType(containsString("application/problem+json")).body("detail", containsString("hour, day or week"));
    }

    @Test
    void theChartsThresholdsAreTheAlertRulesThresholds() throws Exception {
        // two homes by necessity (Java for the page, YAML for Prometheus): this keeps them equal
        String rules = Files.readString(Path.of("deploy", "prometheus", "parley-rules.yml"));
        Dashboard.Thresholds t = Dashboard.Thresholds.GUIDE;
        assertThat(rules).contains("parley:turn_first_text_seconds:p95_5m > " + t.latencyMs() / 1000.0)
                .contains("parley:llm_error_ratio:rate5m > " + t.errorRate())
                .contains("avg_over_time(parley_concurrency_ratio[2m]) > " + t.concurrency());
    }

    private static JsonPath dashboard(AgentSession admin, String range) {
        return admin.given().queryParam("range", range).get("/api/dashboard").then().statusCode(200).extract().jsonPath();
    }

    private static String call(UUID conversation, String outcome, String cost, String at) {
        return "insert into llm_call (conversation_id, turn, reply_to, tier, provider, model, attempt, outcome, cost, created_at)"
                + " values ('" + conversation + "', 'dash-1', 1, 'standard', 'deepseek', 'deepseek-chat', 1, '" + outcome + "', "
                + cost + ", " + at + ")";
    }
}
