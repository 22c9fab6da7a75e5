package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.parley.answer.AnswerEvent;
import io.parley.answer.StructuredAnswer;
import io.parley.conversation.HistoryItem;
import io.parley.conversation.Role;
import io.parley.testing.ChatClient;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.FakeDeepSeek.Reply;
import io.parley.testing.FakeDeepSeekResource;
import io.parley.testing.ModelPathReset;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * "Answers a customer can trust": whatever the model sends (fences, prose, think blocks, plain text,
 * nonsense fields, nothing, a cut or filtered reply, a refusal of JSON mode), the customer gets clean
 * text, what is stored is validated and says how complete it is, and only trustworthy answers are
 * cached. Real HTTP to the fake model, a real WebSocket, real PostgreSQL.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
class TrustedAnswersTest {

    static final String OBJECT = "{\"intent\": \"refund_request\", \"confidence\": 0.91, \"entities\": [], \"sentiment\": \"neutral\", "
            + "\"handoff\": false, \"answer\": \"You can return any item within 30 days.\", \"suggestions\": [\"How do I start a return?\"]}";
    static final String TEXT = "You can return any item within 30 days.";
    static final String QUESTION = "What is your return policy?";

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Inject
    ModelPathReset modelPath;

    @Inject
    AnswerCache cache;

    @Inject
    ModelRouter router;

    final FakeDeepSeek fake = FakeDeepSeek.get();

    @BeforeEach
    void reset() {
        modelPath.reset();
    }

    /** What one opening turn showed the customer and stored. */
    record Turn(List<JsonNode> frames, JsonNode start, String streamed, JsonNode end, Map<String, Object> row) {
    }

