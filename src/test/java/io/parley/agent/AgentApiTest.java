package io.parley.agent;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** The agent REST API over real HTTP: sign-in, accounts, inbox, transcript, notes, tags, exports. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class AgentApiTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @TestHTTPResource("/ws/agent")
    URI agentSocket;

    @Test
    void nothingForAgentsOpensWithoutSigningInAndACustomerTokenOpensNothing() {
        String token;
        try (ChatClient customer = ChatClient.connect(chat)) {
            token = customer.send(Map.of("type", "hello")).nextOfType("ready").path("token").asText();
            customer.send(Map.of("type", "message", "id", "first", "text", "hello")).nextOfType("answer.end"); // stores the conversation
        }
        RestAssured.get("/api/inbox").then().statusCode(401);
        RestAssured.given().header("Authorization", "Bearer " + token).get("/api/inbox").then().statusCode(401);
        RestAssured.given().cookie(AgentSession.COOKIE, token).get("/api/inbox").then().statusCode(401);
        RestAssured.given().contentType(ContentType.JSON).post("/api/conversations/" + UUID.randomUUID() + "/take").then().statusCode(401);
        RestAssured.given().contentType(ContentType.URLENC).formParam("j_username", "admin").formParam("j_password", "wrong-password")
                .post("/j_security_check").then().statusCode(401).header("Set-Cookie", org.hamcrest.Matchers.nullValue());
        RestAssured.given().contentType(ContentType.URLENC).formParam("j_username", "admin")
                .formParam("j_password", AgentSession.ADMIN_PASSWORD).post("/j_security_check").then().statusCode(200)
                .header("Set-Cookie", org.hamcrest.Matchers.containsStringIgnoringCase("HttpOnly")).header("Set-Cookie", containsString("SameSite=Strict"));
        assertThatThrownBy(() -> ChatClient.connect(agentSocket)).isInstanceOf(CompletionException.class);
        assertThatThrownBy(() -> ChatClient.connect(agentSocket, AgentSession.COOKIE + "=" + token)).isInstanceOf(CompletionException.class);
        // the customer socket still works for the customer
        try (ChatClient customer = ChatClient.connect(chat)) {
            assertThat(customer.send(Map.of("type", "hello", "token", token)).nextOfType("ready").path("token").asText()).isEqualTo(token);
        }
    }

    @Test
    void adminCreatesAnAgentWhoSignsInSeesOnlyAgentThingsAndSignsOut() {
        AgentSession admin = AgentSession.admin();
        admin.given().get("/api/agents/me").then().statusCode(200).body("role", equalTo("admin"));
        admin.given().contentType(ContentType.JSON).body(Map.of("username", "short", "password", "123"))
                .post("/api/agents").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("at least 10"));
        String name = "li.na-" + System.nanoTime() % 100000;
        admin.given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", "a-good-password", "displayName", "Li Na", "role", "agent"))
                .post("/api/agents").then().statusCode(201).body("displayName", equalTo("Li Na"))
                .body(not(containsString("password")));
        admin.given().contentType(ContentType.JSON).body(Map.of("username", name, "password", "a-good-password"))
                .post("/api/agents").then().statusCode(409);

        AgentSession agent = AgentSession.signIn(name, "a-good-password");
        agent.given().get("/api/agents/me").then().statusCode(200).body("username", equalTo(name)).body("role", equalTo("agent"));
        agent.given().get("/api/agents").then().statusCode(403);
        agent.given().contentType(ContentType.JSON).body(Map.of("username", "x" + name, "password", "a-good-password"))
                .post("/api/agents").then().statusCode(403);
        admin.given().get("/api/agents").then().statusCode(200).body("username", hasItem(name));
        agent.given().post("/api/agents/sign-out").then().statusCode(204)
                .header("Set-Cookie", containsString(AgentSession.COOKIE + "="));
    }

    @Test
    void inboxFiltersByStatusIntentDateAgentAndFindsChineseAndEnglishText() {
        String marker = "M" + UUID.randomUUID().toString().substring(0, 8);
        String zhConversation;
        String enConversation;
        try (ChatClient zh = ChatClient.connect(chat); ChatClient en = ChatClient.connect(chat)) {
            zhConversation = zh.send(Map.of("type", "hello", "locale", "zh-CN")).nextOfType("ready").path("conversationId").asText();
            zh.send(Map.of("type", "message", "id", "zh", "text", "请问退货要多久 " + marker)).nextOfType("answer.end");
            enConversation = en.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            en.send(Map.of("type", "message", "id", "en", "text", "where is my order AB7654321 " + marker)).nextOfType("answer.end");
        }
        AgentSession agent = AgentSession.agent("inbox-agent", "Inbox Agent");
        // search: a two-character Chinese word, an English word in another case, the marker
        agent.given().queryParam("q", "退货").get("/api/inbox").then().statusCode(200)
                .body("items.id", hasItem(zhConversation)).body("items.id", not(hasItem(enConversation)));
        agent.given().queryParam("q", "WHERE IS MY ORDER AB7654321").get("/api/inbox").then()
                .body("items.id", hasItem(enConversation)).body("items.id", not(hasItem(zhConversation)));
        agent.given().queryParam("q", marker).get("/api/inbox").then()
                .body("total", equalTo(2)).body("items[0].id", equalTo(enConversation)) // newest activity first
                .body("items[0].lastIntent", equalTo("order_status")).body("counts.bot", equalTo(2))
                .body("counts.agent", equalTo(0));
        agent.given().queryParam("q", marker).queryParam("intent", "order_status").get("/api/inbox").then()
                .body("items.id", equalTo(List.of(enConversation)));
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        agent.given().queryParam("q", marker).queryParam("from", today).queryParam("to", today).get("/api/inbox").then().body("total", equalTo(2));
        agent.given().queryParam("q", marker).queryParam("from", tomorrow).get("/api/inbox").then().body("total", equalTo(0));
        // a "%" in the search is a character, not a wildcard
        agent.given().queryParam("q", "%").queryParam("intent", "order_status").queryParam("from", today).get("/api/inbox").then()
                .body("items.id", not(hasItem(enConversation)));

        agent.given().post("/api/conversations/" + zhConversation + "/take").then().statusCode(200).body("status", equalTo("agent"));
        agent.given().queryParam("q", marker).queryParam("agent", "me").get("/api/inbox").then()
                .body("items.id", equalTo(List.of(zhConversation))).body("items[0].agentName", equalTo("Inbox Agent"));
        agent.given().queryParam("q", marker).queryParam("status", "agent").get("/api/inbox").then()
                .body("total", equalTo(1)).body("counts.agent", equalTo(1)).body("counts.bot", equalTo(1));
        agent.given().queryParam("q", marker).queryParam("agent", "none").get("/api/inbox").then()
                .body("items.id", equalTo(List.of(enConversation)));

        agent.given().queryParam("status", "sleeping").get("/api/inbox").then().statusCode(400).contentType("application/problem+json");
        agent.given().queryParam("from", "yesterday").get("/api/inbox").then().statusCode(400).body("detail", containsString("from"));
        agent.given().queryParam("size", 5000).get("/api/inbox").then().statusCode(400);
        // whatever the REST layer rejects by itself is a problem response that says why
        agent.given().queryParam("page", "x").get("/api/inbox").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("whole numbers"));
        agent.given().contentType(ContentType.JSON).body("{not json").post("/api/conversations/" + zhConversation + "/notes")
                .then().statusCode(400).contentType("application/problem+json");
        agent.given().contentType(ContentType.JSON).body(Map.of("a", 1)).put("/api/conversations/" + zhConversation + "/tags")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("expected shape"));
        agent.given().post("/api/conversations/not-a-uuid/take").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("not-a-uuid"));

        // the whole filter as CSV: one row per conversation
        String csv = agent.given().queryParam("q", marker).get("/api/inbox/export.csv").then().statusCode(200)
                .contentType(containsString("text/csv")).extract().asString();
        String[] lines = csv.split("\r\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("conversation_id,status,");
        assertThat(csv).contains(zhConversation + ",agent,zh-CN").contains(enConversation + ",bot,en");
    }

    @Test
    void transcriptShowsEveryAnswerDetailNotesTagsHistoryAndExportsThreeWays() {
        String id;
        try (ChatClient customer = ChatClient.connect(chat)) {
            id = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "t1", "text", "=HYPERLINK(\"x\") <script>alert(1)</script> order AB1112223?"))
                    .nextOfType("answer.end");
        }
        AgentSession agent = AgentSession.agent("transcript-agent", "Tess");
        agent.given().contentType(ContentType.JSON).body(Map.of("text", "Customer sounds unsure; check the order tomorrow."))
                .post("/api/conversations/" + id + "/notes").then().statusCode(201).body("author", equalTo("Tess"));
        agent.given().contentType(ContentType.JSON).body(List.of("VIP", " orders ", "vip"))
                .put("/api/conversations/" + id + "/tags").then().statusCode(200).body("", equalTo(List.of("vip", "orders")));
        agent.given().post("/api/conversations/" + id + "/resolve").then().statusCode(200).body("status", equalTo("resolved"));

        JsonNode t = agent.given().get("/api/conversations/" + id).then().statusCode(200).extract().as(JsonNode.class);
        assertThat(t.at("/conversation/status").asText()).isEqualTo("resolved");
        assertThat(t.at("/conversation/tags").toString()).isEqualTo("[\"vip\",\"orders\"]");
        JsonNode answer = t.at("/messages/1");
        assertThat(answer.path("role").asText()).isEqualTo("assistant");
        assertThat(answer.path("intent").asText()).isEqualTo("order_status");
        assertThat(answer.path("confidence").asDouble()).isPositive();
        assertThat(answer.path("entities").toString()).contains("AB1112223");
        assertThat(answer.path("source").asText()).isEqualTo("offline");
        assertThat(answer.has("totalMs")).isTrue();
        assertThat(t.at("/messages/2/kind").asText()).isEqualTo("resolved");
        assertThat(t.at("/notes/0/text").asText()).startsWith("Customer sounds unsure");
        assertThat(t.at("/history/0/to").asText()).isEqualTo("resolved");
        assertThat(t.at("/history/0/actor").asText()).isEqualTo("agent:Tess");

        agent.given().get("/api/conversations/" + id + "/export.json").then().statusCode(200)
                .header("Content-Disposition", containsString("conversation-" + id + ".json"))
                .body("messages[0].text", containsString("<script>"));
        String csv = agent.given().get("/api/conversations/" + id + "/export.csv").then().statusCode(200).extract().asString();
        assertThat(csv.split("\r\n")[0]).startsWith("seq,at,role,author,text,intent");
        assertThat(csv).contains("\"'=HYPERLINK(\"\"x\"\")"); // a formula stays text in a spreadsheet
        String html = agent.given().get("/api/conversations/" + id + "/export.html").then().statusCode(200)
                .contentType(containsString("text/html")).extract().asString();
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>")
                .contains("intent order_status").contains("Customer sounds unsure").contains("vip, orders");

        agent.given().get("/api/conversations/" + UUID.randomUUID()).then().statusCode(404).contentType("application/problem+json");
        agent.given().contentType(ContentType.JSON).body(Map.of("text", "")).post("/api/conversations/" + id + "/notes").then().statusCode(400);
        // replying without taking the conversation over is refused, and nothing is stored
        agent.given().contentType(ContentType.JSON).body(Map.of("text", "hello")).post("/api/conversations/" + id + "/messages")
                .then().statusCode(409).contentType("application/problem+json");
        agent.given().get("/api/conversations/" + id).then().body("messages.size()", equalTo(3));
    }
}
