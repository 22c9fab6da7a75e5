package io.parley.access;

import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

/**
 * The admin IP allow-lists, through a trusted proxy on 127.0.0.1 (test setting) that names the client
 * in X-Forwarded-For: refused addresses get 403 and an audit entry, listed ones (IPv4 and IPv6 CIDRs)
 * pass, customers are never refused.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class AllowListTest {

    private static final String OFFICE = "198.51.100.0/24";
    private static final String OFFICE_V6 = "2001:db8:1::/48";
    private static final String STRANGER = "203.0.113.9";

    @Inject
    TestAllowList allowList;

    @Inject
    AgroalDataSource db;

    /** The audit entries of refusals from an address for one list, newest first (written before the 403 left). */
    private List<Map<String, Object>> refusals(String address, Area area) throws Exception {
        return new Sql(db::getConnection).rows("select actor, target, outcome from audit_log where action = 'access_denied'"
                + " and address = ? and details->>'list' = ? order by id desc", address, area.key);
    }

    @TestHTTPResource("/ws/chat")
    URI chat;

    @TestHTTPResource("/ws/agent")
    URI agentSocket;

    @AfterEach
    void open() {
        allowList.openAll();
    }

    @Test
    void theApiAndTheConsoleOnlyFromListedAddresses() throws Exception {
        AgentSession admin = AgentSession.admin();
        allowList.only(Area.API, OFFICE, OFFICE_V6);
        allowList.only(Area.CONSOLE, OFFICE, OFFICE_V6);

        admin.given().header("X-Forwarded-For", STRANGER).get("/api/inbox").then().statusCode(403)
                .contentType("application/problem+json").body("status", equalTo(403));
        admin.given().header("X-Forwarded-For", "198.51.100.77").get("/api/inbox").then().statusCode(200);
        admin.given().header("X-Forwarded-For", "2001:db8:1:ff::5").get("/api/inbox").then().statusCode(200);
        admin.given().header("X-Forwarded-For", "2001:db8:2::5").get("/api/inbox").then().statusCode(403);
        assertThat(refusals("2001:db8:2::5", Area.API)).first().satisfies(r -> {
            assertThat(r.get("target")).isEqualTo("GET /api/inbox");
            assertThat(r.get("outcome")).isEqualTo("denied");
            assertThat(r.get("actor")).isEqualTo("anonymous"); // refused before any session was read
        });
        // the client cannot name itself: the trusted proxy appended the address it really came from
        admin.given().header("X-Forwarded-For", "198.51.100.77, " + STRANGER).get("/api/inbox").then().statusCode(403);

        RestAssured.given().header("X-Forwarded-For", STRANGER).get("/console/").then().statusCode(403);
        RestAssured.given().header("X-Forwarded-For", STRANGER).contentType(ContentType.URLENC)
                .formParam("j_username", "admin").formParam("j_password", AgentSession.ADMIN_PASSWORD)
                .post("/j_security_check").then().statusCode(403);
        RestAssured.given().header("X-Forwarded-For", "198.51.100.8").get("/console/").then().statusCode(200);
        assertThat(refusals(STRANGER, Area.CONSOLE)).extracting(r -> r.get("target"))
                .contains("GET /console/", "POST /j_security_check");

        // customers are never refused: the chat page, the widget and the chat socket
        RestAssured.given().header("X-Forwarded-For", STRANGER).get("/").then().statusCode(200);
        RestAssured.given().header("X-Forwarded-For", STRANGER).get("/widget.js").then().statusCode(200);
        try (ChatClient customer = ChatClient.connectFrom(chat, STRANGER)) {
            assertThat(customer.send(Map.of("type", "hello")).nextOfType("ready").path("token").asText()).isNotBlank();
        }
    }

    @Test
    void theAgentSocketUpgradeIsRefusedFromElsewhere() throws Exception {
        AgentSession admin = AgentSession.admin();
        allowList.only(Area.AGENT_SOCKET, "192.168.1.0/24");
        assertThatThrownBy(() -> ChatClient.connectFrom(agentSocket, admin.cookieHeader(), STRANGER))
                .isInstanceOf(CompletionException.class).hasStackTraceContaining("403");
        assertThat(refusals(STRANGER, Area.AGENT_SOCKET)).first().satisfies(r -> assertThat(r.get("actor")).isEqualTo("admin"));
        try (ChatClient console = ChatClient.connectFrom(agentSocket, admin.cookieHeader(), "192.168.1.20")) {
            assertThat(console.nextOfType("ready").path("agent").path("username").asText()).isEqualTo("admin");
        }
        // the API is another list, still open
        admin.given().header("X-Forwarded-For", STRANGER).get("/api/inbox").then().statusCode(200);
    }

    @Test
    void adminOnlyCallsHaveTheirOwnList() throws Exception {
        AgentSession admin = AgentSession.admin();
        allowList.only(Area.ADMIN, OFFICE);
        admin.given().header("X-Forwarded-For", STRANGER).get("/api/agents").then().statusCode(403)
                .contentType("application/problem+json");
        assertThat(refusals(STRANGER, Area.ADMIN)).first().satisfies(r -> {
            assertThat(r.get("actor")).isEqualTo("admin");
            assertThat(r.get("target")).isEqualTo("GET /api/agents");
        });
        admin.given().header("X-Forwarded-For", STRANGER).get("/api/agents/me").then().statusCode(200);
        admin.given().header("X-Forwarded-For", "198.51.100.3").get("/api/agents").then().statusCode(200);
    }
}
