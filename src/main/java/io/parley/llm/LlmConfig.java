package io.parley.llm;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The model endpoint: DeepSeek by default; SiliconFlow or any OpenAI-compatible server by changing
 * {@code base-url} and {@code model}. With no {@code api-key}, Parley answers offline.
 */
@ConfigMapping(prefix = "parley.llm")
public interface LlmConfig {

    /** Name recorded on every answer (deepseek, siliconflow, ...). */
    @WithDefault("deepseek")
    String provider();

    /** Base URL; {@code /chat/completions} is appended. */
    @WithDefault("https://api.deepseek.com")
    String baseUrl();

    /** Bearer key. Never logged; scrubbed from provider error messages. */
    Optional<String> apiKey();

    @WithDefault("deepseek-v4-flash")
    String model();

    @WithDefault("0.3")
    double temperature();

    Optional<Double> topP();

    @WithDefault("1024")
    int maxTokens();

    Optional<Double> frequencyPenalty();

    /** How many stored messages (customer, answers, agents) go to the model as context. */
    @WithDefault("12")
    int historyMessages();

    /** The intents the model may choose from; the offline rules use the same names. */
    @WithDefault("greeting,order_status,shipping,refund_request,product_question,account,billing,complaint,human_agent,goodbye,other")
    List<String> intents();

    /** Business facts appended to the (stable) system prompt: shop name, policies, tone. */
    Optional<String> instructions();

    /** Said when the model returns nothing at all, so that no turn ends without a stored answer. */
    @WithDefault("Sorry, I could not put an answer together just now. Could you say that another way?")
    String emptyAnswerText();

    @WithDefault("5s")
    Duration connectTimeout();

    /** Until the first content or reasoning token; keep-alive comments do not count. */
    @WithDefault("30s")
    Duration firstTokenTimeout();

    /** Longest gap between two data events once streaming. */
    @WithDefault("20s")
    Duration idleTimeout();

    @WithDefault("120s")
    Duration totalTimeout();

    /** Size of the kept-alive connection pool (HTTP/1.1 connections; HTTP/2 multiplexes on fewer). */
    @WithDefault("64")
    int maxConnections();

    default boolean enabled() {
        return apiKey().filter(k -> !k.isBlank()).isPresent();
    }
}
