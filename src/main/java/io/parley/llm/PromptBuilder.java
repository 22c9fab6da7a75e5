package io.parley.llm;

import io.parley.conversation.HistoryItem;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the request messages. The system prompt is computed once and is byte-for-byte the same on
 * every turn, so that the provider's prompt cache (DeepSeek: {@code prompt_cache_hit_tokens}) hits.
 */
@ApplicationScoped
public class PromptBuilder {

    private final String systemPrompt;

    PromptBuilder(LlmConfig config) {
        this.systemPrompt = systemPrompt(config);
    }

    public String systemPrompt() {
        return systemPrompt;
    }

    public List<ChatRequest.Msg> messages(List<HistoryItem> history) {
        List<ChatRequest.Msg> out = new ArrayList<>(history.size() + 1);
        out.add(new ChatRequest.Msg("system", systemPrompt));
        for (HistoryItem m : history) {
            switch (m.role()) {
                case CUSTOMER -> out.add(new ChatRequest.Msg("user", m.text()));
                case ASSISTANT -> out.add(new ChatRequest.Msg("assistant", m.text()));
                case AGENT -> out.add(new ChatRequest.Msg("assistant", "[human agent] " + m.text()));
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
                .append("\"suggestions\": [\"Can I change the delivery address?\"], ")
                .append("\"answer\": \"Your order AB1234567 has left our warehouse and should arrive within two days.\"}\n")
                .append("Rules:\n")
                .append("- intent: exactly one of: ").append(intents).append(".\n")
                .append("- confidence: how sure you are of the intent, from 0 to 1.\n")
                .append("- entities: facts copied from the customer's words, with type one of order_id, tracking_number, ")
                .append("phone, email, amount, date, product; an empty list when there are none.\n")
                .append("- sentiment: positive, neutral or negative.\n")
                .append("- handoff: true only when the customer asks for a human or you cannot help.\n")
                .append("- suggestions: up to three short follow-up questions the customer may ask next, in the customer's language.\n")
                .append("- answer: always the last key; helpful, brief, in the customer's language (Chinese or English); ")
                .append("never invent order details you were not given.\n");
        config.instructions().filter(s -> !s.isBlank()).ifPresent(s -> p.append("About the business:\n").append(s.strip()).append('\n'));
        return p.toString();
    }
}
