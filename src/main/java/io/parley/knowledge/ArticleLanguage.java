package io.parley.knowledge;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The language an article is written in: {@code zh-CN}, {@code en}, or {@code both}. */
public enum ArticleLanguage {
    ZH_CN("zh-CN"), EN("en"), BOTH("both");

    public final String wire;

    ArticleLanguage(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** Null for an unknown value; {@code zh}, {@code zh-cn} and {@code cn} are Chinese. */
    @JsonCreator
    public static ArticleLanguage of(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "zh-cn", "zh", "cn", "zh_cn", "zh-hans" -> ZH_CN;
            case "en", "en-us", "en-gb", "english" -> EN;
            case "both", "zh-cn,en", "en,zh-cn" -> BOTH;
            default -> null;
        };
    }

    /** Chinese when a fifth or more of the letters are Han characters, English otherwise. */
    static ArticleLanguage detect(String text) {
        long han = text.codePoints().filter(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN).count();
        long letters = text.codePoints().filter(Character::isLetter).count();
        return letters > 0 && han * 5 >= letters ? ZH_CN : EN;
    }
}
