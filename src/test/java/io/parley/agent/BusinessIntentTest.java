package io.parley.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.offline.OfflineEngine;
import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * A business adds an intent with ten examples through the admin API; after the background retraining
 * (reached through the database's NOTIFY, as on every instance) customers asking it in words it was
 * never shown get its answer over the real WebSocket.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class BusinessIntentTest {

    private static final Duration RETRAINING = Duration.ofSeconds(30);
    private static final String EN = "Gift cards are sold in every size from 50 to 1000 yuan; redeem them at checkout.";
    private static final String ZH = "礼品卡面额从50元到1000元都有，结账时输入卡号即可使用。";

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    OfflineEngine engine;

    @Test
    void onlyAdminsChangeIntentsAndBadInputGetsAProblem() {
        RestAssured.get("/api/intents").then().statusCode(401);
        AgentSession.agent("intent-agent", "Intent Agent").given().get("/api/intents").then().statusCode(403);
        AgentSession admin = AgentSession.admin();
        admin.given().get("/api/intents").then().statusCode(200).body("builtIn", hasItem("refund_request"));
        admin.given().contentType(ContentType.TEXT).body("name=x").post("/api/intents").then().statusCode(415);
        admin.given().contentType(ContentType.JSON).body(Map.of("name", "Bad Name!", "answer", Map.of("en", "a", "zh", "b")))
                .post("/api/intents").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("lower-case"));
        admin.given().contentType(ContentType.JSON).body(Map.of("name", "refund_request", "answer", Map.of("en", "a", "zh", "b")))
                .post("/api/intents").then().statusCode(409).body("detail", containsString("built-in"));
        admin.given().contentType(ContentType.JSON).body(Map.of("name", "no_chinese", "answer", Map.of("en", "a")))
                .post("/api/intents").then().statusCode(400).body("detail", containsString("Chinese"));
        admin.given().contentType(ContentType.JSON).body(Map.of("examples", List.of("hello")))
                .post("/api/intents/nothing_here/examples").then().statusCode(404);
    }

    @Test
    void aBusinessIntentWithTenExamplesIsRecognisedOnNewPhrasingsAfterRetraining() {
        AgentSession admin = AgentSession.admin();
        admin.given().contentType(ContentType.JSON).body(Map.of("name", "gift_card", "answer", Map.of("en", EN, "zh", ZH),
                        "examples", List.of("do you sell gift cards", "how do I redeem a gift card",
                                "my gift card code doesn't work", "can I buy a gift card for a friend",
                                "what's the balance on my gift card")))
                .post("/api/intents").then().statusCode(201).body("name", equalTo("gift_card"));
        admin.given().contentType(ContentType.JSON).body(Map.of("examples", List.of("你们有礼品卡吗", "礼品卡怎么用",
                        "礼品卡余额怎么查", "可以买礼品卡送朋友吗", "礼品卡的卡号输进去没反应", "do you sell gift cards")))
                .post("/api/intents/gift_card/examples").then().statusCode(200).body("examples.size()", equalTo(10));
        try {
            await(() -> admin.given().get("/api/intents/gift_card").then().extract().path("learnt"));
            assertThat(ask("en", "I'd like to get a gift card for my mum")).isEqualTo(List.of("gift_card", EN));
            assertThat(ask("zh-CN", "我想买一张礼品卡")).isEqualTo(List.of("gift_card", ZH));
            // the shipped intents still hold
            assertThat(ask("en", "where is my order AB1234567?").get(0)).isEqualTo("order_status");
        } finally {
            admin.given().delete("/api/intents/gift_card").then().statusCode(204);
            await(() -> !engine.knownIntents().contains("gift_card")); // the next tests see the shipped model
        }
        admin.given().get("/api/intents/gift_card").then().statusCode(404);
    }

    private List<String> ask(String locale, String text) {
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", locale)).nextOfType("ready");
            JsonNode end = customer.send(Map.of("type", "message", "id", "q", "text", text)).nextOfType("answer.end");
            return List.of(end.path("intent").asText(), end.path("text").asText());
        }
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + RETRAINING.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("retrained within %s", RETRAINING).isLessThan(deadline);
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
