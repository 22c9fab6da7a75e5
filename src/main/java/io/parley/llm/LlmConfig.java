package io.parley.llm;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    /** Entity types the model may report (the prompt lists them); entities of other types are dropped. */
    @WithDefault("order_id,tracking_number,phone,email,amount,date,product")
    List<String> entityTypes();

    /**
     * How the JSON answer is asked of the primary provider: {@code json_schema} (the answer's schema is sent;
     * OpenAI, llama.cpp, vLLM), {@code json_object} (JSON mode; DeepSeek, SiliconFlow) or {@code none}
     * (the prompt alone asks for JSON). A provider that refuses the one asked for is asked without it.
     */
    @WithDefault("json_object")
    ResponseFormat responseFormat();

    /** Bounds on what the model returns; whatever exceeds them is dropped or corrected. */
    AnswerLimits answers();

    /** Which model answers the answer cache may keep (see README, "Answer cache"). */
    CacheRules cache();

    /** Business facts appended to the (stable) system prompt: shop name, policies, tone. */
    Optional<String> instructions();

    /** Said when the model returns nothing at all, so that no turn ends without a stored answer. */
    @WithDefault("Sorry, I could not put an answer together just now. Could you say that another way?")
    String emptyAnswerText();

    /** The same, for customers writing Chinese. */
    @WithDefault("抱歉，我刚才没能组织好回答。您能换个说法再问一次吗？")
    String emptyAnswerTextZh();

    /** The honest short answer when nothing usable came, in the customer's language (their text's, else their locale's). */
    default String emptyAnswerText(String customerText, String locale) {
        boolean chinese = customerText.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)
                || (customerText.chars().noneMatch(Character::isLetter) && locale != null && locale.toLowerCase(java.util.Locale.ROOT).startsWith("zh"));
        return chinese ? emptyAnswerTextZh() : emptyAnswerText();
    }

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

    /**
     * How long a kept-alive connection may sit unused in the pool before Parley closes it. Keep it
     * below the provider's own keep-alive, so that Parley, not the server, closes idle connections
     * and no request is written to a connection the server has already dropped: 5 s is the
     * keep-alive of llama.cpp's server, of uvicorn (vLLM, SGLang, LiteLLM), Node and Apache; nginx
     * and most load balancers keep 60–75 s. Whole seconds (rounded down, at least 1 s). A request
     * that still meets a dropped connection is retried at once on a fresh one (see
     * {@link DeepSeekClient}); this only makes that rarer.
     */
    @WithDefault("4s")
    Duration poolIdleTimeout();

    /**
     * The region the primary provider's data goes to (such as {@code cn}, {@code eu}, {@code us}), checked
     * against {@code parley.compliance.allowed-regions}. Not tagged by default.
     */
    Optional<String> region();

    /**
     * A model of the primary provider that takes images, for the tier made when no {@code default} tier is
     * configured (for a configured tier: {@code tiers.<name>.vision-model}). Unset: no model sees images; a
     * customer's photo gets an honest reply that a person will look at it (README, "Attachments").
     */
    Optional<String> visionModel();

    default boolean enabled() {
        return apiKey().filter(k -> !k.isBlank()).isPresent();
    }

    /**
     * More providers by name, for fallback chains and tiers (the primary one is {@link #provider()},
     * configured by the keys above). Example: {@code parley.llm.providers.siliconflow.base-url}.
     */
    Map<String, ProviderConfig> providers();

    /**
     * Named tiers. Without a {@code default} tier, one is made of the primary provider's model
     * followed by the offline engine.
     */
    Map<String, TierConfig> tiers();

    /** Limits for the primary provider (other providers set their own). */
    @WithDefault("32")
    int maxConcurrent();

    /** Streams that may wait for a place when the primary provider is at its limit. */
    @WithDefault("16")
    int maxQueued();

    RetryConfig retry();

    CircuitBreakerConfig circuitBreaker();

    RoutingConfig routing();

    /** Prices per million tokens by model id (quote ids with dots or slashes: {@code prices."deepseek-ai/DeepSeek-V3"}). */
    Map<String, PriceConfig> prices();

    /** Currency of the price table, shown next to costs. */
    @WithDefault("USD")
    String currency();

    interface ProviderConfig {
        String baseUrl();

        Optional<String> apiKey();

        @WithDefault("32")
        int maxConcurrent();

        @WithDefault("16")
        int maxQueued();

        /** As {@link LlmConfig#responseFormat()}, for this provider. */
        @WithDefault("json_object")
        ResponseFormat responseFormat();

        /** This provider's {@link LlmConfig#poolIdleTimeout()}; by default the primary provider's. */
        Optional<Duration> poolIdleTimeout();

        /** As {@link LlmConfig#region()}, for this provider. */
        Optional<String> region();
    }

    /** How a provider is asked for JSON ({@code response_format}). */
    enum ResponseFormat {
        /** {@code {"type": "json_schema", "json_schema": {...}}}: the answer's schema, fields in order. */
        json_schema,
        /** {@code {"type": "json_object"}}: JSON mode. */
        json_object,
        /** No {@code response_format}: the prompt alone asks for JSON. */
        none
    }

    interface AnswerLimits {
        @WithDefault("10")
        int maxEntities();

        /** Longer entity values are dropped (a cut order number is a wrong one). */
        @WithDefault("100")
        int maxEntityChars();

        @WithDefault("4")
        int maxSuggestions();

        /** Longer suggestions are dropped. */
        @WithDefault("120")
        int maxSuggestionChars();
    }

    interface CacheRules {
        /** Answers whose intent confidence is below this are not cached. */
        @WithDefault("0.7")
        double minConfidence();

        /**
         * Entity types that are the customer's own details: an answer with one of them, or to a question in which
         * the offline rules find one, is never cached.
         */
        @WithDefault("order_id,tracking_number,phone,email")
        List<String> personalEntityTypes();
    }

    interface TierConfig {
        /**
         * Links tried in order: {@code provider:model} or {@code offline}. Example:
         * {@code deepseek:deepseek-v4-flash,siliconflow:deepseek-ai/DeepSeek-V3,offline}.
         */
        List<String> chain();

        Optional<Double> temperature();

        Optional<Double> topP();

        Optional<Integer> maxTokens();

        Optional<Double> frequencyPenalty();

        /**
         * A reasoning model: no sampling parameters are sent (such models ignore or refuse them). Its
         * {@code reasoning_content} is never shown to the customer (true of every tier) and its reasoning
         * tokens are accounted.
         */
        @WithDefault("false")
        boolean reasoning();

        /** The business's actions are offered to this tier's models (function calling), when any is configured. */
        @WithDefault("true")
        boolean actions();
        /**
         * A model that takes images, on the provider of this tier's first link (that link's own model when it
         * is a vision model, or another one such as SiliconFlow's {@code deepseek-ai/deepseek-vl2}). Unset: no
         * model of this tier sees images.
         */
        Optional<String> visionModel();

        /** Personal details masked before this tier's requests; unset: {@code parley.privacy.mask-before-model} (true). */
        Optional<Boolean> maskPersonalData();
    }

    interface RetryConfig {
        /** Retries after the first attempt, per link, for 429, 5xx and connection failures before any text. */
        @WithDefault("2")
        int maxRetries();

        @WithDefault("300ms")
        Duration initialBackoff();

        @WithDefault("4s")
        Duration maxBackoff();

        /** Fraction of each backoff added or removed at random, so that clients do not retry in step. */
        @WithDefault("0.25")
        double jitter();

        /** A provider's Retry-After is honoured up to this; beyond it the turn moves to the next link. */
        @WithDefault("10s")
        Duration maxRetryAfter();
    }

    interface CircuitBreakerConfig {
        /** Calls looked at when deciding to open. */
        @WithDefault("6")
        int requestVolume();

        @WithDefault("0.5")
        double failureRatio();

        /** How long an open circuit stays open before a trial call. */
        @WithDefault("30s")
        Duration delay();

        @WithDefault("1")
        int successThreshold();
    }

    interface RoutingConfig {
        @WithDefault("default")
        String defaultTier();

        /** Messages at least this long go to {@link #longMessageTier()} (when that tier exists). */
        @WithDefault("600")
        int longMessageChars();

        @WithDefault("premium")
        String longMessageTier();

        /** Conversations flagged as priority go to this tier (when it exists). */
        @WithDefault("premium")
        String priorityTier();
    }

    interface PriceConfig {
        /** Input tokens served from the provider's prompt cache. */
        double inputCacheHit();

        double inputCacheMiss();

        double output();
    }
}
