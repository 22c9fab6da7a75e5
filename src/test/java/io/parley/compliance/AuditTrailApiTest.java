package io.parley.compliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The audit trail through the real API: an agent's day (sign-in, a failed one, views, a search, a take-over,
 * notes, tags, a reply, an export, resolve, sign-out) is recorded with who, from where, on what and the
 * outcome; admins filter and export it; the chain verifies, reveals an edited row, and still verifies
 * after the retention job pruned the oldest entries.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class AuditTrailApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Inject
    AuditRetention retention;

    private String conversation() {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String id = customer.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "first", "text", "hello")).nextOfType("answer.end");
            return id;
        }
    }

    private static List<JsonNode> entries(AgentSession admin, String query) throws Exception {
        String body = admin.given().get("/api/audit?" + query).then().statusCode(200).extract().asString();
        return List.of(JSON.readValue(body, JsonNode[].class));
    }

    @Test
    void anAgentsActionsAreRecordedWithWhoWhereWhatAndOutcome() throws Exception {
        String name = "audit-" + UUID.randomUUID().toString().substring(0, 8);
        AgentSession admin = AgentSession.admin();
        admin.given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", "password-of-" + name, "displayName", "Aud", "role", "agent"))
                .post("/api/agents").then().statusCode(201);
        String from = "198.51.100.23";
        RestAssured.given().header("X-Forwarded-For", from).contentType(ContentType.URLENC)
                .formParam("j_username", name).formParam("j_password", "not-the-password").post("/j_security_check")
                .then().statusCode(401);
        Response signIn = RestAssured.given().header("X-Forwarded-For", from).contentType(ContentType.URLENC)
                .formParam("j_username", name).formParam("j_password", "password-of-" + name).post("/j_security_check");
        assertThat(signIn.statusCode()).isEqualTo(200);
        Map<String, String> cookies = Map.of(AgentSession.COOKIE, signIn.getCookie(AgentSession.COOKIE),
                AgentSession.MARKER, signIn.getCookie(AgentSession.MARKER));
        String id = conversation();
        var agent = (java.util.function.Supplier<io.restassured.specification.RequestSpecification>)
                () -> RestAssured.given().cookies(cookies).header("X-Forwarded-For", from);

        agent.get().get("/api/inbox?q=refund").then().statusCode(200);
        agent.get().get("/api/conversations/" + id).then().statusCode(200);
        agent.get().post("/api/conversations/" + id + "/take").then().statusCode(200);
        agent.get().contentType(ContentType.JSON).body(Map.of("text", "called the customer")).post("/api/conversations/" + id + "/notes")
                .then().statusCode(201);
        agent.get().contentType(ContentType.JSON).body(List.of("vip")).put("/api/conversations/" + id + "/tags").then().statusCode(200);
        agent.get().contentType(ContentType.JSON).body(Map.of("id", "r1", "text", "Hello, I am here"))
                .post("/api/conversations/" + id + "/messages").then().statusCode(201);
        agent.get().get("/api/conversations/" + id + "/export.json").then().statusCode(200);
        agent.get().post("/api/conversations/" + id + "/resolve").then().statusCode(200);
        agent.get().get("/api/audit").then().statusCode(403); // admins only, and the refusal is recorded too
        agent.get().post("/api/agents/sign-out").then().statusCode(204);

        List<JsonNode> mine = new java.util.ArrayList<>(entries(admin, "actor=" + name + "&limit=50"));
        java.util.Collections.reverse(mine); // the API lists newest first
        assertThat(mine).extracting(e -> e.path("action").asText()).containsSubsequence(
                "sign_in", "search", "transcript_view", "take_over", "note", "tag", "reply", "export", "resolve", "api_read", "sign_out");
        assertThat(mine).allSatisfy(e -> assertThat(e.path("address").asText()).isEqualTo(from));
        JsonNode view = mine.stream().filter(e -> e.path("action").asText().equals("transcript_view")).findFirst().orElseThrow();
        assertThat(view.path("target").asText()).isEqualTo(id);
        assertThat(view.path("outcome").asText()).isEqualTo("ok");
        JsonNode search = mine.stream().filter(e -> e.path("action").asText().equals("search")).findFirst().orElseThrow();
        assertThat(search.path("details").path("query").asText()).isEqualTo("q=refund");
        JsonNode refused = mine.stream().filter(e -> e.path("details").path("path").asText().equals("/api/audit")).findFirst().orElseThrow();
        assertThat(refused.path("outcome").asText()).isEqualTo("denied");

        List<JsonNode> failed = entries(admin, "action=sign_in_failed&limit=500");
        assertThat(failed).anySatisfy(e -> {
            assertThat(e.path("target").asText()).isEqualTo(name);
            assertThat(e.path("address").asText()).isEqualTo(from);
            assertThat(e.path("outcome").asText()).isEqualTo("failed");
        });
        assertThat(failed.toString()).doesNotContain("not-the-password");

        String jsonl = admin.given().get("/api/audit/export.jsonl?actor=" + name).then().statusCode(200)
                .contentType("application/jsonl").extract().asString();
        List<String> lines = jsonl.lines().toList();
        assertThat(lines).hasSize(mine.size());
        assertThat(JSON.readTree(lines.get(0)).path("action").asText()).isEqualTo("sign_in"); // oldest first
        assertThat(JSON.readTree(lines.get(lines.size() - 1)).path("hash").asText()).hasSize(64);
    }

    @Test
    void theChainVerifiesRevealsAnEditedRowAndSurvivesPruning() throws Exception {
        AgentSession admin = AgentSession.admin();
        admin.given().get("/api/inbox").then().statusCode(200);
        JsonNode ok = JSON.readTree(admin.given().get("/api/audit/verify").then().statusCode(200).extract().asString());
        assertThat(ok.path("intact").asBoolean()).isTrue();

        Sql sql = new Sql(db::getConnection);
        long victim = sql.count("select max(id) from audit_log where actor = 'admin' and action = 'search'");
        sql.execute("alter table audit_log disable trigger audit_log_append_only");
        try {
            sql.execute("update audit_log set address = '10.9.9.9' where id = " + victim);
        } finally {
            sql.execute("alter table audit_log enable trigger audit_log_append_only");
        }
        JsonNode broken = JSON.readTree(admin.given().get("/api/audit/verify").then().statusCode(200).extract().asString());
        assertThat(broken.path("intact").asBoolean()).isFalse();
        assertThat(broken.path("firstBroken").asLong()).isEqualTo(victim);

        // the retention job prunes everything older than a cutoff just after the edited row: the chain verifies again
        Timestamp cutoff = (Timestamp) sql.row("select at from audit_log where id > ? order by id limit 1", victim).get("at");
        long older = sql.count("select count(*) from audit_log where at < ?", cutoff);
        int deleted = retention.prune(cutoff.toInstant());
        assertThat(deleted).isEqualTo((int) older).isPositive();
        assertThat(sql.count("select count(*) from audit_log where id = ?", victim)).isZero();
        JsonNode after = JSON.readTree(admin.given().get("/api/audit/verify").then().statusCode(200).extract().asString());
        assertThat(after.path("intact").asBoolean()).isTrue();
        Map<String, Object> pruned = sql.row("select actor, details::text d from audit_log where action = 'retention' order by id desc limit 1");
        assertThat(pruned.get("actor")).isEqualTo("system");
        assertThat(JSON.readTree((String) pruned.get("d")).path("deleted").asInt()).isEqualTo(deleted);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                sql.count("select count(*) from audit_log where action = 'api_read' and details->>'path' = '/api/audit/verify'")).isPositive());
    }
}
