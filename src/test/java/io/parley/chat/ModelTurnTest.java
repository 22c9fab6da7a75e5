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
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** One customer turn answered by "DeepSeek" (the fake server), through a real WebSocket and PostgreSQL. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
class ModelTurnTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    final FakeDeepSeek deepSeek = FakeDeepSeek.get();

    private long count(String conversationId) throws Exception {
        return new Sql(db::getConnection).count("select count(*) from message where conversation_id = ?::uuid", conversationId);
    }

    private Map<String, Object> row(String query, String param) throws Exception {
        return new Sql(db::getConnection).row(query, param);
    }

    @Inject
    ModelPathReset modelPath;

    @BeforeEach
    void reset() {
        modelPath.reset();
    }

    @Test
    void aSecondUnsureAnswerInARowBecomesAClarifyingQuestionThatOffersAPerson() throws Exception {
        String unsure = "{\"intent\": \"other\", \"confidence\": 0.2, \"entities\": [], \"sentiment\": \"neutral\", "
                + "\"handoff\": false, \"answer\": \"Perhaps you mean the blue one.\", \"suggestions\": []}";
        deepSeek.enqueue(FakeDeepSeek.Reply.stream(unsure));
        deepSeek.enqueue(FakeDeepSeek.Reply.stream(unsure));
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            JsonNode first = customer.send(Map.of("type", "message", "id", "vague-1", "text", "the thing from before"))
                    .nextOfType("answer.end");
            assertThat(first.path("text").asText()).isEqualTo("Perhaps you mean the blue one."); // one guess is allowed
            List<JsonNode> second = customer.send(Map.of("type", "message", "id", "vague-2", "text", "no, the other thing"))
                    .untilType("answer.end");
            String shown = second.stream().filter(f -> f.path("type").asText().equals("answer.delta"))
                    .map(f -> f.path("text").asText()).collect(Collectors.joining());
            JsonNode end = second.get(second.size() - 1);
            assertThat(shown).isEqualTo(end.path("text").asText()).doesNotContain("blue one").contains("a person");
            assertThat(end.path("suggestions").toString()).contains("Talk to a person");
        }
    }

    @Test
    void aCustomerWhoAsksForAPersonIsHandedOverWhateverTheModelSays() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello", "locale", "zh-CN")).nextOfType("ready").path("conversationId").asText();
            // the model answers order_status with handoff false; the customer asked for a person in so many words
            customer.send(Map.of("type", "message", "id", UUID.randomUUID().toString(), "text", "订单 AB1234567 到哪了？我要转人工"))
                    .nextOfType("answer.end");
            JsonNode notice = customer.nextMatching(f -> f.path("role").asText().equals("system"));
            assertThat(notice.path("kind").asText()).startsWith("handoff_");
            assertThat(row("select status from conversation where id = ?::uuid", conversation).get("status")).isEqualTo("waiting_agent");
        }
    }

    @Test
    void anAnswersTimeIsWhenItWasFinishedAndTheReplayCarriesTheSameTimes() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            JsonNode ready = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            List<JsonNode> frames = customer.send(Map.of("type", "message", "id", "timed", "text", "where is my order AB1234567?"))
                    .untilType("answer.end");
            JsonNode echo = frames.get(0);
            JsonNode end = frames.get(frames.size() - 1);
            assertThat(java.time.Instant.parse(end.path("at").asText())).isAfter(java.time.Instant.parse(echo.path("at").asText()));
            try (ChatClient back = ChatClient.connect(chat)) {
                back.send(Map.of("type", "hello", "token", ready.path("token").asText(), "lastSeq", 0)).nextOfType("ready");
                assertThat(back.nextOfType("message").path("at").asText()).isEqualTo(echo.path("at").asText());
                assertThat(back.nextOfType("message").path("at").asText()).isEqualTo(end.path("at").asText());
            }
        }
    }

    @Test
    void answerStreamsWithIntentFirstAndIsStoredWithItsAccounting() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            JsonNode ready = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            assertThat(ready.path("token").asText()).hasSizeGreaterThanOrEqualTo(40);
            assertThat(ready.path("seq").asLong()).isZero();
            String turn = UUID.randomUUID().toString();

            List<JsonNode> frames = customer.send(Map.of("type", "message", "id", turn, "text", "where is my order AB1234567?"))
                    .untilType("answer.end");

            JsonNode echo = frames.get(0);
            assertThat(echo.path("type").asText()).isEqualTo("message");
            assertThat(echo.path("id").asText()).isEqualTo(turn);
            assertThat(echo.path("role").asText()).isEqualTo("customer");
            assertThat(echo.path("seq").asLong()).isEqualTo(1);
            JsonNode start = frames.get(1);
            assertThat(start.path("type").asText()).isEqualTo("answer.start");
            assertThat(start.path("turn").asText()).isEqualTo(turn);
            assertThat(start.path("intent").asText()).isEqualTo("order_status");
            assertThat(start.path("entities").get(0).path("value").asText()).isEqualTo("AB1234567");
            List<JsonNode> deltas = frames.stream().filter(f -> f.path("type").asText().equals("answer.delta")).toList();
            assertThat(deltas).hasSizeGreaterThan(5);
            String streamed = deltas.stream().map(f -> f.path("text").asText()).collect(Collectors.joining());
            assertThat(streamed).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);

            JsonNode end = frames.get(frames.size() - 1);
            assertThat(end.path("turn").asText()).isEqualTo(turn);
            assertThat(end.path("seq").asLong()).isEqualTo(2);
            assertThat(end.path("text").asText()).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
            assertThat(end.path("intent").asText()).isEqualTo("order_status");
            assertThat(end.path("confidence").asDouble()).isEqualTo(0.93);
            assertThat(end.path("suggestions").get(0).asText()).isEqualTo("Can I change the address?");
            assertThat(end.path("source").asText()).isEqualTo("model");
            assertThat(end.path("model").asText()).isEqualTo("deepseek-v4-flash");
            assertThat(end.path("handoff").asBoolean()).isFalse();

            Map<String, Object> row = row("select * from message m join conversation c on c.id = m.conversation_id "
                    + "where m.seq = 2 and c.id = ?::uuid", ready.path("conversationId").asText());
            assertThat(row.get("role")).isEqualTo("assistant");
            assertThat(row.get("reply_to")).isEqualTo(1L);
            assertThat(row.get("text")).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
            assertThat(row.get("prompt_tokens")).isEqualTo(120);
            assertThat(row.get("completion_tokens")).isEqualTo(40);
            assertThat(row.get("cache_hit_tokens")).isEqualTo(96);
            assertThat(row.get("cache_miss_tokens")).isEqualTo(24);
            assertThat(row.get("request_id")).isEqualTo("chatcmpl-fake-42");
            assertThat(row.get("provider")).isEqualTo("deepseek");
            assertThat(row.get("first_token_ms")).isNotNull();
            assertThat(row.get("total_ms")).isNotNull();
            assertThat(row.get("entities").toString()).contains("\"order_id\"").contains("AB1234567");

            JsonNode request = deepSeek.requests().get(0);
            assertThat(request.path("stream").asBoolean()).isTrue();
            assertThat(request.path("response_format").path("type").asText()).isEqualTo("json_object");
            assertThat(request.path("model").asText()).isEqualTo("deepseek-v4-flash");
            assertThat(request.path("temperature").asDouble()).isEqualTo(0.3);
            assertThat(request.path("max_tokens").asInt()).isEqualTo(1024);
            assertThat(request.path("messages").get(0).path("role").asText()).isEqualTo("system");
            assertThat(request.path("messages").get(0).path("content").asText()).contains("json").contains("refund_request");
            assertThat(request.path("messages").get(1).path("content").asText()).isEqualTo("where is my order AB1234567?");
            assertThat(deepSeek.authorizations().get(0)).isEqualTo("Bearer " + FakeDeepSeek.API_KEY);
        }
    }

    @Test
    void systemPromptIsTheSameBytesEveryTurnAndHistoryIsSent() {
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello")).nextOfType("ready");
            customer.send(Map.of("type", "message", "id", "t-1", "text", "hello")).untilType("answer.end");
            customer.send(Map.of("type", "message", "id", "t-2", "text", "and my refund?")).untilType("answer.end");

            JsonNode first = deepSeek.requests().get(0);
            JsonNode second = deepSeek.requests().get(1);
            assertThat(second.path("messages").get(0)).isEqualTo(first.path("messages").get(0));
            List<String> roles = second.path("messages").findValuesAsText("role");
            assertThat(roles).containsExactly("system", "user", "assistant", "user");
            assertThat(second.path("messages").get(2).path("content").asText()).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
            assertThat(second.path("messages").get(3).path("content").asText()).isEqualTo("and my refund?");
            // text-only requests carry each content as a plain string, never as parts
            assertThat(second.path("messages")).allSatisfy(m -> assertThat(m.path("content").isTextual()).isTrue());
            // one kept-alive connection carried both turns
            assertThat(deepSeek.clientPorts()).hasSize(2);
            assertThat(deepSeek.clientPorts().get(1)).isEqualTo(deepSeek.clientPorts().get(0));
        }
    }

    private static final byte[] PNG = java.util.Base64.getDecoder().decode( // a 1×1 PNG
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    @Test
    void aPhotoGoesToTheVisionModelAndWhenItFailsAPersonIsHonestlyPromised() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            JsonNode ready = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            String id = ready.path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "v-1", "text", "my parcel arrived broken")).nextOfType("answer.end");
            deepSeek.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER.replace("Your order", "The box in your photo")));
            String image = io.restassured.RestAssured.given().header("X-Parley-Token", ready.path("token").asText()).body(PNG)
                    .post("/attachments").then().statusCode(201).extract().path("attachment");
            List<JsonNode> turn = customer.until(f -> f.path("type").asText().equals("answer.end"));
            assertThat(turn.get(0).path("attachment").asText()).isEqualTo(image);
            assertThat(turn).anyMatch(f -> f.path("type").asText().equals("answer.delta"));
            JsonNode end = turn.get(turn.size() - 1);
            assertThat(end.path("text").asText()).startsWith("The box in your photo");
            assertThat(end.path("source").asText() + " handoff=" + end.path("handoff").asBoolean()).isEqualTo("model handoff=false");
            JsonNode sent = deepSeek.requests().get(1); // the tier's vision model, shown the image and the text before it
            JsonNode parts = sent.path("messages").get(sent.path("messages").size() - 1).path("content");
            assertThat(parts.get(0).path("type").asText() + " " + parts.get(0).path("text").asText()).isEqualTo("text [image]");
            assertThat(parts.get(1).path("image_url").path("url").asText())
                    .isEqualTo("data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(PNG));
            assertThat(List.of(sent.path("model").asText(), sent.path("messages").get(1).path("content").asText()))
                    .containsExactly("deepseek-vl2", "my parcel arrived broken");
            assertThat(row("select turn from llm_call where conversation_id = ?::uuid order by id desc limit 1", id).get("turn"))
                    .isEqualTo(image); // the image turn's model call is traced like any other
            assertThat(row("select status from conversation where id = ?::uuid", id).get("status")).isEqualTo("bot"); // no hand-off
            // the vision model fails: no claim that anyone looked, and a person is asked for
            FakeDeepSeek.Reply down = FakeDeepSeek.Reply.error(500, "vision backend down");
            deepSeek.enqueue(down, down, down); // the first try and both retries
            io.restassured.RestAssured.given().header("X-Parley-Token", ready.path("token").asText()).body(PNG)
                    .post("/attachments").then().statusCode(201);
            JsonNode honest = customer.nextMatching(f -> "assistant".equals(f.path("role").asText()));
            assertThat(honest.path("text").asText()).contains("a person from our team will look at it");
            customer.nextMatching(f -> "system".equals(f.path("role").asText())); // the hand-off's notice
            assertThat(row("select status from conversation where id = ?::uuid", id).get("status")).isEqualTo("waiting_agent");
            assertThat(row("select model || ' ' || outcome as m from llm_call where conversation_id = ?::uuid order by id desc limit 1", id)
                    .get("m")).isEqualTo("deepseek-vl2 server_error"); // the console shows which model failed to look
        }
    }

    @Test
    void resentMessageGetsTheOriginalAcknowledgementAndAnswerWithoutANewRowOrModelCall() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            JsonNode ready = customer.send(Map.of("type", "hello")).nextOfType("ready");
            String turn = UUID.randomUUID().toString();
            Map<String, String> message = Map.of("type", "message", "id", turn, "text", "where is my order AB1234567?");
            JsonNode firstEnd = customer.send(message).nextOfType("answer.end");

            List<JsonNode> again = customer.send(message).untilType("answer.end");
            assertThat(again).hasSize(2);
            assertThat(again.get(0).path("type").asText()).isEqualTo("message");
            assertThat(again.get(0).path("seq").asLong()).isEqualTo(1);
            assertThat(again.get(1).path("seq").asLong()).isEqualTo(firstEnd.path("seq").asLong());
            assertThat(again.get(1).path("text").asText()).isEqualTo(firstEnd.path("text").asText());
            assertThat(customer.quietFor(300)).isTrue();

            assertThat(deepSeek.requests()).hasSize(1);
            assertThat(count(ready.path("conversationId").asText())).isEqualTo(2);
        }
    }

    @Test
    void aMessageStoredElsewhereMeanwhileIsInTheAnswersPrompt() throws Exception {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String conversation = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "m1", "text", "where is my order AB1234567?")).nextOfType("answer.end");
            // another instance stores a message of this conversation, and its notification has not arrived
            new Sql(db::getConnection).rows("""
                    with s as (update conversation set last_seq = last_seq + 1 where id = ?::uuid returning last_seq)
                    insert into message (conversation_id, seq, msg_id, role, text, created_at)
                    select ?::uuid, last_seq, 'other-tab', 'customer', 'I also moved to Lyon', now() from s returning seq""",
                    conversation, conversation);

            List<JsonNode> frames = customer.send(Map.of("type", "message", "id", "m2", "text", "can you change the address?"))
                    .untilType("answer.end");

            // the gap is filled first: the other tab's message, then the echo (m1, its answer, the other tab's, m2)
            assertThat(frames.get(0).path("id").asText()).isEqualTo("other-tab");
            assertThat(frames.get(0).path("seq").asLong()).isEqualTo(3);
            assertThat(frames.get(1).path("id").asText()).isEqualTo("m2");
            assertThat(frames.get(1).path("seq").asLong()).isEqualTo(4);
            List<String> prompts = deepSeek.requests().stream().map(JsonNode::toString).toList();
            assertThat(prompts).hasSize(2); // m1, then m2 with the stored history, the other tab's message included
            assertThat(prompts.get(1)).contains("I also moved to Lyon").contains("can you change the address?");
            assertThat(frames.get(frames.size() - 1).path("text").asText()).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
            assertThat(customer.quietFor(300)).isTrue();
            assertThat(count(conversation)).isEqualTo(5);
            assertThat(new Sql(db::getConnection).count("select count(*) from llm_call where conversation_id = ?::uuid", conversation))
                    .isEqualTo(2);
        }
    }

    @Test
    void helloWithTokenReplaysEverythingAfterLastSeqInOrder() {
        String token;
        String conversationId;
        try (ChatClient first = ChatClient.connect(chat)) {
            JsonNode ready = first.send(Map.of("type", "hello")).nextOfType("ready");
            token = ready.path("token").asText();
            conversationId = ready.path("conversationId").asText();
            first.send(Map.of("type", "message", "id", "a", "text", "hello")).untilType("answer.end");
            first.send(Map.of("type", "message", "id", "b", "text", "where is AB1234567")).untilType("answer.end");
        }
        try (ChatClient back = ChatClient.connect(chat)) {
            JsonNode ready = back.send(Map.of("type", "hello", "token", token, "lastSeq", 1)).nextOfType("ready");
            assertThat(ready.path("conversationId").asText()).isEqualTo(conversationId);
            assertThat(ready.path("seq").asLong()).isEqualTo(4);
            List<Long> seqs = List.of(back.next(), back.next(), back.next()).stream().map(f -> f.path("seq").asLong()).toList();
            assertThat(seqs).containsExactly(2L, 3L, 4L);
        }
        try (ChatClient all = ChatClient.connect(chat)) {
            all.send(Map.of("type", "hello", "token", token)).nextOfType("ready");
            List<JsonNode> replay = List.of(all.next(), all.next(), all.next(), all.next());
            assertThat(replay).extracting(f -> f.path("role").asText()).containsExactly("customer", "assistant", "customer", "assistant");
            assertThat(replay.get(1).path("intent").asText()).isEqualTo("order_status");
            assertThat(replay.get(1).path("source").asText()).isEqualTo("model");
        }
    }

    @Test
    void aTokenOpensOnlyItsOwnConversation() {
        try (ChatClient stranger = ChatClient.connect(chat)) {
            JsonNode error = stranger.send(Map.of("type", "hello", "token", "not-a-real-token-AAAAAAAAAAAAAAAAAAAAAAAAAAA")).nextOfType("error");
            assertThat(error.path("code").asText()).isEqualTo("unauthorized");
            // the connection survives: a fresh conversation still works
            JsonNode ready = stranger.send(Map.of("type", "hello")).nextOfType("ready");
            assertThat(ready.path("conversationId").asText()).isNotBlank();
        }
    }

    @Test
    void replyThatIsNotJsonIsDeliveredAsTextWithTheOfflineRulesIntent() {
        deepSeek.enqueue(FakeDeepSeek.Reply.stream("Sorry, our systems are busy — 请稍后再试."));
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello")).nextOfType("ready");
            List<JsonNode> frames = customer.send(Map.of("type", "message", "id", "plain", "text", "hi")).untilType("answer.end");
            JsonNode end = frames.get(frames.size() - 1);
            assertThat(end.path("text").asText()).isEqualTo("Sorry, our systems are busy — 请稍后再试.");
            assertThat(end.path("intent").asText()).isEqualTo("greeting"); // the offline classifier's reading of "hi"
            assertThat(frames).anyMatch(f -> f.path("type").asText().equals("answer.delta"));
        }
    }

    @Test
    void emptyReplyStillEndsTheTurnWithAStoredAnswer() throws Exception {
        deepSeek.enqueue(FakeDeepSeek.Reply.stream(""));
        try (ChatClient customer = ChatClient.connect(chat)) {
            JsonNode ready = customer.send(Map.of("type", "hello")).nextOfType("ready");
            JsonNode end = customer.send(Map.of("type", "message", "id", "empty", "text", "hi")).nextOfType("answer.end");
            assertThat(end.path("text").asText()).startsWith("Sorry, I could not put an answer together");
            assertThat(end.path("intent").asText()).isEqualTo("greeting"); // the offline classifier's reading of "hi"
            assertThat(count(ready.path("conversationId").asText())).isEqualTo(2);
        }
    }

    @Test
    void keepAliveCommentsWhileQueuedThenTheAnswer() {
        deepSeek.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER).keepAlivesFirst(4, 100));
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello")).nextOfType("ready");
            JsonNode end = customer.send(Map.of("type", "message", "id", "queued", "text", "order AB1234567")).nextOfType("answer.end");
            assertThat(end.path("text").asText()).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
        }
    }

    @Test
    void providerErrorBeforeAnyTextIsAnsweredOffline() {
        deepSeek.enqueue(FakeDeepSeek.Reply.error(402, "Insufficient Balance"));
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello")).nextOfType("ready");
            JsonNode end = customer.send(Map.of("type", "message", "id", "broke", "text", "where is my order AB1234567?"))
                    .nextOfType("answer.end");
            assertThat(end.path("source").asText()).isEqualTo("offline");
            assertThat(end.path("intent").asText()).isEqualTo("order_status");
            assertThat(end.path("text").asText()).contains("AB1234567");
        }
    }

    @Test
    void streamThatBreaksHalfwayIsStoredIncompleteAndTheTurnCanBeRetried() throws Exception {
        deepSeek.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER.substring(0, 260), 3, 37, false));
        try (ChatClient customer = ChatClient.connect(chat)) {
            JsonNode ready = customer.send(Map.of("type", "hello")).nextOfType("ready");
            Map<String, String> message = Map.of("type", "message", "id", "cut", "text", "where is my order AB1234567?");
            List<JsonNode> frames = customer.send(message).untilType("error");
            JsonNode end = frames.stream().filter(f -> f.path("type").asText().equals("answer.end")).findFirst().orElseThrow();
            assertThat(end.path("incomplete").asBoolean()).isTrue();
            assertThat(end.path("text").asText()).isNotBlank().startsWith("Your order AB1234567");
            JsonNode error = frames.get(frames.size() - 1);
            assertThat(error.path("code").asText()).isEqualTo("model_unavailable");
            assertThat(error.path("turn").asText()).isEqualTo("cut");

            // retry: the same message again produces one complete answer, and no second customer row
            JsonNode retried = customer.send(message).nextOfType("answer.end");
            assertThat(retried.path("incomplete").isMissingNode()).isTrue();
            assertThat(retried.path("text").asText()).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
            assertThat(count(ready.path("conversationId").asText())).isEqualTo(3);
            assertThat(row("select count(*) as n from message where conversation_id = ?::uuid and role = 'customer'",
                    ready.path("conversationId").asText()).get("n")).isEqualTo(1L);
        }
    }


}
