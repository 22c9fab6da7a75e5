package io.parley.widget;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** The widget's server side: allowed origins enforced on its files and on customer sockets; verified identities. */
@QuarkusTest
@TestProfile(WidgetServerTest.Site.class)
@WithTestResource(PostgresResource.class)
class WidgetServerTest {

    static final String SITE = "https://shop.example";
    static final String SECRET = "identity-secret-for-tests";

    public static class Site implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.widget.allowed-origins", SITE, "parley.widget.identity-secret", SECRET);
        }
    }

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Test
    void onlyConfiguredSitesGetTheWidgetFilesAndOpenCustomerSockets() {
        RestAssured.given().header("Origin", SITE).get("/widget/widget.js").then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(SITE));
        RestAssured.given().header("Origin", SITE).get("/js/parley-client.js").then().statusCode(200);
        RestAssured.given().header("Origin", SITE).get("/js/dom.js").then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(SITE));
        RestAssured.given().header("Origin", "https://evil.example").get("/js/dom.js").then().statusCode(403);
        RestAssured.given().header("Referer", SITE + "/products/42").get("/widget.js").then().statusCode(200);
        RestAssured.given().header("Origin", "https://evil.example").get("/widget/widget.js").then().statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue());
        RestAssured.given().header("Referer", "https://evil.example/page").get("/widget.js").then().statusCode(403);

        try (ChatClient fromSite = connect(SITE)) {
            assertThat(fromSite.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText()).isNotBlank();
        }
        assertThatThrownBy(() -> connect("https://evil.example")).isInstanceOf(CompletionException.class)
                .hasStackTraceContaining("status code 403");
        // Parley's own page (same origin) and clients that are not browsers (no Origin) still work
        try (ChatClient app = ChatClient.connect(chat)) {
            assertThat(app.send(Map.of("type", "hello")).nextOfType("ready").has("token")).isTrue();
        }
    }

    @Test
    void aVerifiedUserKeepsOneConversationAcrossDevicesAndNobodyCanPoseAsThem() {
        String user = "user-" + UUID.randomUUID();
        String hash = Identity.sign(SECRET, user);
        String conversation;
        try (ChatClient laptop = connect(SITE)) {
            JsonNode ready = laptop.send(Map.of("type", "hello", "userId", user, "userHash", hash)).nextOfType("ready");
            conversation = ready.path("conversationId").asText();
            laptop.send(Map.of("type", "message", "id", "from-laptop", "text", "where is my order AB1234567?")).nextOfType("answer.end");
        }
        try (ChatClient phone = connect(SITE)) {
            JsonNode ready = phone.send(Map.of("type", "hello", "userId", user, "userHash", hash.toUpperCase())).nextOfType("ready");
            assertThat(ready.path("conversationId").asText()).isEqualTo(conversation);
            assertThat(phone.nextOfType("message").path("id").asText()).isEqualTo("from-laptop"); // the history replays
        }
        try (ChatClient impostor = connect(SITE)) {
            JsonNode error = impostor.send(Map.of("type", "hello", "userId", user, "userHash", Identity.sign("guessed", user))).nextOfType("error");
            assertThat(error.path("code").asText()).isEqualTo("unauthorized");
            // another user's valid identity opens another conversation
            String other = "user-" + UUID.randomUUID();
            assertThat(impostor.send(Map.of("type", "hello", "userId", other, "userHash", Identity.sign(SECRET, other)))
                    .nextOfType("ready").path("conversationId").asText()).isNotEqualTo(conversation);
        }
        AgentSession.admin().given().get("/api/conversations/" + conversation).then()
                .body("conversation.site", equalTo(SITE)).body("conversation.userId", equalTo(user))
                .body("conversation.channel", equalTo("widget"));
    }

    @Test
    void aVerifiedUserWhoComesBackWithTheirTokenGetsOnlyWhatTheyHaveNotSeen() {
        String user = "user-" + UUID.randomUUID();
        String hash = Identity.sign(SECRET, user);
        String token;
        long seen;
        try (ChatClient tab = connect(SITE)) {
            token = tab.send(Map.of("type", "hello", "userId", user, "userHash", hash)).nextOfType("ready").path("token").asText();
            seen = tab.send(Map.of("type", "message", "id", "first", "text", "hello")).nextOfType("answer.end").path("seq").asLong();
        }
        try (ChatClient tab = connect(SITE)) {
            tab.send(Map.of("type", "hello", "userId", user, "userHash", hash, "token", token, "lastSeq", seen)).nextOfType("ready");
            tab.send(Map.of("type", "message", "id", "second", "text", "thanks"));
            // nothing from before lastSeq is replayed: the first message the tab gets is the echo of the new one
            assertThat(tab.nextOfType("message").path("id").asText()).isEqualTo("second");
        }
        try (ChatClient stranger = connect(SITE)) {
            // a token of another conversation does not narrow the replay: the user gets their whole conversation
            String otherToken = stranger.send(Map.of("type", "hello")).nextOfType("ready").path("token").asText();
            try (ChatClient tab = connect(SITE)) {
                tab.send(Map.of("type", "hello", "userId", user, "userHash", hash, "token", otherToken, "lastSeq", seen)).nextOfType("ready");
                assertThat(tab.nextOfType("message").path("id").asText()).isEqualTo("first");
            }
        }
    }

    private ChatClient connect(String origin) {
        return ChatClient.connect(chat, null, origin);
    }
}
