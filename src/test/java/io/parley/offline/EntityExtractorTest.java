package io.parley.offline;

import io.parley.answer.EntityValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every entity type in both languages, with the normalised value a customer's message yields (today: Monday 2026-11-30). */
class EntityExtractorTest {

    private final EntityExtractor extractor = new EntityExtractor(OfflineEngineTest.TODAY);

    @ParameterizedTest(name = "{0} → {1}={2}")
    @CsvSource(delimiter = '|', value = {
            // order and tracking numbers
            "where is order ab1234567|order_id|AB1234567",
            "订单号：2023110512 还没到|order_id|2023110512",
            "訂單號 88812345 出貨了嗎|order_id|88812345",
            "tracking number is 7730 9912? no: tracking no. YT1234567890123|tracking_number|YT1234567890123",
            "快递单号 SF1234567890123 查不到|tracking_number|SF1234567890123",
            "运单号是 JT0012345678901|tracking_number|JT0012345678901",
            // phone numbers, mainland and international
            "call me on 138 1234 5678|phone|+8613812345678",
            "我的手机是 +86 139-1234-5678|phone|+8613912345678",
            "手机 15012345678 收不到验证码|phone|+8615012345678",
            "my number is +1 415 555 0123|phone|+14155550123",
            "reach me at +44 20 7946 0958|phone|+442079460958",
            // e-mails
            "send it to Ada.Lovelace@example.co.uk please|email|Ada.Lovelace@example.co.uk",
            "邮箱 zhang.san@qq.com 收不到邮件|email|zhang.san@qq.com",
            // amounts with currency
            "I was charged $49.99 twice|amount|49.99 USD",
            "charged USD 1,250 for nothing|amount|1250 USD",
            "refund 30 dollars please|amount|30 USD",
            "it cost €15.50|amount|15.5 EUR",
            "扣了我 ¥299|amount|299 CNY",
            "多收了 20 元|amount|20 CNY",
            "退我 RMB 88|amount|88 CNY",
            "才 35 块钱|amount|35 CNY",
            // dates and relative dates
            "ordered on 2026-11-02|date|2026-11-02",
            "2026年12月1日付的款|date|2026-12-01",
            "11月3日下的单|date|2026-11-03",
            "can it arrive by Dec 24th?|date|2026-12-24",
            "明天能到吗|date|2026-12-01",
            "昨天付的款|date|2026-11-29",
            "后天送到可以吗|date|2026-12-02",
            "下周一能发货吗|date|2026-12-07",
            "上周五下的单|date|2026-11-27",
            "周三之前能到吗|date|2026-12-02",
            "will it come tomorrow?|date|2026-12-01",
            "I paid yesterday|date|2026-11-29",
            "deliver next monday please|date|2026-12-07",
            "ordered last friday|date|2026-11-27",
            "下周能到吗|date|2026-W50",
            "it shipped last week|date|2026-W48",
            // places, for shipping questions
            "能寄到西藏吗|location|西藏",
            "几天能到北京|location|北京",
            "寄到臺灣要多久|location|台湾",
            "能发印度尼西亚吗|location|印度尼西亚",
            "do you ship to tibet?|location|Tibet",
            "shipping to the UK|location|United Kingdom",
            "how long to Hong Kong|location|Hong Kong",
            "delivery to Canada?|location|Canada"})
    void findsAndNormalises(String text, String type, String value) {
        assertThat(extractor.extract(text)).contains(new EntityValue(type, value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "can you help us with this",   // "us" is a word, not a country
            "2026-02-30 is not a day",     // no date that does not exist
            "mail jo@example.com"})        // an e-mail is not also an order id or a place
    void findsNothingThatIsNotThere(String text) {
        assertThat(extractor.extract(text)).noneMatch(e -> e.type().equals("location") || e.type().equals("date") || e.type().equals("order_id"));
    }
}
