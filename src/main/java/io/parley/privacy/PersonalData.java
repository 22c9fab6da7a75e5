package io.parley.privacy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one home of the patterns for personal details in text: e-mail addresses, phone numbers,
 * Chinese resident ID-card numbers, bank-card numbers and street addresses. Masking before the model,
 * sealing at rest, the log filter and the offline entity extractor all use these. Card and ID numbers
 * must pass their check digits, so order and tracking numbers of the same length are left alone.
 */
public final class PersonalData {

    /** What a span is; {@link #label} names its placeholders ({@code [PHONE_1]}). */
    public enum Kind {
        EMAIL("EMAIL"), ID_CARD("ID_CARD"), BANK_CARD("BANK_CARD"), PHONE("PHONE"), ADDRESS("ADDRESS");

        public final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** One personal detail found at {@code [start, end)} of the text. */
    public record Span(Kind kind, int start, int end, String value) {
    }

    public static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    /** A mainland mobile number, with or without +86, grouped by spaces or dashes or not. */
    public static final Pattern PHONE_CN = Pattern.compile("(?<![\\d+])(?:\\+?86[\\s-]?)?1[3-9]\\d[\\s-]?\\d{4}[\\s-]?\\d{4}(?!\\d)");
    /** Any number written with its country code: {@code +44 20 7946 0958}. */
    public static final Pattern PHONE_INTL = Pattern.compile("(?<![\\w+])\\+\\d{1,3}[\\s-]?\\(?\\d{1,4}\\)?(?:[\\s-]?\\d{2,4}){2,4}(?!\\d)");
    static final Pattern ID_CARD = Pattern.compile("(?<![0-9A-Za-z])[1-9]\\d{5}(?:18|19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])\\d{3}[\\dXx](?![0-9A-Za-z])");
    /** 15 to 19 digits, in groups or not; kept only when the Luhn check holds. */
    static final Pattern BANK_CARD = Pattern.compile("(?<![\\dA-Za-z])\\d(?:[ -]?\\d){14,18}(?![\\dA-Za-z])");
    static final Pattern ADDRESS_ZH = Pattern.compile("(?:\\p{IsHan}{1,8}(?:省|自治区))?(?:\\p{IsHan}{1,8}市)?(?:\\p{IsHan}{1,8}(?:区|县))?"
            + "[\\p{IsHan}A-Za-z0-9]{1,16}?(?:路|街|大道|巷|弄|胡同)\\s?[0-9]{1,5}号(?:[0-9A-Za-z\\p{IsHan}-]{0,12}?(?:室|楼|栋|单元))?");
    static final Pattern ADDRESS_EN = Pattern.compile("(?<![\\w-])\\d{1,6}\\s+(?:[A-Z][A-Za-z]+\\s+){1,4}"
            + "(?:Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Square|Sq)\\b\\.?"
            + "(?:,?\\s*(?:Apt|Suite|Unit|Flat)\\.?\\s*#?[0-9A-Za-z]{1,6})?");

    /**
     * A pattern, and what a text needs before it is worth running: every turn masks its history, and the
     * address patterns backtrack at every position of a text, so a count of digits or a marker character
     * decides most texts without them.
     */
    private record Rule(Kind kind, Pattern pattern, int digits, char marker) {
    }

    private static final char ANY = 0;

    /** In order: an earlier rule's span wins, so an e-mail's digits are never also a phone number. */
    private static final List<Rule> RULES = List.of(new Rule(Kind.EMAIL, EMAIL, 0, '@'), new Rule(Kind.ID_CARD, ID_CARD, 17, ANY),
            new Rule(Kind.BANK_CARD, BANK_CARD, 15, ANY), new Rule(Kind.PHONE, PHONE_CN, 11, ANY),
            new Rule(Kind.PHONE, PHONE_INTL, 5, '+'), new Rule(Kind.ADDRESS, ADDRESS_ZH, 1, '号'), new Rule(Kind.ADDRESS, ADDRESS_EN, 1, ANY));

    private PersonalData() {
    }

    /** The personal details in {@code text}, in text order, never overlapping. */
    public static List<Span> find(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            }
        }
        if (digits == 0 && text.indexOf('@') < 0) {
            return List.of(); // most messages: no pattern can match
        }
        List<Span> found = new ArrayList<>();
        BitSet taken = new BitSet(text.length());
        for (Rule rule : RULES) {
            if (digits < rule.digits || (rule.marker != ANY && text.indexOf(rule.marker) < 0)) {
                continue;
            }
            Matcher m = rule.pattern.matcher(text);
            while (m.find()) {
                if (taken.get(m.start(), m.end()).isEmpty() && valid(rule.kind, m.group())) {
                    taken.set(m.start(), m.end());
                    found.add(new Span(rule.kind, m.start(), m.end(), m.group()));
                }
            }
        }
        found.sort(Comparator.comparingInt(Span::start));
        return found;
    }

    public static boolean contains(String text) {
        return !find(text).isEmpty();
    }

    /** Every personal detail replaced by its kind alone ({@code [PHONE]}): for log lines. */
    public static String redact(String text) {
        List<Span> spans = find(text);
        if (spans.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (Span s : spans) {
            out.append(text, at, s.start()).append('[').append(s.kind().label).append(']');
            at = s.end();
        }
        return out.append(text, at, text.length()).toString();
    }

    private static boolean valid(Kind kind, String value) {
        return switch (kind) {
            case BANK_CARD -> luhn(value.replaceAll("[^0-9]", ""));
            case ID_CARD -> idCardChecksum(value.toUpperCase(Locale.ROOT));
            default -> true;
        };
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /** GB 11643: the 18th character is a weighted sum of the first 17, mod 11. */
    static boolean idCardChecksum(String id) {
        int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
        String checks = "10X98765432";
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (id.charAt(i) - '0') * weights[i];
        }
        return checks.charAt(sum % 11) == id.charAt(17);
    }
}
