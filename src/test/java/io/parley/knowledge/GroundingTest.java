package io.parley.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.parley.llm.PromptBuilder;
import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.FakeDeepSeekResource;
import io.parley.testing.ModelPathReset;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A grounded model turn over the real socket and the fake provider's real protocol: the passages go
 * into the request after the system prompt, which stays byte-identical turn after turn; the answer's
 * citations become {@code answer.end}'s sources; the passages are stored with the answer.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
class GroundingTest {

    private static final String RETURNS = "Returns policy";
    private static final String CITED = "{\"intent\": \"refund_request\", \"confidence\": 0.9, \"entities\": [], \"sentiment\": \"neutral\", "
            + "\"handoff\": false, \"answer\": \"Yes: unused items can be returned within 30 days of delivery [1].\", \"suggestions\": []}";
    private static final String UNKNOWN = "{\"intent\": \"other\", \"confidence\": 0.8, \"entities\": [], \"sentiment\": \"neutral\", "
            + "\"handoff\": false, \"answer\": \"I don't know that, but I can connect you with a person.\", \"suggestions\": []}";

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    ModelPathReset modelPath;

    @Inject
    PromptBuilder prompts;

    @Inject
    KnowledgeIndex index;

    @Inject
    AgroalDataSource db;

    final FakeDeepSeek fake = FakeDeepSeek.get();

    @BeforeEach
    void reset() {
        modelPath.reset();
    }

    @AfterEach
    void removeArticles() throws Exception {
        KnowledgeApiTest.removeAll(db);
        KnowledgeApiTest.eventually(() -> assertThat(index.articles()).isZero());
    }

    @Test
    void passagesGoAfterTheStableSystemPromptAndCitationsBecomeSources() throws Exception {
        long returns = article(RETURNS, "You can return most items within **30 days** of delivery, unused and in their original packaging.",
                "https://shop.example.com/help/returns");
        article("Payment methods", "We accept Alipay, WeChat Pay and UnionPay cards.", null);
        KnowledgeApiTest.eventually(() -> assertThat(index.articles()).isEqualTo(2));
        fake.enqueue(FakeDeepSeek.Reply.stream(CITED), FakeDeepSeek.Reply.stream(UNKNOWN));
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            JsonNode end = customer.send(Map.of("type", "message", "id", UUID.randomUUID().toString(),
                    "text", "Can I return unused items after three weeks?")).nextOfType("answer.end");

            assertThat(end.path("source").asText()).isEqualTo("model");
            assertThat(end.path("text").asText()).contains("within 30 days");
            assertThat(end.path("sources")).hasSize(1);
            assertThat(end.path("sources").get(0).path("id").asLong()).isEqualTo(returns);
            assertThat(end.path("sources").get(0).path("title").asText()).isEqualTo(RETURNS);
            assertThat(end.path("sources").get(0).path("url").asText()).isEqualTo("https://shop.example.com/help/returns");

            JsonNode first = fake.requests().get(fake.requests().size() - 1).path("messages");
            assertThat(first.get(0).path("role").asText()).isEqualTo("system");
            assertThat(first.get(0).path("content").asText()).isEqualTo(prompts.systemPrompt());
            assertThat(first.get(1).path("role").asText()).isEqualTo("system");
            assertThat(first.get(1).path("content").asText()).contains("[1] " + RETURNS).contains("within 30 days of delivery")
                    .contains("answer only from these passages").contains("connect the customer with a person").contains("[1]");
            assertThat(first.get(2).path("content").asText()).isEqualTo("Can I return unused items after three weeks?");

            String stored = new Sql(db::getConnection).row("select passages::text as p, sources::text as s from message "
                    + "where conversation_id = ?::uuid and role = 'assistant'", conversation).get("p").toString();
            assertThat(stored).contains("within 30 days of delivery").contains(RETURNS);

            // the next turn: the same system message byte for byte, the earlier passages gone, the new ones before the new question
            JsonNode second = customer.send(Map.of("type", "message", "id", UUID.randomUUID().toString(),
                    "text", "Can I pay with WeChat Pay?")).nextOfType("answer.end");
            assertThat(second.path("sources")).as("the answer cites nothing").isEmpty();
            JsonNode next = fake.requests().get(fake.requests().size() - 1).path("messages");
            assertThat(next.get(0).path("content").asText()).isEqualTo(first.get(0).path("content").asText());
            assertThat(next).hasSize(5); // system, question, answer, knowledge, question
            assertThat(next.get(1).path("content").asText()).isEqualTo("Can I return unused items after three weeks?");
            assertThat(next.get(3).path("role").asText()).isEqualTo("system");
            assertThat(next.get(3).path("content").asText()).contains("Payment methods").doesNotContain(RETURNS);
        }
    }

    @Test
    void withoutPublishedArticlesTheRequestIsExactlyWhatItWas() {
        article("Draft only", "Nothing published yet.", null, false);
        fake.enqueue(FakeDeepSeek.Reply.stream(UNKNOWN));
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            JsonNode end = customer.send(Map.of("type", "message", "id", "q1", "text", "Anything published?")).nextOfType("answer.end");
            assertThat(end.path("sources")).isEmpty();
        }
        JsonNode messages = fake.requests().get(fake.requests().size() - 1).path("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).path("content").asText()).isEqualTo(prompts.systemPrompt());
    }

    private static long article(String title, String body, String url) {
        return article(title, body, url, true);
    }

    private static long article(String title, String body, String url, boolean published) {
        Map<String, Object> a = new java.util.HashMap<>(Map.of("title", title, "body", body, "language", "en", "published", published));
        if (url != null) {
            a.put("url", url);
        }
        return AgentSession.admin().given().contentType(ContentType.JSON).body(a).post("/api/knowledge/articles")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }
}
