package io.parley.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Live hand-off between a customer socket and an agent socket, over real WebSockets. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class HandoffTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @TestHTTPResource("/ws/agent")
    URI agentSocket;

    @Inject
    AgroalDataSource db;

    @Test
    void askingForAPersonWithNobodyOnlineWaitsAndSaysLeaveAMessage() throws Exception {
        try (var c = db.getConnection(); var s = c.createStatement()) {
            s.execute("update agent set last_seen_at = null"); // no console open anywhere
        }
        try (ChatClient customer = ChatClient.connect(chat)) {
            String id = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            // the offline engine's human_agent intent carries the handoff flag
            JsonNode end = customer.send(Map.of("type", "message", "id", "h1", "text", "I want to talk to a real person")).nextOfType("answer.end");
            assertThat(end.path("intent").asText()).isEqualTo("human_agent");
            JsonNode notice = customer.nextMatching(f -> "system".equals(f.path("role").asText()));
            assertThat(notice.path("kind").asText()).isEqualTo("handoff_no_agent");
            assertThat(notice.path("text").asText()).contains("Leave your message");
            // while it waits for a person, the bot does not answer: the message is stored and acknowledged only
            JsonNode ack = customer.send(Map.of("type", "message", "id", "h2", "text", "my order AB5556667 never came")).nextOfType("message");
            assertThat(ack.path("role").asText()).isEqualTo("customer");
            assertThat(customer.quietFor(600)).isTrue();
            AgentSession.admin().given().get("/api/conversations/" + id).then().body("conversation.status", equalTo("waiting_agent"))
                    .body("history[0].actor", equalTo("assistant"));
        }
        // a customer writing Chinese from an English browser is told in Chinese
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en-US")).nextOfType("ready");
            customer.send(Map.of("type", "message", "id", "zh-h1", "text", "我要转人工"));
            JsonNode notice = customer.nextMatching(f -> "system".equals(f.path("role").asText()));
            assertThat(notice.path("kind").asText()).isEqualTo("handoff_no_agent");
            assertThat(notice.path("text").asText()).contains("人工客服");
        }
    }

    @Test
    void agentTakesOverTalksLiveWithTypingBothWaysHandsBackAndTheCustomerRatesTheResolution() throws Exception {
        AgentSession session = AgentSession.agent("ada", "Ada");
        try (ChatClient agent = ChatClient.connect(agentSocket, session.cookieHeader());
             ChatClient customer = ChatClient.connect(chat)) {
            assertThat(agent.nextOfType("ready").at("/agent/displayName").asText()).isEqualTo("Ada");

            JsonNode ready = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            String id = ready.path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "c1", "text", "hello, is anyone there?")).nextOfType("answer.end");
            // the customer's handoff frame: an agent is online, so the customer is told one will join
            customer.send(Map.of("type", "handoff"));
            JsonNode waiting = customer.nextMatching(f -> "system".equals(f.path("role").asText()));
            assertThat(waiting.path("kind").asText()).isEqualTo("handoff_requested");
            // the console's inbox feed names the conversation
            agent.until(f -> "activity".equals(f.path("type").asText()) && f.path("conversations").toString().contains(id));

            // the agent opens it: watching, then the whole history
            List<JsonNode> replay = agent.send(Map.of("type", "watch", "conversationId", id)).until(
                    f -> "message".equals(f.path("type").asText()) && f.path("seq").asLong() == waiting.path("seq").asLong());
            assertThat(replay.stream().filter(f -> "watching".equals(f.path("type").asText())).count()).isEqualTo(1);
            assertThat(replay.stream().filter(f -> "message".equals(f.path("type").asText())).map(f -> f.path("role").asText()))
                    .containsExactly("customer", "assistant", "system");

            session.given().post("/api/conversations/" + id + "/take").then().statusCode(200).body("status", equalTo("agent"));
            JsonNode joined = customer.nextMatching(f -> "agent_joined".equals(f.path("kind").asText()));
            assertThat(joined.path("text").asText()).isEqualTo("Ada from our support team has joined the conversation.");
            agent.until(f -> "agent_joined".equals(f.path("kind").asText()));
            // taking it again is harmless; another agent cannot
            session.given().post("/api/conversations/" + id + "/take").then().statusCode(200);
            AgentSession.agent("bob", "Bob").given().post("/api/conversations/" + id + "/take").then().statusCode(409);

            // typing both ways
            agent.send(Map.of("type", "typing", "conversationId", id));
            JsonNode agentTyping = customer.nextOfType("typing");
            assertThat(agentTyping.path("role").asText()).isEqualTo("agent");
            assertThat(agentTyping.path("name").asText()).isEqualTo("Ada");
            customer.send(Map.of("type", "typing"));
            assertThat(agent.nextOfType("typing").path("role").asText()).isEqualTo("customer");

            // the agent replies over the socket: the customer sees it with the agent's name
            agent.send(Map.of("type", "message", "conversationId", id, "id", "a1", "text", "Hi, I am Ada. How can I help?"));
            JsonNode reply = customer.nextOfType("message");
            assertThat(reply.path("role").asText()).isEqualTo("agent");
            assertThat(reply.path("author").asText()).isEqualTo("Ada");
            assertThat(reply.path("text").asText()).isEqualTo("Hi, I am Ada. How can I help?");
            // the same id again stores nothing new
            agent.send(Map.of("type", "message", "conversationId", id, "id", "a1", "text", "Hi, I am Ada. How can I help?"));
            assertThat(agent.nextMatching(f -> "ack".equals(f.path("type").asText())).path("id").asText()).isEqualTo("a1");

            // the customer's next message reaches the agent live; the bot stays silent
            customer.send(Map.of("type", "message", "id", "c2", "text", "my parcel is damaged"));
            JsonNode arrived = agent.nextMatching(f -> "message".equals(f.path("type").asText()) && "c2".equals(f.path("id").asText()));
            assertThat(arrived.path("text").asText()).isEqualTo("my parcel is damaged");
            assertThat(customer.nextOfType("message").path("id").asText()).isEqualTo("c2");
            assertThat(customer.quietFor(500)).isTrue();

            // rating is only for resolved conversations
            assertThat(customer.send(Map.of("type", "rate", "score", 5)).nextOfType("error").path("code").asText()).isEqualTo("not_allowed");

            // hand back: the bot answers again
            session.given().post("/api/conversations/" + id + "/hand-back").then().statusCode(200).body("status", equalTo("bot"));
            assertThat(customer.nextMatching(f -> "agent_left".equals(f.path("kind").asText())).path("text").asText()).contains("Ada");
            customer.send(Map.of("type", "message", "id", "c3", "text", "where is my order AB1234567?"));
            assertThat(customer.nextOfType("answer.end").path("intent").asText()).isEqualTo("order_status");
            // and the agent (no longer holding it) may not type to the customer nor reply
            agent.send(Map.of("type", "message", "conversationId", id, "id", "a2", "text", "still here"));
            assertThat(agent.nextMatching(f -> "error".equals(f.path("type").asText())).path("code").asText()).isEqualTo("not_allowed");

            session.given().post("/api/conversations/" + id + "/resolve").then().statusCode(200);
            customer.until(f -> "resolved".equals(f.path("kind").asText()));
            assertThat(customer.send(Map.of("type", "rate", "score", 9)).nextOfType("error").path("code").asText()).isEqualTo("bad_frame");
            customer.send(Map.of("type", "rate", "score", 4, "comment", "Ada was quick"));
            assertThat(customer.nextMatching(f -> "rated".equals(f.path("kind").asText())).path("text").asText()).contains("Thank you");
            session.given().get("/api/conversations/" + id).then().body("conversation.rating", equalTo(4))
                    .body("conversation.ratingComment", equalTo("Ada was quick"));
            session.given().queryParam("q", "my parcel is damaged").get("/api/inbox").then().body("items[0].rating", equalTo(4));
            session.given().get("/api/conversations/" + id).then()
                    .body("history.to", equalTo(List.of("waiting_agent", "agent", "bot", "resolved")));
        }
    }
}
