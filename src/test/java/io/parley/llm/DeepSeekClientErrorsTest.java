package io.parley.llm;

import io.parley.answer.Usage;

import io.parley.testing.FakeDeepSeek;
import io.parley.testing.FakeDeepSeekResource;
import io.parley.testing.ModelPathReset;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The client against the fake server's real error responses: each one classified, no key in any message. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
class DeepSeekClientErrorsTest {

    @Inject
    ProviderRegistry providers;

    @Inject
    LlmConfig config;

    final FakeDeepSeek deepSeek = FakeDeepSeek.get();

    @Inject
    ModelPathReset modelPath;

    @BeforeEach
    void reset() {
        modelPath.reset();
    }

    @ParameterizedTest
    @CsvSource({
            "400,BAD_REQUEST,false", "401,UNAUTHORIZED,false", "402,INSUFFICIENT_BALANCE,false", "403,FORBIDDEN,false",
            "422,BAD_REQUEST,false", "429,RATE_LIMITED,true", "500,SERVER_ERROR,true", "503,SERVER_ERROR,true"})
    void errorStatusesAreClassified(int status, ProviderException.Kind kind, boolean retryable) {
        deepSeek.enqueue(FakeDeepSeek.Reply.error(status, "Authentication Fails, Your api key: " + FakeDeepSeek.API_KEY + " is invalid")
                .header("Retry-After", "3"));
        ProviderException e = failure();
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.kind().retryable).isEqualTo(retryable);
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.retryAfterMs()).isEqualTo(3000L);
        assertThat(e.getMessage()).contains("HTTP " + status).contains("Authentication Fails").doesNotContain(FakeDeepSeek.API_KEY);
    }

    @Test
    void aStreamOfOnlyKeepAlivesHitsTheFirstTokenTimeout() {
        FakeDeepSeek.Reply waiting = FakeDeepSeek.Reply.stream("", 3, 64, false).keepAlivesFirst(40, 100);
        deepSeek.enqueue(waiting);
        long started = System.nanoTime();
        ProviderException e = failure();
        assertThat(e.kind()).isEqualTo(ProviderException.Kind.FIRST_TOKEN_TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aStreamThatStallsMidAnswerHitsTheIdleTimeout() {
        // the test profile's idle timeout is 2 s; the answer's text has begun when the model goes quiet
        deepSeek.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER, 3, 64, true).stallAfter(12, 6000));
        long started = System.nanoTime();
        ProviderException e = failure();
        assertThat(e.kind()).isEqualTo(ProviderException.Kind.IDLE_TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(1900), Duration.ofMillis(5000));
    }

    @Test
    void aSlowStreamThatKeepsSendingOutlastsTheIdleTimeout() {
        // gaps of 150 ms, 3 s in all: longer than the 2 s idle timeout, never idle for that long
        String content = "{\"intent\":\"faq\",\"answer\":\"" + "slow and steady ".repeat(8) + "\"}";
        deepSeek.enqueue(FakeDeepSeek.Reply.stream(content, 3, 400, true).paced(150));
        long started = System.nanoTime();
        List<ChatChunk> chunks = providers.get("deepseek").client().stream(request(), TierParams.of(config))
                .collect().asList().await().atMost(Duration.ofSeconds(15));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(2500));
        assertThat(chunks.stream().map(ChatChunk::content).filter(c -> c != null).reduce("", String::concat)).isEqualTo(content);
    }

    @Test
    void chunksCarryContentUsageAndTheRequestId() {
        List<ChatChunk> chunks = providers.get("deepseek").client().stream(request(), TierParams.of(config)).collect().asList().await().atMost(Duration.ofSeconds(10));
        String content = chunks.stream().map(ChatChunk::content).filter(c -> c != null).reduce("", String::concat);
        assertThat(content).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER);
        assertThat(chunks.get(0).id()).isEqualTo("chatcmpl-fake-42");
        ChatChunk.Usage usage = chunks.get(chunks.size() - 1).usage();
        assertThat(usage).isEqualTo(new ChatChunk.Usage(120, 40, 96, 24, null));
    }

    private ProviderException failure() {
        return catchThrowableOfType(ProviderException.class,
                () -> providers.get("deepseek").client().stream(request(), TierParams.of(config)).collect().asList().await().atMost(Duration.ofSeconds(10)));
    }

    private static ChatRequest request() {
        return new ChatRequest("deepseek-v4-flash", List.of(new ChatRequest.Msg("system", "json"), new ChatRequest.Msg("user", "hi")));
    }
}
