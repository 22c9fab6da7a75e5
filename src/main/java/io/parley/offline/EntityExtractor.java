package io.parley.offline;

import io.parley.answer.EntityValue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rule-based entities for Chinese and English text. Patterns run in order and a character belongs
 * to at most one entity, so an e-mail address is never also read as an order id.
 */
public final class EntityExtractor {

    private record Rule(String type, Pattern pattern, boolean upperCase) {
    }

    private static final String NOT_ALNUM_BEFORE = "(?<![A-Za-z0-9])";
    private static final String NOT_ALNUM_AFTER = "(?![A-Za-z0-9])";

    private static final List<Rule> RULES = List.of(
            new Rule("email", Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"), false),
            new Rule("tracking_number", Pattern.compile("(?i)(?:tracking(?:\\s+(?:number|no\\.?|#))?|运单号?|快递单号|物流单号)\\s*(?:is|是|为)?\\s*[:：#]?\\s*([A-Z0-9]{8,30})"), true),
            new Rule("tracking_number", Pattern.compile(NOT_ALNUM_BEFORE
                    + "(?:1Z[0-9A-Z]{16}|SF\\d{12,15}|YT\\d{13,15}|JT\\d{13,15}|JD[0-9A-Z]{13,15}|ZTO\\d{12,15})" + NOT_ALNUM_AFTER), false),
            new Rule("order_id", Pattern.compile(NOT_ALNUM_BEFORE + "(?i:[A-Z]{2})\\d{6,12}" + NOT_ALNUM_AFTER), true),
            new Rule("order_id", Pattern.compile("(?i)(?:order(?:\\s+(?:number|no\\.?|id))?|订单号?|單號)\\s*(?:is|是|为)?\\s*[:：#]?\\s*(\\d{5,20})" + NOT_ALNUM_AFTER), true),
            new Rule("phone", Pattern.compile("(?<![\\d+])(?:\\+?86[\\s-]?)?1[3-9]\\d[\\s-]?\\d{4}[\\s-]?\\d{4}(?!\\d)"), false),
            new Rule("phone", Pattern.compile("(?<![\\w+])\\+\\d{1,3}[\\s-]?\\(?\\d{1,4}\\)?(?:[\\s-]?\\d{2,4}){2,4}(?!\\d)"), false),
            new Rule("amount", Pattern.compile("(?i)(?:[$¥￥€£]\\s?|(?:USD|CNY|RMB|EUR|GBP)\\s?)\\d[\\d,]*(?:\\.\\d{1,2})?"), false),
            new Rule("amount", Pattern.compile("(?i)\\d[\\d,]*(?:\\.\\d{1,2})?\\s?(?:元|块钱|块|美元|欧元|英镑|USD|CNY|RMB|EUR|GBP|dollars?|euros?|yuan)(?![A-Za-z])"), false),
            new Rule("date", Pattern.compile("\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{4}年\\d{1,2}月\\d{1,2}[日号]?|\\d{1,2}月\\d{1,2}[日号]"
                    + "|\\d{1,2}/\\d{1,2}/\\d{2,4}"
                    + "|(?i:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s+\\d{4})?)"
                    + "|今天|明天|昨天|前天|后天|上周|下周|(?i:\\b(?:today|tomorrow|yesterday|last week|next week)\\b)"), false));

    public List<EntityValue> extract(String text) {
        List<EntityValue> found = new ArrayList<>();
        BitSet taken = new BitSet(text.length());
        for (Rule rule : RULES) {
            Matcher m = rule.pattern.matcher(text);
            while (m.find()) {
                int group = m.groupCount() >= 1 && m.group(1) != null ? 1 : 0;
                int start = m.start(group);
                int end = m.end(group);
                if (taken.get(start, end).isEmpty()) {
                    taken.set(start, end);
                    String value = m.group(group).strip();
                    found.add(new EntityValue(rule.type, rule.upperCase ? value.toUpperCase(Locale.ROOT) : value));
                }
            }
        }
        return found;
    }
}
