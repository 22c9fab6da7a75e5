package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How JSON is asked of each provider, as configured, and what the prompt asks for. */
class ResponseFormatTest {

    static LlmConfig config(Map<String, String> values) {
        SmallRyeConfig c = new SmallRyeConfigBuilder().withMapping(LlmConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValues(values).build();
        return c.getConfigMapping(LlmConfig.class);
    }

    @Test
    void eachProviderHasItsFormatJsonObjectByDefault() {
        LlmConfig config = config(Map.of("parley.llm.providers.local.base-url", "http://127.0.0.1:8080/v1",
                "parley.llm.providers.local.response-format", "json_schema",
                "parley.llm.providers.siliconflow.base-url", "https://api.siliconflow.cn/v1"));
        assertThat(config.responseFormat()).isEqualTo(LlmConfig.ResponseFormat.json_object);
        assertThat(config.providers().get("local").responseFormat()).isEqualTo(LlmConfig.ResponseFormat.json_schema);
        assertThat(config.providers().get("siliconflow").responseFormat()).isEqualTo(LlmConfig.ResponseFormat.json_object);
    }

    @Test
    void theRequestCarriesTheSchemaJsonModeOrNothing() throws Exception {
        LlmConfig config = config(Map.of());
        PromptBuilder prompts = new PromptBuilder(config);
        Vertx vertx = Vertx.vertx();
        try {
            DeepSeekClient client = new DeepSeekClient(vertx, config, "http://127.0.0.1:9", "k", config.poolIdleTimeout(), new ObjectMapper());
            TierParams params = TierParams.of(config);
            ObjectMapper json = new ObjectMapper();
            List<ChatRequest.Msg> messages = prompts.messages(List.of());

            JsonNode schema = json.readTree(client.requestBody(new ChatRequest("m", messages,
                    prompts.responseFormat(LlmConfig.ResponseFormat.json_schema)), params)).path("response_format");
            assertThat(schema.path("type").asText()).isEqualTo("json_schema");
            JsonNode s = schema.path("json_schema").path("schema");
            List<String> order = new java.util.ArrayList<>();
            s.path("properties").fieldNames().forEachRemaining(order::add);
            assertThat(order).containsExactly("intent", "confidence", "entities", "sentiment", "handoff", "answer", "suggestions");
            assertThat(s.path("properties").path("intent").path("enum").toString()).contains("refund_request").contains("other");
            assertThat(s.path("properties").path("suggestions").path("maxItems").asInt()).isEqualTo(4);
            assertThat(s.path("properties").path("suggestions").path("items").path("maxLength").asInt()).isEqualTo(120);

            JsonNode object = json.readTree(client.requestBody(new ChatRequest("m", messages,
                    prompts.responseFormat(LlmConfig.ResponseFormat.json_object)), params));
            assertThat(object.path("response_format").path("type").asText()).isEqualTo("json_object");

            JsonNode none = json.readTree(client.requestBody(new ChatRequest("m", messages,
                    prompts.responseFormat(LlmConfig.ResponseFormat.none)), params));
            assertThat(none.has("response_format")).isFalse();
            client.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    @Test
    void thePromptAsksForTheAnswerBeforeTheSuggestions() {
        String prompt = PromptBuilder.systemPrompt(config(Map.of()));
        assertThat(prompt).contains("json");
        assertThat(prompt.indexOf("\"handoff\"")).isLessThan(prompt.indexOf("\"answer\""));
        assertThat(prompt.indexOf("\"answer\"")).isLessThan(prompt.indexOf("\"suggestions\""));
        assertThat(prompt).contains("intent, confidence, entities, sentiment, handoff, answer, suggestions");
    }

    @Test
    void aRefusalIsA400NamingResponseFormat() {
        assertThat(ProviderErrors.refusesResponseFormat(new ProviderException(ProviderException.Kind.BAD_REQUEST, 400, null,
                "HTTP 400: This response_format type is unavailable now"))).isTrue();
        assertThat(ProviderErrors.refusesResponseFormat(new ProviderException(ProviderException.Kind.BAD_REQUEST, 400, null,
                "HTTP 400: 'json_schema' is not supported with this model"))).isTrue();
        assertThat(ProviderErrors.refusesResponseFormat(new ProviderException(ProviderException.Kind.BAD_REQUEST, 400, null,
                "HTTP 400: Insufficient Balance"))).isFalse();
        assertThat(ProviderErrors.refusesResponseFormat(new ProviderException(ProviderException.Kind.SERVER_ERROR, 500, null,
                "HTTP 500: response_format crashed us"))).isFalse();
    }
}
