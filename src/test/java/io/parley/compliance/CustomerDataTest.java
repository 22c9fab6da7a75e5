package io.parley.compliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.parley.conversation.ConversationStatus;
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
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * Per-customer export and erasure through the real API, and the retention job: afterwards the rows are
 * counted in PostgreSQL, and nothing of the customer is left; others' data and knowledge are untouched.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class CustomerDataTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Inject
    ConversationRetention retention;

    /** A conversation with one customer message and its answer; returns {id, token}. */
    private String[] conversation(String text) {
        try (ChatClient customer = ChatClient.connect(chat)) {
            JsonNode ready = customer.send(Map.of("type", "hello")).nextOfType("ready");
            customer.send(Map.of("type", "message", "id", UUID.randomUUID().toString(), "text", text)).nextOfType("answer.end");
            return new String[] {ready.path("conversationId").asText(), ready.path("token").asText()};
        }
    }

    private long rowsOf(Sql sql, String table, String id) throws Exception {
        return sql.count("select count(*) from " + table + " where conversation_id = ?::uuid", id);
    }

    @Test
    void aCustomerExportsTheirOwnAndAnAdminExportsThenErasesEverything() throws Exception {
        Sql sql = new Sql(db::getConnection);
        String user = "u-" + UUID.randomUUID();
        String[] first = conversation("my email is ann@example.com, where is order AB1234567?");
        String[] second = conversation("I want a refund for AB7654321");
        String[] other = conversation("hello, another customer here");
        // both conversations were opened with the site's verified identity of this user
        sql.execute("update conversation set external_user_id = '" + user + "' where id in ('" + first[0] + "', '" + second[0] + "')");
        AgentSession admin = AgentSession.admin();
        admin.given().contentType(ContentType.JSON).body(Map.of("text", "customer called about ann@example.com"))
                .post("/api/conversations/" + first[0] + "/notes").then().statusCode(201);
        long knowledge = sql.count("select count(*) from business_intent_example");

        // the customer, with their token, gets what was said, without internals
        String own = RestAssured.given().contentType(ContentType.JSON).body(Map.of("token", first[1])).post("/customer/export")
                .then().statusCode(200).body("conversations", hasSize(1)).extract().asString();
        assertThat(own).contains("ann@example.com").doesNotContain("intent").doesNotContain("customer called about");
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("token", "not-a-token")).post("/customer/export")
                .then().statusCode(404).contentType("application/problem+json");
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("userId", user)).post("/customer/export").then().statusCode(400);

        // an admin, by verified user id: both conversations, notes and model calls included
        JsonNode export = JSON.readTree(admin.given().contentType(ContentType.JSON).body(Map.of("userId", user))
                .post("/api/customers/export").then().statusCode(200).extract().asString());
        assertThat(export.path("conversations")).hasSize(2);
        assertThat(export.toString()).contains("ann@example.com", "AB7654321", "customer called about");
        assertThat(export.path("conversations").get(0).path("notes")).hasSize(1);
        AgentSession.agent("ed-erase", "Ed").given().contentType(ContentType.JSON).body(Map.of("userId", user))
                .post("/api/customers/erase").then().statusCode(403);

        admin.given().contentType(ContentType.JSON).body(Map.of("userId", user)).post("/api/customers/erase").then().statusCode(200)
                .body("erased.conversations", equalTo(2)).body("erased.notes", equalTo(1));
        for (String id : new String[] {first[0], second[0]}) {
            assertThat(rowsOf(sql, "message", id)).isZero();
            assertThat(rowsOf(sql, "conversation_note", id)).isZero();
            assertThat(rowsOf(sql, "conversation_event", id)).isZero();
            assertThat(sql.count("select count(*) from llm_call where conversation_id = ?::uuid and (error_message is not null"
                    + " or request_id is not null)", id)).isZero();
            assertThat(sql.count("select count(*) from conversation where id = ?::uuid and (external_user_id is not null or site is not null"
                    + " or token_hash not like 'erased:%')", id)).isZero();
        }
        assertThat(sql.count("select count(*) from message where text like '%ann@example.com%'")).isZero();
        assertThat(sql.count("select count(*) from conversation_note where text like '%ann@example.com%'")).isZero();
        assertThat(rowsOf(sql, "message", other[0])).isEqualTo(2); // another customer keeps everything
        assertThat(sql.count("select count(*) from business_intent_example")).isEqualTo(knowledge);
        // the token opens nothing any more; the audit entry has ids and counts, not the erased words
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("token", first[1])).post("/customer/export").then().statusCode(404);
        Map<String, Object> entry = sql.row("select actor, target, details::text d from audit_log where action = 'erasure' order by id desc limit 1");
        assertThat(entry.get("actor")).isEqualTo("admin");
        assertThat(entry.get("target")).isEqualTo("user:" + user);
        assertThat((String) entry.get("d")).contains(first[0]).doesNotContain("ann@example.com").doesNotContain("refund");
        assertThat(sql.count("select count(*) from audit_log where details::text like '%' || ? || '%'", first[1])).isZero();
    }

    @Test
    void retentionDeletesOrAnonymisesConversationsPastTheirAgeAndAuditsTheCounts() throws Exception {
        Sql sql = new Sql(db::getConnection);
        String[] old = conversation("an old question about AB1111111");
        String[] anonymised = conversation("another old question about AB2222222");
        String[] recent = conversation("a question asked today");
        sql.execute("update conversation set updated_at = timestamptz '2001-01-01' where id in ('" + old[0] + "', '" + anonymised[0] + "')");
        sql.execute("update conversation set status = 'resolved' where id = '" + anonymised[0] + "'");
        Duration twentyYears = Duration.ofDays(365 * 20);

        var deleted = retention.apply(Map.of(ConversationStatus.BOT, twentyYears), ComplianceConfig.Mode.delete, Instant.now());
        assertThat(deleted.get(ConversationStatus.BOT).conversations()).isEqualTo(1);
        assertThat(deleted.get(ConversationStatus.BOT).messages()).isEqualTo(2);
        assertThat(sql.count("select count(*) from conversation where id = ?::uuid", old[0])).isZero();
        assertThat(rowsOf(sql, "message", old[0]) + rowsOf(sql, "llm_call", old[0]) + rowsOf(sql, "conversation_event", old[0])).isZero();

        var done = retention.apply(Map.of(ConversationStatus.RESOLVED, twentyYears), ComplianceConfig.Mode.anonymise, Instant.now());
        assertThat(done.get(ConversationStatus.RESOLVED).conversations()).isEqualTo(1);
        assertThat(rowsOf(sql, "message", anonymised[0])).isZero();
        assertThat(sql.count("select count(*) from conversation where id = ?::uuid and token_hash like 'erased:%'", anonymised[0])).isOne();
        assertThat(rowsOf(sql, "message", recent[0])).isEqualTo(2);

        Map<String, Object> audited = sql.row("select actor, details::text d from audit_log where action = 'retention'"
                + " and target = 'conversation' order by id desc limit 1");
        assertThat(audited.get("actor")).isEqualTo("system");
        JsonNode details = JSON.readTree((String) audited.get("d"));
        assertThat(details.path("status").asText()).isEqualTo("resolved");
        assertThat(details.path("counts").path("conversations").asInt()).isEqualTo(1);
    }
}
