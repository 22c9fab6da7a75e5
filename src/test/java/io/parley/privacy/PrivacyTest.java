package io.parley.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
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
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Personal details through the real socket, the fake provider and PostgreSQL: never in a model request,
 * restored for the customer, sealed at rest (read straight from the table), opened for agents, and
 * readable across a key rotation.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
class PrivacyTest {

    static final String PHONE = "138 1234 5678";
    static final String EMAIL = "ada.lovelace@example.com";
    static final String CARD = "4111 1111 1111 1111";
    static final String ID = "11010519491231002X";
    static final String FIRST = "Please call me on " + PHONE + " or write to " + EMAIL + " about the zebra-parcel; card " + CARD + ", ID " + ID;
    /** What a model answers when it only saw placeholders: it refers to them. */
    static final String MODEL_ANSWER = "{\"intent\": \"account\", \"confidence\": 0.9, \"entities\": [{\"type\": \"phone\", \"value\": \"[PHONE_1]\"}, "
            + "{\"type\": \"email\", \"value\": \"[EMAIL_1]\"}], \"sentiment\": \"neutral\", \"handoff\": false, "
            + "\"answer\": \"We will call [PHONE_1] and write to [EMAIL_1] today.\", \"suggestions\": [\"Is [EMAIL_1] right?\"]}";

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Inject
    ModelPathReset modelPath;

    @Inject
    Vault vault;

    @Inject
    Reseal reseal;

    @ConfigProperty(name = "parley.privacy.key-file")
    String keyFile;

    final FakeDeepSeek deepSeek = FakeDeepSeek.get();

    @BeforeEach
    void reset() {
        modelPath.reset();
    }

