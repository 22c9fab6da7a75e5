package io.parley.chat;

import io.parley.answer.StructuredAnswer;
import io.parley.conversation.HistoryItem;
import io.parley.conversation.Role;

import java.util.List;

/**
 * The second stage of the fallback customers of support bots expect: after two unsure answers in a
 * row, the bot stops guessing, asks what the customer means, and offers a person.
 */
final class Clarification {

    private static final String EN = "I'm not sure I have understood you. Could you tell me a little more, for example the order "
            + "number, or what you expected to happen? If you prefer, I can bring in a person from our support team.";
    private static final String ZH = "抱歉，我可能没有理解您的意思。能再具体说一下吗？比如订单号，或者您希望怎样处理？如果您愿意，我也可以为您转人工客服。";
    private static final List<String> EN_SUGGESTIONS = List.of("Talk to a person", "Where is my order?", "I want a refund");
    private static final List<String> ZH_SUGGESTIONS = List.of("转人工客服", "我的订单到哪了？", "我要退款");

    private Clarification() {
    }

    /** Whether the last answer before the new message was unsure. */
    static boolean lastAnswerUnsure(List<HistoryItem> history, double threshold) {
        for (int i = history.size() - 1; i >= 0; i--) {
            HistoryItem item = history.get(i);
            if (item.role() == Role.ASSISTANT) {
                return item.confidence() != null && item.confidence() < threshold;
            }
        }
        return false;
    }

    /** The clarifying answer, in the customer's language, keeping what the model understood (intent, entities). */
    static StructuredAnswer of(StructuredAnswer unsure, String customerText) {
        boolean chinese = customerText.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
        return new StructuredAnswer(unsure.intent(), unsure.confidence(), unsure.entities(), unsure.sentiment(), false,
                chinese ? ZH_SUGGESTIONS : EN_SUGGESTIONS, chinese ? ZH : EN, unsure.form(), unsure.finishReason(), unsure.intentSource());
    }
}
