package io.parley.offline;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dates in customer text, as ISO values: a day as {@code 2026-11-02}, a week as {@code 2026-W49}.
 * Relative ones are read against today: weeks start on Monday, "下周一" and "next Monday" are the
 * Monday of next week, "上周五" and "last Friday" the Friday of last week, "周三" and "this Wednesday"
 * the Wednesday of this week. A day without a year is in the current year.
 */
final class Dates {

    private static final String DAY_ZH = "[一二三四五六日天]";
    private static final String DAY_EN = "monday|tuesday|wednesday|thursday|friday|saturday|sunday";
    private static final String MONTH_EN = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec";

    static final Pattern PATTERN = Pattern.compile("(?i)"
            + "(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})"
            + "|(\\d{4})年(\\d{1,2})月(\\d{1,2})[日号]?"
            + "|(\\d{1,2})月(\\d{1,2})[日号]"
            + "|(\\d{1,2})/(\\d{1,2})/(\\d{2,4})"
            + "|\\b(" + MONTH_EN + ")[a-z]*\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?\\b"
            + "|(大后天|后天|明天|今天|昨天|前天|the day after tomorrow|tomorrow|today|yesterday)"
            + "|(上|下|这|本)?(?:周|星期|礼拜|禮拜)(" + DAY_ZH + ")"
            + "|\\b(next|last|this)\\s+(" + DAY_EN + ")\\b"
            + "|(上周|下周|本周|这周|上星期|下星期|\\blast week\\b|\\bnext week\\b|\\bthis week\\b)");

    private Dates() {
    }

    /** The ISO value of a match of {@link #PATTERN}, or empty for a date that does not exist (2026-02-30). */
    static Optional<String> value(Matcher m, LocalDate today) {
        try {
            if (m.group(1) != null) {
                return day(num(m, 1), num(m, 2), num(m, 3));
            }
            if (m.group(4) != null) {
                return day(num(m, 4), num(m, 5), num(m, 6));
            }
            if (m.group(7) != null) {
                return day(today.getYear(), num(m, 7), num(m, 8));
            }
            if (m.group(9) != null) {
                int a = num(m, 9);
                int b = num(m, 10);
                int year = num(m, 11) < 100 ? 2000 + num(m, 11) : num(m, 11);
                // month first, as written in the US, unless the first number cannot be a month
                return a > 12 ? day(year, b, a) : day(year, a, b);
            }
            if (m.group(12) != null) {
                int month = List.of(MONTH_EN.replace("|sept", "").split("\\|")).indexOf(m.group(12).toLowerCase(Locale.ROOT).substring(0, 3)) + 1;
                return day(m.group(14) == null ? today.getYear() : num(m, 14), month, num(m, 13));
            }
            if (m.group(15) != null) {
                return Optional.of(iso(today.plusDays(relativeDays(m.group(15).toLowerCase(Locale.ROOT)))));
            }
            if (m.group(17) != null) {
                return Optional.of(iso(weekday(today, weekOffset(m.group(16)), Math.min("一二三四五六日天".indexOf(m.group(17)), 6) + 1)));
            }
            if (m.group(19) != null) {
                DayOfWeek d = DayOfWeek.valueOf(m.group(19).toUpperCase(Locale.ROOT));
                return Optional.of(iso(weekday(today, weekOffset(m.group(18)), d.getValue())));
            }
            String w = m.group(20).toLowerCase(Locale.ROOT);
            LocalDate week = today.plusWeeks(w.startsWith("上") || w.startsWith("last") ? -1 : w.startsWith("下") || w.startsWith("next") ? 1 : 0);
            return Optional.of(String.format("%d-W%02d", week.get(IsoFields.WEEK_BASED_YEAR), week.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static int relativeDays(String word) {
        return switch (word) {
            case "大后天" -> 3;
            case "后天", "the day after tomorrow" -> 2;
            case "明天", "tomorrow" -> 1;
            case "昨天", "yesterday" -> -1;
            case "前天" -> -2;
            default -> 0;
        };
    }

    private static int weekOffset(String which) {
        if (which == null) {
            return 0;
        }
        return switch (which.toLowerCase(Locale.ROOT)) {
            case "上", "last" -> -1;
            case "下", "next" -> 1;
            default -> 0;
        };
    }

    private static LocalDate weekday(LocalDate today, int weeks, int dayOfWeek) {
        return today.plusWeeks(weeks).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).plusDays(dayOfWeek - 1L);
    }

    private static Optional<String> day(int year, int month, int day) {
        return Optional.of(iso(LocalDate.of(year, month, day)));
    }

    private static int num(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }

    private static String iso(LocalDate d) {
        return d.format(DateTimeFormatter.ISO_LOCAL_DATE);
    }
}