    @Test
    void theModelNeverReceivesPersonalDetailsAndTheCustomerSeesTheirOwn() throws Exception {
        deepSeek.enqueue(FakeDeepSeek.Reply.stream(MODEL_ANSWER)); // 3-character deltas: placeholders arrive split
        deepSeek.enqueue(FakeDeepSeek.Reply.stream(MODEL_ANSWER));
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            List<JsonNode> frames = customer.send(Map.of("type", "message", "id", "pii-1", "text", FIRST)).untilType("answer.end");
            String streamed = frames.stream().filter(f -> f.path("type").asText().equals("answer.delta"))
                    .map(f -> f.path("text").asText()).collect(Collectors.joining());
            JsonNode end = frames.get(frames.size() - 1);
            String expected = "We will call " + PHONE + " and write to " + EMAIL + " today.";
            assertThat(streamed).isEqualTo(expected);
            assertThat(end.path("text").asText()).isEqualTo(expected);
            assertThat(end.path("suggestions").get(0).asText()).isEqualTo("Is " + EMAIL + " right?");
            assertThat(end.path("entities").toString()).contains(EMAIL).doesNotContain("[EMAIL_1]");
            // the second turn's request carries the first turn (the answer too) in its history, masked the same way
            customer.send(Map.of("type", "message", "id", "pii-2", "text", "and my other mail is grace@example.org")).nextOfType("answer.end");
        }
        List<JsonNode> requests = deepSeek.requests();
        assertThat(requests).hasSize(2);
        for (JsonNode request : requests) {
            String sent = request.path("messages").toString();
            assertThat(sent).doesNotContain("1234 5678").doesNotContain("13812345678").doesNotContain(EMAIL)
                    .doesNotContain("4111").doesNotContain(ID).doesNotContain("grace@example.org")
                    .contains("[PHONE_1]").contains("[EMAIL_1]").contains("[BANK_CARD_1]").contains("[ID_CARD_1]")
                    .contains("zebra-parcel");
        }
        assertThat(requests.get(1).path("messages").toString()).contains("[EMAIL_2]").contains("We will call [PHONE_1]");
    }

    @Test
    void personalDetailsRestSealedAndAgentsSeeThemInTheTranscript() throws Exception {
        String conversation;
        try (ChatClient customer = ChatClient.connect(chat)) {
            conversation = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", "pii-rest", "text", FIRST)).nextOfType("answer.end");
        }
        Sql sql = new Sql(db::getConnection);
        List<Map<String, Object>> rows = sql.rows("select role, text, entities::text as entities, suggestions::text as suggestions, "
                + "sealed, sealed_key from message where conversation_id = ?::uuid order by seq", conversation);
        String stored = rows.stream().map(r -> r.get("text") + " " + r.get("entities") + " " + r.get("suggestions")).collect(Collectors.joining("\n"));
        assertThat(stored).doesNotContain("1234 5678").doesNotContain(EMAIL).doesNotContain("4111").doesNotContain(ID)
                .contains("[PHONE_1]").contains("zebra-parcel");
        Map<String, Object> customerRow = rows.get(0);
        assertThat((byte[]) customerRow.get("sealed")).isNotNull().hasSizeGreaterThan(FIRST.length()); // nonce + ciphertext + tag
        assertThat(new String((byte[]) customerRow.get("sealed"), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(EMAIL);
        assertThat(customerRow.get("sealed_key")).isEqualTo(vault.activeKey());
        // an answer without personal details costs nothing: not sealed
        assertThat(rows.get(1).get("sealed")).isNull();

        AgentSession agent = AgentSession.admin();
        JsonNode transcript = agent.given().get("/api/conversations/" + conversation).then().statusCode(200).extract().as(JsonNode.class);
        assertThat(transcript.path("personalData").asText()).isEqualTo("clear");
        assertThat(transcript.path("messages").get(0).path("text").asText()).isEqualTo(FIRST);
        assertThat(transcript.path("messages").get(1).path("aiGenerated").asBoolean()).isTrue();
        // exports mask unless asked, and say which they hold
        String masked = agent.given().get("/api/conversations/" + conversation + "/export.json").then().statusCode(200).extract().asString();
        assertThat(masked).contains("\"personalData\":\"masked\"").contains("[PHONE_1]").doesNotContain(EMAIL);
        String clear = agent.given().queryParam("personalData", "clear").get("/api/conversations/" + conversation + "/export.csv")
                .then().statusCode(200).extract().asString();
        assertThat(clear).contains(EMAIL).contains(",clear\r\n");
        agent.given().queryParam("personalData", "some").get("/api/conversations/" + conversation + "/export.json").then().statusCode(400);
        // each view and export is in the audit trail, saying whether it held personal details in clear
        assertThat(sql.rows("select action, actor, details->>'personalData' as pd from audit_log where target = ? order by id", conversation))
                .extracting(r -> r.get("action") + ":" + r.get("actor") + ":" + r.get("pd"))
                .contains("transcript_view:admin:clear", "export:admin:masked", "export:admin:clear");
        // inbox search still finds everything else in the message
        agent.given().queryParam("q", "zebra-parcel").get("/api/inbox").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.hasItem(conversation));
    }

    @Test
    void aRotatedKeySealsNewMessagesAndTheJobMovesOldOnesToIt() throws Exception {
        String before = conversationWith("my phone is 139 8765 4321");
        int oldKey = vault.activeKey();
        Sql sql = new Sql(db::getConnection);
        assertThat(sql.row("select sealed_key from message where conversation_id = ?::uuid and role = 'customer'", before).get("sealed_key"))
                .isEqualTo(oldKey);

        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        int newKey = oldKey + 1;
        Files.writeString(Path.of(keyFile), newKey + ":" + Base64.getEncoder().encodeToString(key) + "\n", StandardOpenOption.APPEND);
        vault.reload(); // what the scheduled job does on each run
        assertThat(vault.activeKey()).isEqualTo(newKey);
        String after = conversationWith("my mail is rotated@example.com");
        assertThat(sql.row("select sealed_key from message where conversation_id = ?::uuid and role = 'customer'", after).get("sealed_key"))
                .isEqualTo(newKey);

        AgentSession agent = AgentSession.admin();
        assertThat(firstText(agent, before)).isEqualTo("my phone is 139 8765 4321");
        assertThat(firstText(agent, after)).isEqualTo("my mail is rotated@example.com");

        for (int run = 0; run < 20 && reseal.runOnce() > 0; run++) {
            // bounded batches until no row is left under an older key
        }
        assertThat(sql.count("select count(*) from message where sealed is not null and sealed_key <> ?", newKey)).isZero();
        assertThat(firstText(agent, before)).isEqualTo("my phone is 139 8765 4321");
    }

    private String conversationWith(String text) {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String id = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", UUID.randomUUID().toString(), "text", text)).nextOfType("answer.end");
            return id;
        }
    }

    private static String firstText(AgentSession agent, String conversation) {
        return agent.given().get("/api/conversations/" + conversation).then().statusCode(200).extract().path("messages[0].text");
    }
}
