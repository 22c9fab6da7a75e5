package io.parley.agent;

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

import javax.sql.DataSource;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * A session ends when its agent signs out, changes the password or is disabled: the old cookies get
 * 401 and the agent's open console socket is closed, on this instance and (through the database) on
 * the others within seconds.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class AgentSessionsTest {

    @TestHTTPResource("/ws/agent")
    URI agentSocket;

    @Inject
    DataSource db;

    private static void create(String username) {
        AgentSession.admin().given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", "password-of-" + username, "displayName", username, "role", "agent"))
                .post("/api/agents");
    }

    private static void closedWithin(ChatClient console) {
        await().atMost(Duration.ofSeconds(6)).untilAsserted(() -> assertThat(console.closeCode()).isEqualTo(4401));
    }

    @Test
    void aPasswordChangeEndsTheOtherSessionsAndClosesTheirSocketsButNotTheOneThatChangedIt() {
        create("pat-change");
        AgentSession stolen = AgentSession.signIn("pat-change", "password-of-pat-change");
        AgentSession mine = AgentSession.signIn("pat-change", "password-of-pat-change");
        String renewedMarker;
        try (ChatClient console = ChatClient.connect(agentSocket, stolen.cookieHeader())) {
            console.nextOfType("ready");
            renewedMarker = mine.given().contentType(ContentType.JSON)
                    .body(Map.of("current", "password-of-pat-change", "replacement", "a-new-password-7"))
                    .put("/api/agents/me/password").then().statusCode(204).extract().cookie(AgentSession.MARKER);
            stolen.given().get("/api/agents/me").then().statusCode(401).contentType("application/problem+json");
            closedWithin(console);
        }
        // the session that changed it goes on with the marker its answer set (as a browser keeps it)
        mine.given().get("/api/agents/me").then().statusCode(401);
        RestAssured.given().cookie(AgentSession.COOKIE, mine.cookie(AgentSession.COOKIE)).cookie(AgentSession.MARKER, renewedMarker).get("/api/agents/me").then().statusCode(200)
                .body("username", equalTo("pat-change"));
        AgentSession.signIn("pat-change", "a-new-password-7").given().get("/api/agents/me").then().statusCode(200);
    }

    @Test
    void signingOutEndsTheSessionEvenForACopyOfItsCookies() {
        create("sam-out");
        AgentSession session = AgentSession.signIn("sam-out", "password-of-sam-out");
        try (ChatClient console = ChatClient.connect(agentSocket, session.cookieHeader())) {
            console.nextOfType("ready");
            session.given().post("/api/agents/sign-out").then().statusCode(204)
                    .header("Set-Cookie", containsString("Max-Age=0"));
            // the same cookies, replayed (a copy kept by anyone): refused, and the open socket is gone
            session.given().get("/api/inbox").then().statusCode(401);
            session.given().get("/console/").then().statusCode(200); // the page still loads and shows its sign-in
            closedWithin(console);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChatClient.connect(agentSocket, session.cookieHeader()))
                .hasStackTraceContaining("401");
        AgentSession.signIn("sam-out", "password-of-sam-out").given().get("/api/agents/me").then().statusCode(200);
    }

    @Test
    void aDisabledAccountLosesItsSessionsAndCannotSignInUntilEnabled() {
        create("dee-off");
        AgentSession session = AgentSession.signIn("dee-off", "password-of-dee-off");
        AgentSession admin = AgentSession.admin();
        try (ChatClient console = ChatClient.connect(agentSocket, session.cookieHeader())) {
            console.nextOfType("ready");
            admin.given().contentType(ContentType.JSON).body(Map.of("disabled", true)).put("/api/agents/dee-off/status")
                    .then().statusCode(200).body("disabled", equalTo(true));
            session.given().get("/api/agents/me").then().statusCode(401);
            closedWithin(console);
        }
        RestAssured.given().contentType(ContentType.URLENC).formParam("j_username", "dee-off").formParam("j_password", "password-of-dee-off")
                .post("/j_security_check").then().statusCode(401);
        admin.given().contentType(ContentType.JSON).body(Map.of("disabled", true)).put("/api/agents/admin/status").then().statusCode(400);
        admin.given().contentType(ContentType.JSON).body(Map.of("disabled", false)).put("/api/agents/dee-off/status")
                .then().statusCode(200).body("disabled", equalTo(false));
        AgentSession.signIn("dee-off", "password-of-dee-off").given().get("/api/agents/me").then().statusCode(200);
    }

    @Test
    void sessionsEndedByAnotherInstanceEndHereWithinSeconds() throws Exception {
        create("ivy-far");
        AgentSession session = AgentSession.signIn("ivy-far", "password-of-ivy-far");
        try (ChatClient console = ChatClient.connect(agentSocket, session.cookieHeader())) {
            console.nextOfType("ready");
            session.given().get("/api/agents/me").then().statusCode(200);
            // what another instance's sign-out writes: only the database knows
            new Sql(db::getConnection).execute("update agent set sessions_valid_after = now() where username = 'ivy-far'");
            closedWithin(console);
            await().atMost(Duration.ofSeconds(4)).untilAsserted(() -> session.given().get("/api/agents/me").then().statusCode(401));
        }
    }
}
