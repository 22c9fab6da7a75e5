package io.parley.web;

import com.sun.net.httpserver.HttpServer;
import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Forged agent actions, from a real Chromium: a signed-in agent opens a page served from another port
 * of 127.0.0.1 (the same site, so the SameSite=Strict session cookie still goes along). Its no-cors
 * text/plain posts and its agent socket carry the agent's cookie; agent.ConsoleGate refuses them by
 * their Origin, so the conversation is not taken over, no note is planted, the socket never opens.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ConsoleCsrfBrowserTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @TestHTTPResource("/")
    URI root;

    @Test
    void aPageOfAnotherOriginCannotActAsTheSignedInAgent() throws Exception {
        String conversation;
        try (ChatClient customer = ChatClient.connect(chat)) {
            conversation = customer.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "csrf-1", "text", "hello")).nextOfType("answer.end");
        }
        AgentSession.agent("cass-csrf", "Cass");
        byte[] page;
        try (InputStream in = getClass().getResourceAsStream("/web/attacker.html")) {
            page = in.readAllBytes();
        }
        HttpServer attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        attacker.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        attacker.start();
        try {
            String base = "http://127.0.0.1:" + root.getPort();
            BrowserTests.run("csrf.test.mjs", base, Map.of("PARLEY_AGENT_USER", "cass-csrf", "PARLEY_AGENT_PASSWORD", "password-of-cass-csrf",
                    "PARLEY_ATTACKER_URL", "http://127.0.0.1:" + attacker.getAddress().getPort(), "PARLEY_CONVERSATION", conversation));
        } finally {
            attacker.stop(0);
        }
        AgentSession.admin().given().get("/api/conversations/" + conversation).then().statusCode(200)
                .body("status", not(equalTo("agent")))
                .body("notes.text", not(hasItem("planted by another origin")));
    }
}
