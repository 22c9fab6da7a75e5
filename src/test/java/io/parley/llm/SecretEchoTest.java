package io.parley.llm;

import io.agroal.api.AgroalDataSource;
import io.parley.ops.SecretLogFilter;
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
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/** A provider that echoes part of the key in its error: no piece of it is stored, sent or logged. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
class SecretEchoTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Inject
    ModelPathReset modelPath;

    final FakeDeepSeek deepSeek = FakeDeepSeek.get();

    /** The first and the last 13 characters of the key, as providers print it ("sk-test-01234***"). */
    private static final String HEAD = FakeDeepSeek.API_KEY.substring(0, 13);
    private static final String TAIL = FakeDeepSeek.API_KEY.substring(FakeDeepSeek.API_KEY.length() - 13);

    @BeforeEach
    void reset() {
        modelPath.reset();
    }

    @Test
    void aKeyEchoedInPartByTheProviderIsNeitherStoredNorShown() throws Exception {
        for (int i = 0; i < 4; i++) { // every retry and fallback sees the same refusal
            deepSeek.enqueue(FakeDeepSeek.Reply.error(401, "Incorrect API key provided: " + HEAD + "***" + TAIL.substring(9)
                    + ". You can find your API key at https://platform.example/keys (key ends in ..." + TAIL + ")"));
        }
        String seen;
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            seen = customer.send(Map.of("type", "message", "id", "echo-1", "text", "where is my order?"))
                    .untilType("answer.end").toString();
        }
        assertThat(seen).doesNotContain(HEAD).doesNotContain(TAIL);
        List<Map<String, Object>> calls = new Sql(db::getConnection).rows("select outcome, error_message from llm_call where turn = ?", "echo-1");
        assertThat(calls).isNotEmpty();
        for (Map<String, Object> call : calls) {
            String error = String.valueOf(call.get("error_message"));
            assertThat(error).contains("Incorrect API key provided").doesNotContain(HEAD).doesNotContain(TAIL)
                    .doesNotContain(FakeDeepSeek.API_KEY.substring(3, 11));
        }
    }

    @Test
    void logLinesAreMaskedForEveryConfiguredSecret() {
        ExtLogRecord record = new ExtLogRecord(Level.WARNING, "provider said %s; admin %s; header %s", ExtLogRecord.FormatStyle.PRINTF,
                SecretEchoTest.class.getName());
        record.setParameters(new Object[] {"bad key " + HEAD + "***", "password=" + AgentSession.ADMIN_PASSWORD, "Bearer abc.def-ghi"});
        assertThat(new SecretLogFilter().isLoggable(record)).isTrue();
        assertThat(record.getFormattedMessage()).startsWith("provider said bad key ***").contains("admin password=***")
                .doesNotContain(HEAD).doesNotContain(AgentSession.ADMIN_PASSWORD).doesNotContain("abc.def-ghi");
        assertThat(org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.log.console.filter", String.class))
                .isEqualTo("secrets-and-personal-data");
    }
}
