package io.parley.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * What the console shows besides the transcript, over real HTTP: the name customers see (the agent
 * chooses it), how long a conversation has waited, and the customer panel (site, verified identity,
 * their other conversations, never an anonymous visitor's).
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ConsoleSupportTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    DataSource dataSource;

    @Test
    void anAgentChoosesTheNameCustomersSee() {
        AgentSession agent = AgentSession.agent("xu.ming", "xu.ming");
        agent.given().contentType(ContentType.JSON).body(Map.of("displayName", "   ")).put("/api/agents/me/name")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("customers see it"));
        agent.given().contentType(ContentType.JSON).body(Map.of("displayName", "x".repeat(61))).put("/api/agents/me/name")
                .then().statusCode(400);
        agent.given().contentType(ContentType.JSON).body(Map.of("displayName", " 徐明 Ming ")).put("/api/agents/me/name")
                .then().statusCode(200).body("displayName", equalTo("徐明 Ming"));
        agent.given().get("/api/agents/me").then().body("displayName", equalTo("徐明 Ming"));
    }

    @Test
    void waitingConversationsSayHowLongAndTheCustomerPanelLinksOnlyVerifiedIdentities() throws Exception {
        UUID id;
        try (ChatClient customer = ChatClient.connect(chat)) {
            JsonNode ready = customer.send(Map.of("type", "hello", "locale", "zh-CN")).nextOfType("ready");
            assertThat(ready.path("maxTextChars").asInt()).isEqualTo(4000);
            id = UUID.fromString(ready.path("conversationId").asText());
            customer.send(Map.of("type", "message", "id", "m1", "text", "我要退货")).nextOfType("answer.end");
            customer.send(Map.of("type", "handoff")).nextOfType("message");
        }
        AgentSession admin = AgentSession.admin();
        List<Map<String, Object>> waiting = admin.given().get("/api/inbox?status=waiting_agent&size=100").jsonPath().getList("items");
        Map<String, Object> row = waiting.stream().filter(r -> id.toString().equals(r.get("id"))).findFirst().orElseThrow();
        OffsetDateTime since = OffsetDateTime.parse((String) row.get("waitingSince"));
        assertThat(since).isBetween(OffsetDateTime.now().minusMinutes(1), OffsetDateTime.now().plusSeconds(5));

        // an anonymous visitor: nothing links them to other conversations
        JsonPath anonymous = admin.given().get("/api/conversations/" + id + "/customer").then().statusCode(200).extract().jsonPath();
        assertThat(anonymous.getString("verifiedUserId")).isNull();
        assertThat(anonymous.getString("locale")).isEqualTo("zh-CN");
        assertThat(anonymous.getList("past")).isEmpty();

        // a verified site user with two earlier conversations (stored as the widget's identity check leaves them)
        String user = "user-" + UUID.randomUUID();
        UUID current = insert(user, "https://shop.example", OffsetDateTime.now().minusMinutes(1));
        UUID older = insert(user, "https://shop.example", OffsetDateTime.now().minusDays(3));
        UUID oldest = insert(user, "https://shop.example", OffsetDateTime.now().minusDays(30));
        insert("someone-else", "https://shop.example", OffsetDateTime.now().minusDays(2));
        JsonPath verified = admin.given().get("/api/conversations/" + current + "/customer").then().statusCode(200).extract().jsonPath();
        assertThat(verified.getString("verifiedUserId")).isEqualTo(user);
        assertThat(verified.getString("site")).isEqualTo("https://shop.example");
        assertThat(verified.getList("past.id")).containsExactly(older.toString(), oldest.toString());
        assertThat(OffsetDateTime.parse(verified.getString("firstSeen"))).isBefore(OffsetDateTime.now().minusDays(29));
        admin.given().get("/api/conversations/" + UUID.randomUUID() + "/customer").then().statusCode(404);
    }

    private UUID insert(String user, String site, OffsetDateTime at) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into conversation (id, token_hash, status, locale, created_at, updated_at, external_user_id, site)"
                        + " values (?, ?, 'resolved', 'en', ?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setString(2, "test-" + id);
            ps.setObject(3, at);
            ps.setObject(4, at);
            ps.setString(5, user);
            ps.setString(6, site);
            ps.executeUpdate();
        }
        return id;
    }
}
