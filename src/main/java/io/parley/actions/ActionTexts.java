package io.parley.actions;

import com.fasterxml.jackson.databind.JsonNode;

import java.text.Normalizer;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the customer reads about actions, in English and Chinese: results, failures, proposals and their replies. */
final class ActionTexts {

    private static final Pattern HAN = Pattern.compile("\\p{IsHan}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]+)}");
    static final String CONFIRM_EN = "Yes, go ahead";
    static final String CANCEL_EN = "No, cancel";
    static final String CONFIRM_ZH = "确认提交";
    static final String CANCEL_ZH = "取消";
    private static final Set<String> YES = Set.of("yes, go ahead", "yes", "y", "yes please", "ok", "okay", "sure", "confirm",
            "go ahead", "do it", "please do", CONFIRM_ZH, "确认", "确定", "是", "是的", "好", "好的", "可以", "提交");
    private static final Set<String> NO = Set.of("no, cancel", "no", "n", "cancel", "don't", "do not", "stop", "no thanks",
            "never mind", CANCEL_ZH, "不", "不用", "不用了", "不要", "算了", "否");

    enum Reply { YES, NO, OTHER }

    private static final Pattern TRAILING = Pattern.compile("[\\s!.。！~～]+$");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    /** Longer than any yes or no above with room for punctuation and spaces. */
    private static final int LONGEST_REPLY = 40;

    private ActionTexts() {
    }

    /** A yes or a no to a proposal: only a short reply that is one (case, width, punctuation aside). */
    static Reply reply(String text) {
        if (text.length() > LONGEST_REPLY) {
            return Reply.OTHER; // every turn asks: a message longer than any yes or no is neither, without normalising it
        }
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).strip();
        s = SPACES.matcher(TRAILING.matcher(s).replaceAll("")).replaceAll(" ");
        return YES.contains(s) ? Reply.YES : NO.contains(s) ? Reply.NO : Reply.OTHER;
    }

    static String language(String text, String locale) {
        if (HAN.matcher(text).find()) {
            return "zh";
        }
        boolean latin = text.chars().anyMatch(Character::isLetter);
        return !latin && locale != null && locale.toLowerCase(Locale.ROOT).startsWith("zh") ? "zh" : "en";
    }

    static List<String> confirmCancel(String language) {
        return "zh".equals(language) ? List.of(CONFIRM_ZH, CANCEL_ZH) : List.of(CONFIRM_EN, CANCEL_EN);
    }

    static List<String> personOffer(String language) {
        return "zh".equals(language) ? List.of("转人工") : List.of("Talk to a person");
    }

    static String unfinished(String language) {
        return "zh".equals(language) ? "抱歉，我这次没能查完，请稍后再试，或者转人工客服为您处理。"
                : "Sorry, I couldn't finish looking that up this time. Please try again, or I can get a person to help you.";
    }

    /** A confirmed change whose call broke inside Parley: it may or may not have reached the business, so neither is claimed. */
    static String unconfirmed(String language) {
        return "zh".equals(language) ? "抱歉，处理时出了问题，我无法确认这项操作是否已经完成。请转人工客服为您核实，不要重复提交。"
                : "Sorry, something went wrong on our side and I can't confirm whether that went through. "
                + "Please ask for a person to check it rather than trying again.";
    }

    static String cancelled(String language) {
        return "zh".equals(language) ? "好的，已取消，我没有提交任何申请。" : "OK, cancelled: I have not sent anything.";
    }

    /** The result in the action's template; when the result lacks a field the template names, every field as it came. */
    static String result(Action action, ActionResult r, String language) {
        String template = action.text(action.answer(), language, "", "");
        if (!template.isBlank()) {
            String filled = fill(template, r.body(), r.arguments());
            if (filled != null) {
                return filled.strip();
            }
        }
        StringBuilder out = new StringBuilder("zh".equals(language) ? "查询结果：" : "Here is what " + system(action, language) + " says: ");
        int n = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = r.body().fields(); it.hasNext() && n < 8; ) {
            var e = it.next();
            if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                out.append(n++ == 0 ? "" : "; ").append(e.getKey().replace('_', ' ')).append(": ").append(e.getValue().asText());
            }
        }
        return out.append(n == 0 ? ("zh".equals(language) ? "已完成。" : "done.") : ".").toString();
    }

    static String proposal(Action action, JsonNode arguments, String language) {
        String template = action.text(action.proposal(), language, "", "");
        String filled = template.isBlank() ? null : fill(template, null, arguments);
        if (filled != null) {
            return filled;
        }
        return "zh".equals(language) ? "我可以为您执行此操作：" + action.description() + "。要继续吗？"
                : "I can do this for you: " + action.description() + " Shall I go ahead?";
    }

    /** Honest: it did not work, nothing is claimed, and a person is offered. */
    static String failure(Action action, ActionResult r, String language) {
        boolean zh = "zh".equals(language);
        String system = system(action, language);
        if (r.outcome() == Outcome.HTTP_ERROR && r.httpStatus() == 404) {
            return zh ? system + "里没有找到这条记录，请核对号码后再试；也可以转人工客服为您核查。"
                    : "I checked " + system + " and found no record for that. Please check the number, or ask for a person to look into it.";
        }
        if (r.outcome() == Outcome.REJECTED) {
            return zh ? "我没能提交这个查询（信息不完整或格式不对），所以还没有查到结果。请核对后再试，或者转人工客服。"
                    : "I couldn't make that request (the details were missing or not in the right form), so nothing was looked up or changed. "
                    + "Please check them, or ask for a person.";
        }
        return zh ? "我现在无法连接" + system + "，所以暂时查不到结果，也没有做任何更改。请稍后再试，或者转人工客服为您处理。"
                : "I couldn't reach " + system + " just now, so I can't tell you more yet and nothing was changed. "
                + "Please try again in a few minutes, or I can get a person to help you.";
    }

    private static String system(Action action, String language) {
        return action.text(action.system(), language, "the system", "系统");
    }

    /** The template with {@code {name}} from the result's top-level fields, then the arguments; null when one is missing. */
    private static String fill(String template, JsonNode result, JsonNode arguments) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode v = result != null && result.hasNonNull(m.group(1)) ? result.get(m.group(1))
                    : arguments != null && arguments.hasNonNull(m.group(1)) ? arguments.get(m.group(1)) : null;
            if (v == null || !v.isValueNode()) {
                return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v.asText()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
