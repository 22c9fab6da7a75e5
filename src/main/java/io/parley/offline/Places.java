package io.parley.offline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Places a parcel may go to, for shipping questions: China's provinces, regions and major cities, and
 * countries. A place is reported by its standard name in the language it was written in ("西藏",
 * "Tibet"), whichever alias was used ("臺灣" → "台湾", "UK" → "United Kingdom").
 */
final class Places {

    /** Chinese name, English name, then other ways of writing either; "|" between the names. */
    private static final String TABLE = """
            北京|Beijing|北京市|Peking
            上海|Shanghai|上海市
            天津|Tianjin
            重庆|Chongqing|重慶
            河北|Hebei
            山西|Shanxi
            辽宁|Liaoning|遼寧
            吉林|Jilin
            黑龙江|Heilongjiang|黑龍江
            江苏|Jiangsu|江蘇
            浙江|Zhejiang
            安徽|Anhui
            福建|Fujian
            江西|Jiangxi
            山东|Shandong|山東
            河南|Henan
            湖北|Hubei
            湖南|Hunan
            广东|Guangdong|廣東
            海南|Hainan
            四川|Sichuan
            贵州|Guizhou|貴州
            云南|Yunnan|雲南
            陕西|Shaanxi|陝西
            甘肃|Gansu|甘肅
            青海|Qinghai
            台湾|Taiwan|臺灣|台灣
            内蒙古|Inner Mongolia|内蒙|內蒙古
            广西|Guangxi|廣西
            西藏|Tibet|Xizang
            宁夏|Ningxia|寧夏
            新疆|Xinjiang
            香港|Hong Kong|HK|Hongkong
            澳门|Macau|澳門|Macao
            广州|Guangzhou|廣州|Canton
            深圳|Shenzhen
            杭州|Hangzhou
            南京|Nanjing
            苏州|Suzhou|蘇州
            成都|Chengdu
            武汉|Wuhan|武漢
            西安|Xi'an|Xian
            长沙|Changsha|長沙
            郑州|Zhengzhou|鄭州
            青岛|Qingdao|青島
            厦门|Xiamen|廈門
            大连|Dalian|大連
            沈阳|Shenyang|瀋陽
            哈尔滨|Harbin|哈爾濱
            昆明|Kunming
            拉萨|Lhasa|拉薩
            乌鲁木齐|Urumqi|烏魯木齊
            台北|Taipei|臺北
            中国|China|中國|PRC
            美国|United States|美國|USA|U.S.A.|America
            加拿大|Canada
            英国|United Kingdom|英國|UK|Britain|Great Britain|England
            法国|France|法國
            德国|Germany|德國
            意大利|Italy
            西班牙|Spain
            荷兰|Netherlands|荷蘭|Holland
            瑞士|Switzerland
            瑞典|Sweden
            俄罗斯|Russia|俄羅斯
            日本|Japan
            韩国|South Korea|韓國|Korea
            新加坡|Singapore
            马来西亚|Malaysia|馬來西亞
            泰国|Thailand|泰國
            越南|Vietnam|Viet Nam
            菲律宾|Philippines|菲律賓
            印度尼西亚|Indonesia|印尼
            印度|India
            澳大利亚|Australia|澳洲|澳大利亞
            新西兰|New Zealand|紐西蘭|新西蘭
            巴西|Brazil
            墨西哥|Mexico
            阿联酋|United Arab Emirates|UAE|阿聯酋|Dubai|迪拜
            沙特阿拉伯|Saudi Arabia|沙特
            南非|South Africa
            爱尔兰|Ireland|愛爾蘭
            比利时|Belgium|比利時
            波兰|Poland|波蘭
            葡萄牙|Portugal
            挪威|Norway
            丹麦|Denmark|丹麥
            芬兰|Finland|芬蘭
            奥地利|Austria|奧地利
            """;

    private static final Map<String, String> CANONICAL = new HashMap<>();
    static final Pattern PATTERN;

    static {
        List<String> aliases = new ArrayList<>();
        for (String line : TABLE.strip().split("\n")) {
            String[] names = line.split("\\|");
            for (String alias : names) {
                String zhOrEn = alias.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN) ? names[0] : names[1];
                CANONICAL.put(alias.toLowerCase(Locale.ROOT), zhOrEn);
                aliases.add(alias);
            }
        }
        // longest first, so 印度尼西亚 is not read as 印度; Latin names only as whole words, and
        // abbreviations (UK, HK) only in capitals, so the word "us" is never a country
        PATTERN = Pattern.compile(aliases.stream().sorted(Comparator.comparingInt(String::length).reversed())
                .map(a -> a.chars().allMatch(c -> c < 0x3000)
                        ? "(?<![A-Za-z])" + (a.equals(a.toUpperCase(Locale.ROOT)) ? "(?:" : "(?i:") + Pattern.quote(a) + ")(?![A-Za-z])"
                        : Pattern.quote(a))
                .collect(Collectors.joining("|")));
    }

    private Places() {
    }

    static String canonical(String matched) {
        return CANONICAL.getOrDefault(matched.toLowerCase(Locale.ROOT), matched);
    }
}
