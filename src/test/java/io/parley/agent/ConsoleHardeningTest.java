package io.parley.agent;

import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Holes found from outside, closed: forged agent actions, text that cannot be stored, weak passwords, framing, resolving what another agent holds. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ConsoleHardeningTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @TestHTTPResource("/ws/agent")
    URI agentSocket;

    @TestHTTPResource("/")
    URI self;

    private String conversation() {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String id = customer.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "first", "text", "hello")).nextOfType("answer.end");
            return id;
        }
    }

    private String ownOrigin() {
        return "http://" + self.getHost() + ":" + self.getPort();
    }

    @Test
    void agentActionsFromAnotherOriginAreRefusedAndBodiesMustBeJson() {
        String id = conversation();
        AgentSession admin = AgentSession.admin();
        // a page on another port of the same site posts with the agent's cookie (SameSite does not stop it)
        admin.given().header("Origin", "http://" + self.getHost() + ":1").contentType("text/plain").body("x")
                .post("/api/conversations/" + id + "/take").then().statusCode(403).contentType("application/problem+json");
        admin.given().header("Referer", "http://evil.example/page").post("/api/conversations/" + id + "/take").then().statusCode(403);
        admin.given().header("Origin", ownOrigin()).contentType("text/plain").body("{\"text\":\"planted\"}")
                .post("/api/conversations/" + id + "/notes").then().statusCode(415);
        RestAssured.given().header("Origin", "http://evil.example").contentType(ContentType.URLENC)
                .formParam("j_username", "admin").formParam("j_password", AgentSession.ADMIN_PASSWORD)
                .post("/j_security_check").then().statusCode(403);
        // the console itself (same origin) and non-browser callers (no Origin) still work
        admin.given().header("Origin", ownOrigin()).post("/api/conversations/" + id + "/take").then().statusCode(200)
                .body("status", equalTo("agent"));
        admin.given().contentType(ContentType.JSON).body(Map.of("text", "a real note")).post("/api/conversations/" + id + "/notes")
                .then().statusCode(201);
        admin.given().get("/api/conversations/" + id).then().body("notes.text", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("planted")));
        // the agent socket checks the Origin like the customer socket
        assertThatThrownBy(() -> ChatClient.connect(agentSocket, admin.cookieHeader(), "http://evil.example"))
                .isInstanceOf(CompletionException.class).hasStackTraceContaining("403");
        try (ChatClient console = ChatClient.connect(agentSocket, admin.cookieHeader(), ownOrigin())) {
            assertThat(console.nextOfType("ready").path("agent").path("username").asText()).isEqualTo("admin");
        }
    }

    @Test
    void anAgentCannotResolveWhatAnotherAgentHoldsButAnAdminCan() {
        String id = conversation();
        AgentSession ada = AgentSession.agent("ada-hold", "Ada");
        AgentSession bo = AgentSession.agent("bo-hold", "Bo");
        ada.given().post("/api/conversations/" + id + "/take").then().statusCode(200);
        bo.given().post("/api/conversations/" + id + "/resolve").then().statusCode(409).body("detail", containsString("Another agent"));
        AgentSession.admin().given().post("/api/conversations/" + id + "/resolve").then().statusCode(200).body("status", equalTo("resolved"));
    }

    @Test
    void textThatCannotBeStoredIsABadFrameNotAStorageFailure() {
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello")).nextOfType("ready");
            var error = customer.send(Map.of("type", "message", "id", "nul", "text", "hello\u0000there")).nextOfType("error");
            assertThat(error.path("code").asText()).isEqualTo("bad_frame");
            assertThat(error.path("turn").asText()).isEqualTo("nul");
            // a binary frame is not silently dropped either
            assertThat(customer.sendBinary(new byte[] {1, 2, 3}).nextOfType("error").path("code").asText()).isEqualTo("bad_frame");
            // the connection goes on
            assertThat(customer.send(Map.of("type", "message", "id", "fine", "text", "hello")).nextOfType("message").path("id").asText())
                    .isEqualTo("fine");
        }
        AgentSession.admin().given().queryParam("q", "\u0000").get("/api/inbox").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aPasswordOfOneRepeatedCharacterIsRefused() {
        AgentSession.admin().given().contentType(ContentType.JSON)
                .body(Map.of("username", "weak-one", "password", "aaaaaaaaaa", "displayName", "Weak", "role", "agent"))
                .post("/api/agents").then().statusCode(400).body("detail", containsString("different characters"));
    }

    @Test
    void pagesCannotBeFramedAndNothingIsSniffed() {
        for (String page : new String[] {"/", "/console/"}) {
            RestAssured.get(page).then().statusCode(200)
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("X-Frame-Options", equalTo("DENY"))
                    .header("X-Content-Type-Options", equalTo("nosniff"))
                    .header("Referrer-Policy", equalTo("strict-origin-when-cross-origin"));
        }
        RestAssured.get("/widget.js").then().header("X-Content-Type-Options", equalTo("nosniff"));
    }
}
