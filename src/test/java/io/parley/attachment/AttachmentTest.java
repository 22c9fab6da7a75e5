package io.parley.attachment;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Images from the customer (conversation token) and the agent (console sign-in), over real HTTP and sockets. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class AttachmentTest {

    /** A 1×1 PNG. */
    static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Test
    void aCustomersPhotoIsStoredShownToTheAgentAndFlagsTheConversationForAPerson() {
        try (ChatClient customer = ChatClient.connect(chat); ChatClient other = ChatClient.connect(chat)) {
            JsonNode ready = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            String id = ready.path("conversationId").asText();
            String token = ready.path("token").asText();
            customer.send(Map.of("type", "message", "id", "a1", "text", "my parcel arrived broken")).nextOfType("answer.end");
            String otherToken = other.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("token").asText();
            other.send(Map.of("type", "message", "id", "o1", "text", "hello")).nextOfType("answer.end");

            // the client's Content-Type claims nothing useful: the type comes from the bytes
            String attachment = RestAssured.given().header("X-Parley-Token", token).contentType("application/octet-stream").body(PNG)
                    .post("/attachments").then().statusCode(201).body("contentType", equalTo("image/png"))
                    .body("size", equalTo(PNG.length)).extract().path("attachment");
            JsonNode shown = customer.nextMatching(f -> attachment.equals(f.path("attachment").asText()));
            assertThat(shown.path("role").asText()).isEqualTo("customer");
            // no vision model: the bot says honestly that a person will look, and the conversation waits for one
            JsonNode reply = customer.nextMatching(f -> "assistant".equals(f.path("role").asText()) && f.path("text").asText().contains("photo"));
            assertThat(reply.path("text").asText()).contains("a person from our team will look at it");
            AgentSession agent = AgentSession.admin();
            agent.given().get("/api/conversations/" + id).then().statusCode(200)
                    .body("conversation.status", equalTo("waiting_agent"))
                    .body("messages.find { it.attachment != null }.attachment", equalTo(attachment));

            Response image = agent.given().get("/api/attachments/" + attachment);
            assertThat(image.statusCode()).isEqualTo(200);
            assertThat(image.contentType()).isEqualTo("image/png");
            assertThat(image.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(image.header("Content-Security-Policy")).isEqualTo("default-src 'none'; sandbox");
            assertThat(image.header("Content-Disposition")).startsWith("inline; filename=");
            assertThat(image.header("Cache-Control")).startsWith("private");
            assertThat(image.asByteArray()).isEqualTo(PNG);
            RestAssured.given().header("X-Parley-Token", token).get("/attachments/" + attachment).then().statusCode(200);

            // another conversation's token, no token, no sign-in: as if it did not exist
            RestAssured.given().header("X-Parley-Token", otherToken).get("/attachments/" + attachment).then().statusCode(404);
            RestAssured.given().get("/attachments/" + attachment).then().statusCode(404);
            RestAssured.given().get("/api/attachments/" + attachment).then().statusCode(401);

            // an agent sends one only into a conversation they have taken over
            agent.given().contentType("image/png").body(PNG).post("/api/conversations/" + id + "/attachments").then().statusCode(409);
            agent.given().post("/api/conversations/" + id + "/take").then().statusCode(200);
            String back = agent.given().contentType("image/png").body(PNG).post("/api/conversations/" + id + "/attachments")
                    .then().statusCode(201).extract().path("attachment");
            JsonNode fromAgent = customer.nextMatching(f -> back.equals(f.path("attachment").asText()));
            assertThat(fromAgent.path("role").asText()).isEqualTo("agent");
            RestAssured.given().header("X-Parley-Token", token).get("/attachments/" + back).then().statusCode(200);
        }
    }

    @Test
    void aPhotoMayBeTheVisitorsFirstActOnceTheChatSaysStart() {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String token = customer.send(Map.of("type", "hello", "locale", "zh-CN")).nextOfType("ready").path("token").asText();
            // after hello the conversation is a draft (stored only when the visitor acts): the token opens nothing yet
            RestAssured.given().header("X-Parley-Token", token).body(PNG).post("/attachments").then().statusCode(404);
            String id = customer.send(Map.of("type", "start")).nextOfType("started").path("conversationId").asText();
            customer.send(Map.of("type", "start")).nextOfType("started"); // again: the same conversation, nothing new
            RestAssured.given().header("X-Parley-Token", token).body(PNG).post("/attachments").then().statusCode(201);
            assertThat(customer.nextMatching(f -> "customer".equals(f.path("role").asText())).path("attachment").asText()).isNotEmpty();
            assertThat(customer.nextMatching(f -> "assistant".equals(f.path("role").asText())).path("text").asText())
                    .isEqualTo("感谢您发来的照片，我们的工作人员会查看并在这里回复您。");
            AgentSession.admin().given().get("/api/conversations/" + id).then().statusCode(200)
                    .body("conversation.status", equalTo("waiting_agent"));
        }
    }

    @Test
    void htmlCalledPngAndOversizeImagesAreRefused() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            JsonNode ready = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            String token = ready.path("token").asText();
            customer.send(Map.of("type", "message", "id", "r1", "text", "hi")).nextOfType("answer.end");
            // over the image limit, under Quarkus's global 10 MiB: refused by the declared length before the body is
            // read, or, sent chunked, once past the limit; nothing stored, and the server goes on serving
            byte[] big = new byte[8 * 1024 * 1024];
            System.arraycopy(PNG, 0, big, 0, PNG.length);
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            java.net.http.HttpResponse<String> refused = http.send(java.net.http.HttpRequest.newBuilder(
                            URI.create("http://localhost:" + RestAssured.port + "/attachments")).header("X-Parley-Token", token)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(413);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.body()).contains("Images may be at most 5242880 bytes.");
            try (java.net.Socket raw = new java.net.Socket("localhost", RestAssured.port)) {
                raw.setSoTimeout(10_000); // the answer comes though only 8 of the 8 MiB declared were sent: no body was awaited
                raw.getOutputStream().write(("POST /attachments HTTP/1.1\r\nHost: localhost\r\nX-Parley-Token: " + token
                        + "\r\nContent-Length: " + big.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                raw.getOutputStream().write(PNG, 0, 8);
                byte[] head = new byte[400];
                String answer = new String(head, 0, Math.max(0, raw.getInputStream().read(head)), StandardCharsets.ISO_8859_1);
                assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json");
            }
            AgentSession.admin().given().get("/api/conversations/" + ready.path("conversationId").asText()).then().statusCode(200)
                    .body("messages.findAll { it.attachment != null }.size()", equalTo(0));
            RestAssured.given().header("X-Parley-Token", token).contentType("image/png")
                    .body("<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8))
                    .post("/attachments").then().statusCode(415).contentType("application/problem+json");
            byte[] huge = new byte[5 * 1024 * 1024 + 1];
            System.arraycopy(PNG, 0, huge, 0, PNG.length);
            RestAssured.given().header("X-Parley-Token", token).contentType("image/png").body(huge)
                    .post("/attachments").then().statusCode(413).contentType("application/problem+json");
            RestAssured.given().contentType("image/png").body(PNG).post("/attachments").then().statusCode(404);
            // a widget on an allowed site may call cross-origin (preflight), any other site may not
            RestAssured.given().header("Origin", "https://elsewhere.example").header("Access-Control-Request-Method", "POST")
                    .options("/attachments").then().statusCode(403);
            String self = "http://localhost:" + RestAssured.port;
            RestAssured.given().header("Origin", self).header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "x-parley-token").options("/attachments").then().statusCode(204)
                    .header("Access-Control-Allow-Origin", self).header("Access-Control-Allow-Headers", org.hamcrest.Matchers.containsString("X-Parley-Token"));
        }
    }
}