    private Turn turn(String text) throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            List<JsonNode> frames = customer.send(Map.of("type", "message", "id", UUID.randomUUID().toString(), "text", text))
                    .untilType("answer.end");
            JsonNode start = frames.stream().filter(f -> f.path("type").asText().equals("answer.start")).findFirst().orElseThrow();
            String streamed = frames.stream().filter(f -> f.path("type").asText().equals("answer.delta"))
                    .map(f -> f.path("text").asText()).collect(Collectors.joining());
            JsonNode end = frames.get(frames.size() - 1);
            assertThat(frames.indexOf(start)).as("answer.start before any delta").isLessThan(
                    frames.stream().filter(f -> f.path("type").asText().equals("answer.delta")).findFirst().map(frames::indexOf).orElse(99999));
            Map<String, Object> row = new Sql(db::getConnection).row(
                    "select * from message where conversation_id = ?::uuid and role = 'assistant'", conversation);
            return new Turn(frames, start, streamed, end, row);
        }
    }

    /** No model syntax in any delta, in the final text or in the stored text; the deltas are the text. */
    private static void clean(Turn t) {
        for (JsonNode f : t.frames) {
            if (f.path("type").asText().startsWith("answer.")) {
                assertThat(f.path("text").asText()).as("%s", f).doesNotContain("{").doesNotContain("\"intent\"")
                        .doesNotContain("```").doesNotContain("<think>").doesNotContain("</think>");
            }
        }
        assertThat((String) t.row.get("text")).doesNotContain("{").doesNotContain("\"intent\"").doesNotContain("```")
                .doesNotContain("<think>");
        assertThat(t.end.path("text").asText()).isEqualTo(t.row.get("text"));
        assertThat(t.streamed).as("the deltas add up to the stored text").isEqualTo(t.end.path("text").asText());
        for (JsonNode s : t.end.path("suggestions")) {
            assertThat(s.asText()).doesNotContain("{").hasSizeLessThanOrEqualTo(120);
        }
    }

    private boolean cached(String question) {
        return cache.get("default", question).isPresent();
    }

    @Test
    void aFencedObjectIsAnsweredCleanlyAndCached() throws Exception {
        fake.enqueue(Reply.stream("```json\n" + OBJECT + "\n```"));
        Turn t = turn(QUESTION);
        clean(t);
        assertThat(t.end.path("text").asText()).isEqualTo(TEXT);
        assertThat(t.start.path("intent").asText()).isEqualTo("refund_request");
        assertThat(t.row.get("intent")).isEqualTo("refund_request");
        assertThat(t.row.get("state")).isEqualTo("complete");
        assertThat(t.end.path("suggestions").get(0).asText()).isEqualTo("How do I start a return?");
        assertThat(cached(QUESTION)).as("a complete, confident, impersonal answer").isTrue();
    }

    @Test
    void proseAroundTheObjectIsNeverShown() throws Exception {
        fake.enqueue(Reply.stream("Sure! Here is the JSON you asked for:\n\n" + OBJECT + "\n\nLet me know if you need {anything} else."));
        Turn t = turn(QUESTION);
        clean(t);
        assertThat(t.end.path("text").asText()).isEqualTo(TEXT);
        assertThat(t.row.get("intent")).isEqualTo("refund_request");
        assertThat(t.row.get("state")).isEqualTo("complete");
    }

    @Test
    void aThinkBlockIsNeverShown() throws Exception {
        fake.enqueue(Reply.stream("<think>The customer wants the policy. Draft: {\"intent\": \"other\", \"answer\": \"SECRET\"}</think>\n"
                + OBJECT));
        Turn t = turn(QUESTION);
        clean(t);
        assertThat(t.frames.toString()).doesNotContain("SECRET").doesNotContain("The customer wants");
        assertThat(t.end.path("text").asText()).isEqualTo(TEXT);
        assertThat(t.row.get("intent")).isEqualTo("refund_request");
    }

    @Test
    void plainTextIsTheAnswerWithTheOfflineIntentAndIsNotCached() throws Exception {
        fake.enqueue(Reply.stream("You can send it back within 30 days for a full refund."));
        Turn t = turn("can I get a refund on these shoes?");
        clean(t);
        assertThat(t.end.path("text").asText()).isEqualTo("You can send it back within 30 days for a full refund.");
        assertThat(t.start.path("intent").asText()).isEqualTo("refund_request"); // the offline rules' reading
        assertThat(t.row.get("intent")).isEqualTo("refund_request");
        assertThat(t.row.get("state")).isEqualTo("complete");
        assertThat(t.row.get("source")).isEqualTo("model");
        assertThat(cached("can I get a refund on these shoes?")).isFalse();
        io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString(
                "parley_llm_degraded_answers_total{form=\"plain\",model=\"deepseek-v4-flash\",provider=\"deepseek\"}"));
    }

    @Test
    void anUnknownIntentIsStoredAsOtherAndNotCached() throws Exception {
        fake.enqueue(Reply.stream(OBJECT.replace("refund_request", "weather_forecast")));
        Turn t = turn(QUESTION);
        clean(t);
        assertThat(t.start.path("intent").asText()).isEqualTo("other");
        assertThat(t.row.get("intent")).isEqualTo("other");
        assertThat(t.end.path("confidence").asDouble()).isZero();
        assertThat(cached(QUESTION)).isFalse();
    }

    @Test
    void aTwoThousandCharacterSuggestionIsDropped() throws Exception {
        fake.enqueue(Reply.stream(OBJECT.replace("[\"How do I start a return?\"]",
                "[\"" + "Tell me more ".repeat(170) + "\", \"How do I start a return?\", \"how do I  start a return?\"]"), 40, 2000, true));
        Turn t = turn(QUESTION);
        clean(t);
        assertThat(t.end.path("suggestions")).hasSize(1);
        assertThat(t.end.path("suggestions").get(0).asText()).isEqualTo("How do I start a return?");
        assertThat(t.row.get("suggestions").toString()).hasSizeLessThan(200);
    }

    @Test
    void anEmptyReplyGetsTheHonestFallbackInTheCustomersLanguage() throws Exception {
        fake.enqueue(Reply.stream(""));
        Turn t = turn("hi there");
        clean(t);
        assertThat(t.end.path("text").asText()).startsWith("Sorry, I could not put an answer together");
        assertThat(t.row.get("intent")).isEqualTo("greeting"); // the offline rules' reading of "hi there"
        assertThat(cached("hi there")).isFalse();

        fake.enqueue(Reply.stream(""));
        Turn zh = turn("你好，我想问一下");
        clean(zh);
        assertThat(zh.end.path("text").asText()).startsWith("抱歉");
    }

    @Test
    void aContentFilterStopIsRecordedAndTheSyntaxNeverShown() throws Exception {
        fake.enqueue(Reply.streamEndingWith("{\"intent\": \"complaint\", \"confidence\": 0.8, \"entities\": [], \"sentiment\": \"negative\", ",
                "content_filter"));
        Turn t = turn("this is unacceptable");
        clean(t);
        assertThat(t.end.path("text").asText()).startsWith("Sorry, I could not put an answer together");
        assertThat(t.row.get("intent")).isEqualTo("complaint");
        assertThat(cached("this is unacceptable")).isFalse();
    }

    @Test
    void maxTokensCutMidJsonKeepsTheCleanTextAndIsNotCached() throws Exception {
        fake.enqueue(Reply.streamEndingWith(OBJECT.substring(0, OBJECT.indexOf("30 days")), "length"));
        Turn t = turn(QUESTION);
        clean(t);
        assertThat(t.end.path("text").asText()).isEqualTo("You can return any item within ");
        assertThat(t.row.get("intent")).isEqualTo("refund_request");
        assertThat(cached(QUESTION)).isFalse();
        io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString(
                "parley_llm_cut_answers_total{finish_reason=\"length\""));
    }

    /** What the model path hands the turn for a cut, filtered or empty reply: truncated, with the finish reason. */
    @Test
    void cutFilteredAndEmptyRepliesAreMarkedTruncatedForTheTurn() {
        fake.enqueue(Reply.streamEndingWith(OBJECT.substring(0, 120), "length"),
                Reply.streamEndingWith("{\"intent\": \"complaint\", ", "content_filter"),
                Reply.stream(""),
                Reply.stream(OBJECT));
        List<StructuredAnswer> answers = List.of(done("q1"), done("q2"), done("q3"), done("q4"));
        assertThat(answers).extracting(StructuredAnswer::truncated).containsExactly(true, true, true, false);
        assertThat(answers).extracting(StructuredAnswer::finishReason).containsExactly("length", "content_filter", "stop", "stop");
        assertThat(answers.get(3).form()).isEqualTo(StructuredAnswer.Form.STRUCTURED);
    }

    @Test
    void aServerThatRefusesResponseFormatIsAskedWithoutItAtOnceAndRemembers() throws Exception {
        fake.enqueue(Reply.error(400, "This response_format type is unavailable now"), Reply.stream(OBJECT));
        Turn t = turn(QUESTION);
        clean(t);
        assertThat(t.end.path("source").asText()).isEqualTo("model");
        assertThat(t.end.path("text").asText()).isEqualTo(TEXT);
        List<JsonNode> requests = fake.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).path("response_format").path("type").asText()).isEqualTo("json_object");
        assertThat(requests.get(1).has("response_format")).isFalse();
        assertThat(requests.get(1).path("messages").get(0).path("content").asText()).contains("json");
        String conversation = t.row.get("conversation_id").toString();
        await().atMost(Duration.ofSeconds(5)).until(() -> new Sql(db::getConnection)
                .count("select count(*) from llm_call where conversation_id = ?::uuid", conversation) == 1);
        assertThat(new Sql(db::getConnection).row("select outcome from llm_call where conversation_id = ?::uuid", conversation)
                .get("outcome")).as("not recorded as a provider failure").isEqualTo("ok");

        Turn next = turn("and the shipping costs?");
        clean(next);
        assertThat(fake.requests()).hasSize(3);
        assertThat(fake.requests().get(2).has("response_format")).as("remembered").isFalse();
    }

    @Test
    void aModelThatIgnoresJsonModeIsAnsweredAsPlainText() throws Exception {
        fake.enqueue(Reply.stream("<think>no json today</think>Our shop ships to 40 countries."));
        Turn t = turn("do you ship to France? shipping");
        clean(t);
        assertThat(t.end.path("text").asText()).isEqualTo("Our shop ships to 40 countries.");
        assertThat(t.row.get("intent")).isEqualTo("shipping");
    }

    @Test
    void anAnswerWithTheCustomersDetailsIsNeverCached() throws Exception {
        Turn t = turn("where is my order AB1234567?"); // the default answer: an order_id entity, repeated in the text
        assertThat(t.row.get("state")).isEqualTo("complete");
        assertThat(cached("where is my order AB1234567?")).isFalse();

        fake.enqueue(Reply.stream(OBJECT));
        turn("my email is ann@example.com, what is your return policy?"); // personal detail in the question
        assertThat(cached("my email is ann@example.com, what is your return policy?")).isFalse();
    }

    /**
     * The turn's part: a truncated answer is stored as {@code incomplete}. Needs TurnService to store the
     * state from {@code StructuredAnswer.truncated()} (chat/ is not changed on this branch).
     */
    @Test
    void truncatedAnswersAreStoredIncomplete() throws Exception {
        fake.enqueue(Reply.streamEndingWith(OBJECT.substring(0, OBJECT.indexOf("30 days")), "length"));
        Turn t = turn(QUESTION);
        assertThat(t.row.get("state")).isEqualTo("incomplete");
        assertThat(t.end.path("incomplete").asBoolean()).isTrue();
        fake.enqueue(Reply.stream(""));
        assertThat(turn("hi there").row.get("state")).isEqualTo("incomplete");
    }

    private StructuredAnswer done(String turnId) {
        ModelRouter.Turn turn = new ModelRouter.Turn(UUID.randomUUID(), turnId, 1, "a question " + turnId, "en",
                List.of(new HistoryItem(1, Role.CUSTOMER, "a question " + turnId, null)), false);
        List<AnswerEvent> events = router.answer(turn).collect().asList().await().atMost(Duration.ofSeconds(20));
        return ((AnswerEvent.Done) events.get(events.size() - 1)).answer();
    }
}
