package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.answer.Grounding;
import io.parley.conversation.HistoryItem;
import io.parley.conversation.Role;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Builds the request messages. The system prompt is computed once and is byte-for-byte the same on
 * every turn, so that the provider's prompt cache (DeepSeek: {@code prompt_cache_hit_tokens}) hits.
 * Fields are asked in the order that gets text to the customer soonest: intent, confidence, entities,
 * sentiment, handoff (all short, for {@code answer.start}), then {@code answer}, then suggestions.
 */
@ApplicationScoped
public class PromptBuilder {

    /** The answer's fields in the order they are asked for. */
    static final List<String> FIELDS = List.of("intent", "confidence", "entities", "sentiment", "handoff", "answer", "suggestions");

    private final String systemPrompt;
    private final String version;
    private final JsonNode jsonSchema;

    PromptBuilder(LlmConfig config) {
        this.systemPrompt = systemPrompt(config);
        this.version = version(systemPrompt);
        this.jsonSchema = jsonSchemaFormat(config);
    }

    /** The prompt template's version, recorded with every model call: the first 16 hex digits of the system prompt's SHA-256. */
    public String version() {
        return version;
    }

    static String version(String prompt) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(prompt.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code response_format} to send for {@code format}; null for none. */
    JsonNode responseFormat(LlmConfig.ResponseFormat format) {
        return switch (format) {
            case json_schema -> jsonSchema;
            case json_object -> ChatRequest.JSON_OBJECT;
            case none -> null;
        };
    }

    public String systemPrompt() {
        return systemPrompt;
    }

    public List<ChatRequest.Msg> messages(List<HistoryItem> history) {
        return messages(history, Grounding.NONE, UnaryOperator.identity());
    }

    /**
     * The request's messages: the stable system prompt, the history, and, when the business has a
     * knowledge base, the passages found for the latest customer message as a second system message
     * placed just before that message. Placed there, everything before it (the system prompt and the
     * earlier turns) is the same prefix as in the previous request, so the provider's prompt cache
     * still hits; only the passages and the new message are new. Each stored text passes through
     * {@code mask} (personal details out) first.
     */
    public List<ChatRequest.Msg> messages(List<HistoryItem> history, Grounding grounding, UnaryOperator<String> mask) {
        return messages(history, grounding, mask, List.of());
    }

    /**
     * The same, with {@code images} sent with the latest customer message (its text, masked, as the text
     * part). Only this turn's images go: an image sent earlier stays its stored text ({@code [image]}) in
     * the history, so a request carries at most the latest upload's bytes (bounded by
     * {@code parley.attachments.max-bytes}) and its size does not grow with the conversation.
     */
    List<ChatRequest.Msg> messages(List<HistoryItem> history, Grounding grounding, UnaryOperator<String> mask,
                                   List<ChatRequest.Image> images) {
        List<ChatRequest.Msg> out = new ArrayList<>(history.size() + 2);
        out.add(new ChatRequest.Msg("system", systemPrompt));
        int lastCustomer = -1;
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).role() == Role.CUSTOMER) {
                lastCustomer = i;
            }
        }
        for (int i = 0; i < history.size(); i++) {
            HistoryItem m = history.get(i);
            if (i == lastCustomer && grounding.enabled()) {
                out.add(new ChatRequest.Msg("system", KnowledgePrompt.of(grounding)));
            }
            switch (m.role()) {
                case CUSTOMER -> out.add(new ChatRequest.Msg("user", mask.apply(m.text()), List.of(), null,
                        i == lastCustomer ? images : List.of()));
                case ASSISTANT -> out.add(new ChatRequest.Msg("assistant", mask.apply(m.text())));
                case AGENT -> out.add(new ChatRequest.Msg("assistant", "[human agent] " + mask.apply(m.text())));
                case SYSTEM -> {
                    // system lines are for people, not for the model
                }
            }
        }
        return out;
    }

    static String systemPrompt(LlmConfig config) {
        String intents = String.join(", ", config.intents());
        StringBuilder p = new StringBuilder(1200);
        p.append("You are Parley, the customer-service assistant of an online shop. ")
                .append("Always reply with one json object and nothing else, shaped exactly like this example:\n")
                .append("{\"intent\": \"order_status\", \"confidence\": 0.92, ")
                .append("\"entities\": [{\"type\": \"order_id\", \"value\": \"AB1234567\"}], ")
                .append("\"sentiment\": \"neutral\", \"handoff\": false, ")
                .append("\"answer\": \"Your order AB1234567 has left our warehouse and should arrive within two days.\", ")
                .append("\"suggestions\": [\"Can I change the delivery address?\"]}\n")
                .append("Keys in exactly this order: intent, confidence, entities, sentiment, handoff, answer, suggestions. ")
                .append("No text, code fence or comment before or after the json object.\n")
                .append("Rules:\n")
                .append("- intent: exactly one of: ").append(intents).append(".\n")
                .append("- confidence: how sure you are of the intent, a number from 0 to 1.\n")
                .append("- entities: facts copied from the customer's words, with type one of ")
                .append(String.join(", ", config.entityTypes())).append("; an empty list when there are none.\n")
                .append("- sentiment: positive, neutral or negative.\n")
                .append("- handoff: true only when the customer asks for a human or you cannot help.\n")
                .append("- answer: helpful, brief, in the customer's language (Chinese or English); plain text, no markdown; ")
                .append("never invent order details you were not given.\n")
                .append("- suggestions: up to three short follow-up questions the customer may ask next, in the customer's language.\n");
        config.instructions().filter(s -> !s.isBlank()).ifPresent(s -> p.append("About the business:\n").append(s.strip()).append('\n'));
        return p.toString();
    }

    /** {@code {"type": "json_schema", "json_schema": {...}}}: the answer's schema, properties in the order asked for. */
    static JsonNode jsonSchemaFormat(LlmConfig config) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode schema = f.objectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        enumOf(props.putObject("intent").put("type", "string"), config.intents());
        props.putObject("confidence").put("type", "number");
        ObjectNode entities = props.putObject("entities").put("type", "array").put("maxItems", config.answers().maxEntities());
        ObjectNode entity = entities.putObject("items").put("type", "object");
        ObjectNode entityProps = entity.putObject("properties");
        enumOf(entityProps.putObject("type").put("type", "string"), config.entityTypes());
        entityProps.putObject("value").put("type", "string").put("maxLength", config.answers().maxEntityChars());
        entity.putArray("required").add("type").add("value");
        entity.put("additionalProperties", false);
        enumOf(props.putObject("sentiment").put("type", "string"), List.of("positive", "neutral", "negative"));
        props.putObject("handoff").put("type", "boolean");
        props.putObject("answer").put("type", "string");
        props.putObject("suggestions").put("type", "array").put("maxItems", config.answers().maxSuggestions())
                .putObject("items").put("type", "string").put("maxLength", config.answers().maxSuggestionChars());
        ArrayNode required = schema.putArray("required");
        FIELDS.forEach(required::add);
        schema.put("additionalProperties", false);
        ObjectNode format = f.objectNode().put("type", "json_schema");
        format.putObject("json_schema").put("name", "parley_answer").put("strict", true).set("schema", schema);
        return format;
    }

    private static void enumOf(ObjectNode node, List<String> values) {
        ArrayNode e = node.putArray("enum");
        values.forEach(e::add);
    }
}
