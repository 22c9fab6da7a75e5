package io.parley.compliance;

import io.agroal.api.AgroalDataSource;
import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The anomaly rules over what really happened through the API (failed sign-ins, an agent reading many
 * transcripts, an admin from a new address) and over model attempts: each finding is stored once, audited,
 * listed to admins and counted in parley_anomalies_total{rule}.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class AnomalyTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    Anomalies anomalies;

    @Inject
    AgroalDataSource db;

    /** Low thresholds, so that a handful of real requests is a burst. */
    private static Anomalies.Thresholds low(AnomalyRule... rules) {
        return new Anomalies.Thresholds(EnumSet.copyOf(List.of(rules)), 4, 5, 5, Duration.ofHours(1), 0.5, 5, 3, 1.0,
                Duration.ofMinutes(10), Duration.ofDays(14));
    }

    private static double counted(AnomalyRule rule) {
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("parley_anomalies_total\\{rule=\"" + rule.wire() + "\"[^}]*} ([0-9.]+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void aBurstOfFailedSignInsAndANewAdminAddressRaiseAlerts() throws Exception {
        Sql sql = new Sql(db::getConnection);
        AgentSession.admin(); // the admin has signed in before (from 127.0.0.1)
        double before = counted(AnomalyRule.FAILED_SIGN_INS);
        assertThat(before).isGreaterThanOrEqualTo(0);
        String guesser = "192.0.2." + (10 + (int) (Math.random() * 200));
        for (int i = 0; i < 4; i++) {
            RestAssured.given().header("X-Forwarded-For", guesser).contentType(ContentType.URLENC)
                    .formParam("j_username", "guess-" + i).formParam("j_password", "wrong-password").post("/j_security_check")
                    .then().statusCode(401);
        }
        String travel = "198.51.100." + (10 + (int) (Math.random() * 200));
        RestAssured.given().header("X-Forwarded-For", travel).contentType(ContentType.URLENC)
                .formParam("j_username", AgentSession.ADMIN).formParam("j_password", AgentSession.ADMIN_PASSWORD)
                .post("/j_security_check").then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> sql.count("select count(*) from audit_log where action = 'sign_in' and address = ?", travel) == 1
                && sql.count("select count(*) from audit_log where action = 'sign_in_failed' and address = ?", guesser) == 4);

        List<Anomalies.Finding> found = anomalies.detect(low(AnomalyRule.FAILED_SIGN_INS, AnomalyRule.NEW_ADMIN_ADDRESS), Instant.now());
        assertThat(found).extracting(Anomalies.Finding::rule, Anomalies.Finding::subject).contains(
                org.assertj.core.groups.Tuple.tuple(AnomalyRule.FAILED_SIGN_INS, guesser),
                org.assertj.core.groups.Tuple.tuple(AnomalyRule.NEW_ADMIN_ADDRESS, "admin from " + travel));
        // found again by the next run (or another instance): not stored, counted or audited twice
        assertThat(anomalies.detect(low(AnomalyRule.FAILED_SIGN_INS, AnomalyRule.NEW_ADMIN_ADDRESS), Instant.now())).isEmpty();
        assertThat(sql.count("select count(*) from anomaly where rule = 'failed_sign_ins' and subject = ?", guesser)).isOne();
        // other tests' failed sign-ins (lockout tests, from 127.0.0.1) may be a burst of their own in a full run
        long bursts = found.stream().filter(f -> f.rule() == AnomalyRule.FAILED_SIGN_INS).count();
        assertThat(counted(AnomalyRule.FAILED_SIGN_INS)).isEqualTo(before + bursts);
        assertThat(sql.count("select count(*) from audit_log where action = 'anomaly' and target = ?", guesser)).isOne();

        String listed = AgentSession.admin().given().get("/api/audit/anomalies").then().statusCode(200).extract().asString();
        assertThat(listed).contains("4 failed sign-ins from " + guesser, "admin from " + travel);
    }

    @Test
    void anAgentReadingFarMoreThanUsualAndFailingOrCostlyModelCallsRaiseAlerts() throws Exception {
        Sql sql = new Sql(db::getConnection);
        String name = "reader-" + UUID.randomUUID().toString().substring(0, 8);
        AgentSession reader = AgentSession.agent(name, "Reader");
        String id;
        try (ChatClient customer = ChatClient.connect(chat)) {
            id = customer.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "m1", "text", "hello")).nextOfType("answer.end");
        }
        for (int i = 0; i < 6; i++) {
            reader.given().get("/api/conversations/" + id).then().statusCode(200);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> sql.count(
                "select count(*) from audit_log where actor = ? and action = 'transcript_view'", name) == 6);
        // model attempts as the router records them: a provider failing most calls, and an expensive hour
        String provider = "flaky-" + UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < 6; i++) {
            sql.execute("insert into llm_call (conversation_id, turn, reply_to, tier, provider, model, attempt, outcome, cost)"
                    + " values ('" + id + "', 't" + i + "', 1, 'default', '" + provider + "', 'm', 1, '"
                    + (i < 4 ? "server_error" : "ok") + "', " + (i == 5 ? "50" : "0") + ")");
        }

        List<Anomalies.Finding> found = anomalies.detect(low(AnomalyRule.HEAVY_READER, AnomalyRule.MODEL_ERRORS, AnomalyRule.MODEL_COST),
                Instant.now());
        assertThat(found).extracting(Anomalies.Finding::rule, Anomalies.Finding::subject).contains(
                org.assertj.core.groups.Tuple.tuple(AnomalyRule.HEAVY_READER, name),
                org.assertj.core.groups.Tuple.tuple(AnomalyRule.MODEL_ERRORS, provider),
                org.assertj.core.groups.Tuple.tuple(AnomalyRule.MODEL_COST, "all"));
        assertThat(found.stream().filter(f -> f.rule() == AnomalyRule.HEAVY_READER && f.subject().equals(name)).findFirst()
                .orElseThrow().observed()).isEqualTo(6);
        assertThat(counted(AnomalyRule.MODEL_ERRORS)).isGreaterThanOrEqualTo(1);
        // an agent with a few views stays quiet
        String calm = "calm-" + UUID.randomUUID().toString().substring(0, 8);
        AgentSession.agent(calm, "Calm").given().get("/api/conversations/" + id).then().statusCode(200);
        assertThat(anomalies.detect(low(AnomalyRule.HEAVY_READER), Instant.now())).extracting(Anomalies.Finding::subject).doesNotContain(calm);
    }
}
