package io.parley.offline;

import io.parley.answer.EntityValue;
import opennlp.tools.stemmer.PorterStemmer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the classifier sees of a message, the same for training and for customers: Chinese as single
 * characters and character pairs (no dictionary, so typos and new words still share most features),
 * English as Porter stems and stem pairs, emoji, and the types of entities found. (A question mark is
 * left out: every intent has questions, and off-topic ones made it a sign of "other".)
 */
final class Features {

    /** Traditional characters common in shop talk, read as their simplified forms so both share features. */
    private static final String TRADITIONAL = "訂單貨運費買賣錢換號帳賬碼麼嗎們這個時間還沒發遞郵東問題謝見話電機網頁註冊質壞給轉務處為從會開關幫請讓說對種樣來過應該經價戶圖顏國點實際員紀錄寶優損態極聯繫級補裡長臺灣鐵層塊辦領貨擊產響衛無線條聲腦筆記憶體戲帶襪褲裝廠詢幾與達團隊當現顯滿稅據驗證鎖";
    private static final String SIMPLIFIED = "订单货运费买卖钱换号帐账码么吗们这个时间还没发递邮东问题谢见话电机网页注册质坏给转务处为从会开关帮请让说对种样来过应该经价户图颜国点实际员纪录宝优损态极联系级补里长台湾铁层块办领货击产响卫无线条声脑笔记忆体戏带袜裤装厂询几与达团队当现显满税据验证锁";

    private Features() {
    }

    static String[] of(String text, List<EntityValue> entities) {
        String s = simplify(Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT));
        List<String> out = new ArrayList<>();
        List<String> stems = new ArrayList<>();
        StringBuilder han = new StringBuilder();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN) {
                flushWord(word, stems);
                han.appendCodePoint(cp);
                continue;
            }
            flushHan(han, out);
            if (Character.isLetterOrDigit(cp) || cp == '\'') {
                word.appendCodePoint(cp);
            } else {
                flushWord(word, stems);
                if (Character.getType(cp) == Character.OTHER_SYMBOL) {
                    out.add("e=" + new String(Character.toChars(cp)));
                }
            }
        }
        flushHan(han, out);
        flushWord(word, stems);
        for (int i = 0; i < stems.size(); i++) {
            out.add("w=" + stems.get(i));
            if (i + 1 < stems.size()) {
                out.add("ww=" + stems.get(i) + "_" + stems.get(i + 1));
            }
        }
        for (EntityValue e : entities) {
            out.add("ent=" + e.type());
        }
        if (out.isEmpty()) {
            out.add("empty");
        }
        return out.toArray(String[]::new);
    }

    private static void flushHan(StringBuilder han, List<String> out) {
        for (int i = 0; i < han.length(); i++) {
            out.add("c=" + han.charAt(i));
            if (i + 1 < han.length()) {
                out.add("cc=" + han.charAt(i) + han.charAt(i + 1));
            }
        }
        han.setLength(0);
    }

    private static void flushWord(StringBuilder word, List<String> stems) {
        if (word.length() > 0) {
            String w = word.toString().replace("'", "");
            // numbers are entities or noise; their shape is enough
            stems.add(w.chars().allMatch(Character::isDigit) ? "#num" : new PorterStemmer().stem(w));
            word.setLength(0);
        }
    }

    private static String simplify(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int t = c < 0x3400 ? -1 : TRADITIONAL.indexOf(c);
            out.append(t < 0 ? c : SIMPLIFIED.charAt(t));
        }
        return out.toString();
    }
}
