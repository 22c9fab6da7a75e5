package io.parley.integration;

import io.agroal.api.AgroalDataSource;
import io.parley.testing.AgentSession;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.FakeDeepSeekResource;
import io.parley.testing.ModelPathReset;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/** The REST channel and integration keys, over real HTTP, against the fake DeepSeek and PostgreSQL. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
class RestChannelTest {

    private static final String API = "/integration/v1/conversations";

    @Inject
    AgroalDataSource db;

    @io.quarkus.test.common.http.TestHTTPResource("/ws/chat")
    java.net.URI chat;

    @Inject
    ModelPathReset modelPath;

    final FakeDeepSeek deepSeek = FakeDeepSeek.get();

    @BeforeEach
    void reset() {
        modelPath.reset();
    }

    private static io.restassured.specification.RequestSpecification as(String key) {
        return RestAssured.given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    private static String start(String key) {
        return as(key).body(Map.of("locale", "en")).post(API).then().statusCode(201).extract().path("conversationId");
    }

    @Test
    void aMessageGetsTheStructuredAnswerOnceAndTheConversationIsRecordedAsRest() throws Exception {
        String key = IntegrationKeysFixture.chatKey();
        String conversation = start(key);
        String id = UUID.randomUUID().toString();
        Response first = as(key).body(Map.of("id", id, "text", "where is my order AB1234567?")).post(API + "/" + conversation + "/messages");
        first.then().statusCode(200)
                .body("conversationId", equalTo(conversation))
                .body("customerSeq", equalTo(1))
                .body("answer.seq", equalTo(2))
                .body("answer.intent", equalTo("order_status"))
                .body("answer.text", equalTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT))
                .body("answer.source", equalTo("model"))
                .body("answer.entities.value", org.hamcrest.Matchers.hasItem("AB1234567"))
                .body("$", not(org.hamcrest.Matchers.hasKey("model")));
        // the same id again: the same stored answer, no second model request
        as(key).body(Map.of("id", id, "text", "where is my order AB1234567?")).post(API + "/" + conversation + "/messages")
                .then().statusCode(200).body("customerSeq", equalTo(1)).body("answer.seq", equalTo(2));
        assertThat(deepSeek.count(null)).isEqualTo(1);
        Sql sql = new Sql(db::getConnection);
        assertThat(sql.row("select channel from conversation where id = ?::uuid", conversation).get("channel")).isEqualTo("rest");
        assertThat(sql.count("select count(*) from message where conversation_id = ?::uuid", conversation)).isEqualTo(2);
        // the transcript since a seq, as message frames
        List<Map<String, Object>> after1 = as(key).queryParam("after", 1).get(API + "/" + conversation + "/messages")
                .then().statusCode(200).extract().path("$");
        assertThat(after1).hasSize(1);
        assertThat(after1.get(0)).containsEntry("role", "assistant").containsEntry("seq", 2);
        // agents see it like any other conversation
        AgentSession.admin().given().get("/api/conversations/" + conversation).then().statusCode(200)
                .body("conversation.channel", equalTo("rest"));
    }

    @Test
    void aConversationFromParleysOwnPageIsRecordedAsWeb() throws Exception {
        try (io.parley.testing.ChatClient customer = io.parley.testing.ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "web-1", "text", "hello")).nextOfType("answer.end");
            assertThat(new Sql(db::getConnection).row("select channel from conversation where id = ?::uuid", conversation).get("channel"))
                    .isEqualTo("web");
        }
    }

    @Test
    void theSameTurnStreamsAsServerSentEventsNamedLikeTheFrames() {
        String key = IntegrationKeysFixture.chatKey();
        String conversation = start(key);
        String body = as(key).accept("text/event-stream").body(Map.of("id", "sse-1", "text", "where is my order AB1234567?"))
                .post(API + "/" + conversation + "/messages").then().statusCode(200)
                .contentType(containsString("text/event-stream")).extract().asString();
        int message = body.indexOf("event:message");
        int start = body.indexOf("event:answer.start");
        int delta = body.indexOf("event:answer.delta");
        int end = body.indexOf("event:answer.end");
        assertThat(message).as(body).isNotNegative();
        assertThat(start).isGreaterThan(message);
        assertThat(delta).isGreaterThan(start);
        assertThat(end).isGreaterThan(delta);
        assertThat(body.substring(end)).contains("\"intent\":\"order_status\"").contains("\"turn\":\"sse-1\"");
    }

    @Test
    void badInputGetsAProblemAndNothingIsStored() throws Exception {
        String key = IntegrationKeysFixture.chatKey();
        String conversation = start(key);
        as(key).body(Map.of("id", "no-text")).post(API + "/" + conversation + "/messages")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("text"));
        as(key).body(Map.of("id", "bad id with spaces", "text", "hi")).post(API + "/" + conversation + "/messages")
                .then().statusCode(400);
        as(key).body("{not json").post(API + "/" + conversation + "/messages").then().statusCode(400);
        as(key).body(Map.of("id", "x1", "text", "hi")).post(API + "/" + UUID.randomUUID() + "/messages").then().statusCode(404);
        assertThat(new Sql(db::getConnection).count("select count(*) from message where conversation_id = ?::uuid", conversation)).isZero();
    }

    @Test
    void keysAreCheckedForScopeExpiryRevocationAndRate() throws Exception {
        RestAssured.given().contentType(ContentType.JSON).body(Map.of()).post(API).then().statusCode(401)
                .contentType("application/problem+json");
        as("pk_not-a-key").body(Map.of()).post(API).then().statusCode(401);
        String batchOnly = IntegrationKeysFixture.key("batch only", 100, "batch");
        as(batchOnly).body(Map.of()).post(API).then().statusCode(403).body("detail", containsString("chat"));

        String limited = IntegrationKeysFixture.key("two a minute", 2, "chat");
        as(limited).body(Map.of()).post(API).then().statusCode(201);
        as(limited).body(Map.of()).post(API).then().statusCode(201);
        as(limited).body(Map.of()).post(API).then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.notNullValue());

        String key = IntegrationKeysFixture.chatKey();
        String conversation = start(key);
        // the console lists keys without their secrets, and revokes them at once
        AgentSession admin = AgentSession.admin();
        String listed = admin.given().get("/api/integration-keys").then().statusCode(200).extract().asString();
        assertThat(listed).contains(key.substring(0, 10)).doesNotContain(key);
        // only the key's SHA-256 is stored
        String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(new Sql(db::getConnection).row("select encode(key_hash, 'hex') as h from integration_key where prefix = ?",
                key.substring(0, 10)).get("h")).isEqualTo(hex);
        long id = ((Number) admin.given().get("/api/integration-keys").then().extract().path("find { it.prefix == '"
                + key.substring(0, 10) + "' }.id")).longValue();
        admin.given().delete("/api/integration-keys/" + id).then().statusCode(204);
        as(key).get(API + "/" + conversation + "/messages").then().statusCode(401);

        String expiring = IntegrationKeysFixture.key("expiring", 100, "chat");
        as(expiring).body(Map.of()).post(API).then().statusCode(201);
        try (var c = db.getConnection(); var ps = c.prepareStatement(
                "update integration_key set expires_at = now() - interval '1 second' where prefix = ?")) {
            ps.setString(1, expiring.substring(0, 10)); // its expiry has come
            ps.executeUpdate();
        }
        as(expiring).body(Map.of()).post(API).then().statusCode(401).body("detail", containsString("not valid"));
        // every use and every change of a key is in the audit trail
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> new Sql(db::getConnection).count(
                "select count(*) from audit_log where action = 'key_use' and outcome = 'denied' and actor = 'key:expiring'") == 1);
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> new Sql(db::getConnection).count(
                "select count(*) from audit_log where action = 'key_use' and outcome = 'ok' and actor = 'key:two a minute'") == 2);
        assertThat(new Sql(db::getConnection).count("select count(*) from audit_log where action = 'key_change' and actor = 'admin' "
                + "and target = ?", "key:" + id)).isEqualTo(2);
        // agents cannot manage keys; only admins
        AgentSession.agent("keyless-agent", "Keyless").given().get("/api/integration-keys").then().statusCode(403);
    }
}
