package io.parley.offline;

import io.parley.answer.EntityValue;
import io.parley.privacy.PersonalData;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rule-based entities for Chinese and English text, with normalised values: an amount as
 * {@code 49.99 USD}, a date as ISO, a phone number as {@code +8613812345678}, an order or tracking
 * number in capitals, a place by its standard name. Patterns run in order and a character belongs to
 * at most one entity, so an e-mail address is never also read as an order id. The patterns for
 * personal details (e-mail, phone) live in {@link PersonalData}, shared with masking and sealing.
 */
public final class EntityExtractor {

    private record Rule(String type, Pattern pattern, BiFunction<Matcher, LocalDate, Optional<String>> value) {
    }

    private static final String NOT_ALNUM_BEFORE = "(?<![A-Za-z0-9])";
    private static final String NOT_ALNUM_AFTER = "(?![A-Za-z0-9])";
    private static final String CURRENCY_WORDS = "元|块钱|块|人民币|美元|美金|欧元|英镑|USD|CNY|RMB|EUR|GBP|dollars?|bucks|euros?|pounds?|yuan";

    private static final List<Rule> RULES = List.of(
            new Rule("email", PersonalData.EMAIL, EntityExtractor::asIs),
            new Rule("tracking_number", Pattern.compile("(?i)(?:tracking(?:\\s+(?:number|no\\.?|#))?|运单号?|快递单号|物流单号|運單號?)\\s*(?:is|是|为)?\\s*[:：#]?\\s*([A-Z0-9]{8,30})"), EntityExtractor::upper),
            new Rule("tracking_number", Pattern.compile(NOT_ALNUM_BEFORE
                    + "(?:1Z[0-9A-Z]{16}|SF\\d{12,15}|YT\\d{13,15}|JT\\d{13,15}|JD[0-9A-Z]{13,15}|ZTO\\d{12,15})" + NOT_ALNUM_AFTER), EntityExtractor::upper),
            new Rule("order_id", Pattern.compile(NOT_ALNUM_BEFORE + "(?i:[A-Z]{2})\\d{6,12}" + NOT_ALNUM_AFTER), EntityExtractor::upper),
            new Rule("order_id", Pattern.compile("(?i)(?:order(?:\\s+(?:number|no\\.?|id))?|订单号?|訂單號?|單號)\\s*(?:is|是|为)?\\s*[:：#]?\\s*(\\d{5,20})" + NOT_ALNUM_AFTER), EntityExtractor::upper),
            new Rule("phone", PersonalData.PHONE_CN, (m, d) -> phone(m.group(), "+86")),
            new Rule("phone", PersonalData.PHONE_INTL, (m, d) -> phone(m.group(), "")),
            new Rule("amount", Pattern.compile("(?i)(?:([$¥￥€£])\\s?|(USD|CNY|RMB|EUR|GBP)\\s?)(\\d[\\d,]*(?:\\.\\d{1,2})?)"),
                    (m, d) -> amount(m.group(3), m.group(1) != null ? m.group(1) : m.group(2))),
            new Rule("amount", Pattern.compile("(?i)(\\d[\\d,]*(?:\\.\\d{1,2})?)\\s?(" + CURRENCY_WORDS + ")(?![A-Za-z])"),
                    (m, d) -> amount(m.group(1), m.group(2))),
            new Rule("date", Dates.PATTERN, Dates::value),
            new Rule("location", Places.PATTERN, (m, d) -> Optional.of(Places.canonical(m.group()))));

    /** The entity types the rules find. */
    static final Set<String> TYPES = Set.of("email", "tracking_number", "order_id", "phone", "amount", "date", "location");

    private final Clock clock;

    public EntityExtractor() {
        this(Clock.systemDefaultZone());
    }

    /** @param clock what "today" is, for relative dates such as 明天 or next Monday */
    public EntityExtractor(Clock clock) {
        this.clock = clock;
    }

    public List<EntityValue> extract(String text) {
        LocalDate today = LocalDate.now(clock);
        List<EntityValue> found = new ArrayList<>();
        BitSet taken = new BitSet(text.length());
        for (Rule rule : RULES) {
            Matcher m = rule.pattern.matcher(text);
            while (m.find()) {
                // the number itself when the pattern has a lead-in ("tracking number is ..."), else the whole match
                boolean leadIn = rule.type.equals("tracking_number") || rule.type.equals("order_id");
                int group = leadIn && m.groupCount() >= 1 && m.group(1) != null ? 1 : 0;
                int start = m.start(group);
                int end = m.end(group);
                if (taken.get(start, end).isEmpty()) {
                    Optional<String> value = group == 1 ? Optional.of(m.group(1).strip().toUpperCase(Locale.ROOT)) : rule.value.apply(m, today);
                    if (value.isPresent()) {
                        taken.set(start, end);
                        found.add(new EntityValue(rule.type, value.get()));
                    }
                }
            }
        }
        return found;
    }

    private static Optional<String> asIs(Matcher m, LocalDate today) {
        return Optional.of(m.group().strip());
    }

    private static Optional<String> upper(Matcher m, LocalDate today) {
        return Optional.of(m.group().strip().toUpperCase(Locale.ROOT));
    }

    private static Optional<String> phone(String matched, String defaultCountry) {
        String digits = matched.replaceAll("[^\\d]", "");
        if (matched.strip().startsWith("+")) {
            return Optional.of("+" + digits);
        }
        return Optional.of(digits.startsWith("86") && digits.length() == 13 ? "+" + digits : defaultCountry + digits);
    }

    private static Optional<String> amount(String number, String currency) {
        String code = switch (currency.toLowerCase(Locale.ROOT)) {
            case "$", "usd", "美元", "美金", "dollar", "dollars", "bucks" -> "USD";
            case "€", "eur", "欧元", "euro", "euros" -> "EUR";
            case "£", "gbp", "英镑", "pound", "pounds" -> "GBP";
            default -> "CNY"; // ¥ ￥ 元 块 人民币 RMB CNY yuan
        };
        return Optional.of(new BigDecimal(number.replace(",", "")).stripTrailingZeros().toPlainString() + " " + code);
    }
}
