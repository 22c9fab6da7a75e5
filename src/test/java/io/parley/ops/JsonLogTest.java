package io.parley.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.testing.ChatClient;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.FakeDeepSeekResource;
import io.parley.testing.ModelPathReset;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator reads: the JSON lines of a real turn that fails at the model. The same formatter
 * as production's console writes them to a file here (the tests' console stays plain text).
 */
@QuarkusTest
@TestProfile(JsonLogTest.JsonFile.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
class JsonLogTest {

    static final Path LOG = Path.of("target", "json-log-test.log");

    public static class JsonFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG.toString(),
                    "quarkus.log.file.filter", "secrets-and-personal-data",
                    "quarkus.log.json.file.enable", "true",
                    "quarkus.log.json.additional-field.instance.value", "parley-test-1");
        }
    }

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    ModelPathReset modelPath;

    final FakeDeepSeek deepSeek = FakeDeepSeek.get();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void reset() {
        modelPath.reset();
    }

    @Test
    void aRefusedKeyIsLoggedInTheGuidesTemplateWithTheTurnsIds() throws Exception {
        for (int i = 0; i < 4; i++) {
            deepSeek.enqueue(FakeDeepSeek.Reply.error(401, "Incorrect API key provided: " + FakeDeepSeek.API_KEY));
        }
        // a number long enough never to be a log line's own (its sequence, a port, a process id: "7731" once was)
        String number = String.valueOf(java.util.concurrent.ThreadLocalRandom.current().nextLong(100_000_000_000L, 1_000_000_000_000L));
        String text = "my parcel " + number + " never came " + UUID.randomUUID();
        Turn turn = turn(text);

        JsonNode error = turn.lines().stream().filter(l -> l.path("error_type").asText().equals("UNAUTHORIZED")
                && l.path("logger").asText().equals("io.parley.llm.ModelRouter") && l.path("level").asText().equals("WARN"))
                .findFirst().orElseThrow(() -> new AssertionError("no UNAUTHORIZED line for " + turn.id() + ": " + turn.lines()));
        assertThat(error.path("conversation_id").asText()).isEqualTo(turn.conversationId());
        assertThat(error.path("instance").asText()).isEqualTo("parley-test-1");
        assertThat(error.path("timestamp").asText()).isNotBlank();
        assertThat(error.path("message").asText()).contains("falling back");
        assertThat(error.path("resolution_steps").isArray()).as("resolution_steps is a list: %s", error).isTrue();
        assertThat(error.path("resolution_steps").get(0).asText()).startsWith("check the API key");

        assertThat(turn.file()).doesNotContain(text).doesNotContain(number)
                .doesNotContain(FakeDeepSeek.API_KEY).doesNotContain(FakeDeepSeek.API_KEY.substring(3, 16));
    }

    @Test
    void aFailingProviderIsLoggedOnEveryThreadTheTurnRunsOnAndNoIdsLeakToOtherTurns() throws Exception {
        for (int i = 0; i < 8; i++) {
            deepSeek.enqueue(FakeDeepSeek.Reply.error(503, "Service Unavailable"));
        }
        Turn failed = turn("is the shop open on sundays?");
        Turn answered = turn("and on mondays?"); // the fake answers this one: none of the first turn's ids on its lines

        List<JsonNode> errors = failed.lines().stream().filter(l -> l.path("error_type").asText().equals("SERVER_ERROR")).toList();
        assertThat(errors).isNotEmpty().allSatisfy(l -> {
            assertThat(l.path("resolution_steps").isArray()).isTrue();
            assertThat(l.path("resolution_steps").toString()).contains("status page");
        });
        assertThat(failed.lines()).allSatisfy(l -> assertThat(l.path("conversation_id").asText()).isEqualTo(failed.conversationId()));
        List<JsonNode> secondConversation = new ArrayList<>();
        for (String line : answered.file().split("\n")) {
            JsonNode l = json.readTree(line); // every line is one JSON object
            if (l.path("conversation_id").asText().equals(answered.conversationId())) {
                secondConversation.add(l);
            }
        }
        assertThat(secondConversation).allSatisfy(l -> assertThat(l.path("request_id").asText()).isIn(answered.id(), ""));
        assertThat(failed.file()).doesNotContain("is the shop open").doesNotContain("on mondays");
    }

    @Test
    void anUnexpectedExceptionCarriesItsTypeTheStackTraceAndAStepAndNoTurnIdsOutsideATurn() throws Exception {
        String marker = "unexpected-" + UUID.randomUUID();
        org.jboss.logging.Logger.getLogger("io.parley.ops.JsonLogTest").error(marker, new IllegalStateException("pool closed"));
        JsonNode line = null;
        for (String l : Files.readString(LOG).split("\n")) {
            if (l.contains(marker)) {
                line = json.readTree(l);
            }
        }
        assertThat(line).as("the line of %s", marker).isNotNull();
        assertThat(line.path("level").asText()).isEqualTo("ERROR");
        assertThat(line.path("error_type").asText()).isEqualTo("IllegalStateException");
        assertThat(line.path("stack_trace").asText()).contains("IllegalStateException: pool closed").contains("JsonLogTest");
        assertThat(line.path("resolution_steps").isArray()).isTrue();
        assertThat(line.has("request_id")).isFalse(); // the test's thread is in no turn: no ids left behind by earlier ones
    }

    /** A turn's id, conversation, its own log lines (by request_id) and the whole file once it has ended. */
    record Turn(String id, String conversationId, List<JsonNode> lines, String file) {
    }

    private Turn turn(String text) throws Exception {
        String id = "log-" + UUID.randomUUID();
        String conversation;
        try (ChatClient customer = ChatClient.connect(chat)) {
            conversation = customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", id, "text", text)).untilType("answer.end");
        }
        Thread.sleep(300); // the last lines of the turn (stored answer, accounting) are written just after answer.end
        String file = Files.readString(LOG);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : file.split("\n")) {
            if (line.contains(id)) {
                lines.add(json.readTree(line));
            }
        }
        assertThat(lines).as("lines of %s", id).isNotEmpty().allSatisfy(l -> assertThat(l.path("request_id").asText()).isEqualTo(id));
        return new Turn(id, conversation, lines, file);
    }
}
