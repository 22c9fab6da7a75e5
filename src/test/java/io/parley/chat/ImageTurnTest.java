package io.parley.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.parley.testing.ChatClient;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.FakeDeepSeekResource;
import io.parley.testing.ModelPathReset;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A photo's turn when the vision model's answer is cut off: what was shown stays and a person is asked
 * for (a photo cannot be retried by sending it again), never a clarifying question instead of the
 * model's look, and a resend of the photo's message asks no model about "[image]". Same resources as
 * ModelTurnTest: no extra Quarkus start.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
class ImageTurnTest {

    private static final byte[] PNG = Base64.getDecoder().decode( // a 1×1 PNG
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Inject
    ModelPathReset modelPath;

    final FakeDeepSeek deepSeek = FakeDeepSeek.get();

    @BeforeEach
    void reset() {
        modelPath.reset();
    }

    @Test
    void aPhotoAnswerCutOffKeepsWhatWasShownAndAsksForAPersonInsteadOfAResend() throws Exception {
        String unsure = "{\"intent\": \"other\", \"confidence\": 0.2, \"entities\": [], \"sentiment\": \"neutral\", "
                + "\"handoff\": false, \"answer\": \"请问您指的是哪一件商品？\", \"suggestions\": []}";
        String look = "{\"intent\": \"complaint\", \"confidence\": 0.9, \"entities\": [], \"sentiment\": \"negative\", "
                + "\"handoff\": false, \"answer\": \"照片里的箱子一角被压坏了，里面的杯子有一道裂纹，我们会";
        deepSeek.enqueue(FakeDeepSeek.Reply.stream(unsure), FakeDeepSeek.Reply.streamEndingWith(look, "length"));
        try (ChatClient customer = ChatClient.connect(chat)) {
            JsonNode ready = customer.send(Map.of("type", "hello", "locale", "zh-CN")).nextOfType("ready");
            String id = ready.path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "p-1", "text", "东西坏了")).nextOfType("answer.end"); // an unsure answer
            RestAssured.given().header("X-Parley-Token", ready.path("token").asText()).body(PNG).post("/attachments")
                    .then().statusCode(201);
            List<JsonNode> turn = customer.until(f -> f.path("type").asText().equals("answer.end"));
            String photoId = turn.get(0).path("id").asText();
            JsonNode end = turn.get(turn.size() - 1);
            // the model's look, not a clarifying question, though the answer before it was unsure
            assertThat(end.path("text").asText()).startsWith("照片里的箱子一角被压坏了");
            assertThat(end.path("handoff").asBoolean()).isTrue();
            assertThat(turn.toString()).doesNotContain("Send the same message again");
            customer.nextMatching(f -> "system".equals(f.path("role").asText())); // the hand-off's notice
            assertThat(new Sql(db::getConnection).row("select status from conversation where id = ?::uuid", id).get("status"))
                    .isEqualTo("waiting_agent");

            // the photo's message resent as text: its stored answer again, no model asked about "[image]"
            int asked = deepSeek.requests().size();
            JsonNode again = customer.send(Map.of("type", "message", "id", photoId, "text", "[image]")).nextOfType("answer.end");
            assertThat(again.path("text").asText()).isEqualTo(end.path("text").asText());
            assertThat(customer.quietFor(500)).isTrue();
            assertThat(deepSeek.requests()).hasSize(asked);
        }
    }
}
