package io.parley.offline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.answer.EntityValue;
import io.parley.answer.StructuredAnswer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class OfflineEngineTest {

    /** Today, for relative dates, in the entity tests: Monday 30 November 2026. */
    static final Clock TODAY = Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC);

    private final OfflineEngine engine = new OfflineEngine(config(Optional.empty()), new ObjectMapper(), TODAY);

    static OfflineConfig config(Optional<String> rulesFile) {
        return new OfflineConfig() {
            @Override
            public Optional<String> rulesFile() {
                return rulesFile;
            }

            @Override
            public Duration streamDelay() {
                return Duration.ZERO;
            }

            @Override
            public double minConfidence() {
                return Double.parseDouble(DEFAULT_MIN_CONFIDENCE);
            }
        };
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "where is my order AB1234567?|order_status",
            "我的订单 AB1234567 到哪了|order_status",
            "I want a refund for order 20231105|refund_request",
            "我要退款|refund_request",
            "hello there|greeting",
            "你好|greeting",
            "I was charged $49.99 twice|billing",
            "can I talk to a human please|human_agent",
            "转人工|human_agent",
            "I forgot my password|account",
            "is the blue one in stock?|product_question",
            "this is unacceptable, the item arrived broken|complaint",
            "when will the parcel be delivered?|shipping",
            "thanks, bye|goodbye",
            "qwertyuiop|other"})
    void intents(String text, String intent) {
        assertThat(engine.answer(text, null).intent()).isEqualTo(intent);
    }

    /** Phrasings from issue 15 that the keyword rules got wrong: each now gets its intent's answer. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "先这样吧，回头聊|goodbye|不客气",
            "能寄到西藏吗|shipping|配送",
            "邮费怎么算|shipping|运费",
            "几天能到北京|shipping|配送",
            "地址填错了能改吗|shipping|配送",
            "这台平板能插SIM卡吗|product_question|商品",
            "is the backpack machine washable|product_question|product page",
            "钱什么时候退回来|refund_request|退款",
            "收到的杯子碎了可以退吗|refund_request|退款",
            "付了款订单却没显示|billing|扣款",
            "put me through to support|human_agent|support team"})
    void phrasingsTheKeywordRulesMissed(String text, String intent, String answerMentions) {
        StructuredAnswer a = engine.answer(text, null);
        assertThat(a.intent()).isEqualTo(intent);
        assertThat(a.answer()).contains(answerMentions).doesNotContain("没有完全理解").doesNotContain("not sure I understood");
    }

    @Test
    void unsureMeansLowConfidenceAndTheSafeAnswer() {
        StructuredAnswer a = engine.answer("heya", null);
        assertThat(a.confidence()).isLessThan(0.5);
        StructuredAnswer sure = engine.answer("I forgot my password", null);
        assertThat(sure.confidence()).isGreaterThan(0.5);
        // an order number alone says what the message is about even when the words do not
        assertThat(engine.answer("AB1234567?", null).intent()).isEqualTo("order_status");
        assertThat(engine.answer("转人工", null).confidence()).isEqualTo(IntentDetector.EXACT_CONFIDENCE);
    }

    @Test
    void aBusinessIntentWorksAfterTenExamples(@TempDir Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode rules = (ObjectNode) json.readTree(OfflineEngine.class.getResourceAsStream("/offline/rules.json"));
        ObjectNode hours = json.createObjectNode();
        hours.put("name", "store_hours");
        hours.set("examples", json.valueToTree(List.of("what are your opening hours", "what time do you open", "until when are you open",
                "are you open on sundays", "when does the store close", "opening times please", "营业时间是几点", "周末营业吗", "你们几点关门", "门店几点开门")));
        hours.set("templates", json.valueToTree(List.of(Map.of("text", Map.of("en", "Our stores open 9:00-21:00 every day.", "zh", "门店每天 9:00-21:00 营业。")))));
        ((ArrayNode) rules.get("intents")).add(hours);
        Path file = dir.resolve("rules.json");
        json.writeValue(file.toFile(), rules);

        OfflineEngine custom = new OfflineEngine(config(Optional.of(file.toString())), json, TODAY);
        StructuredAnswer en = custom.answer("until what time are you open today?", null);
        assertThat(en.intent()).isEqualTo("store_hours");
        assertThat(en.answer()).isEqualTo("Our stores open 9:00-21:00 every day.");
        assertThat(custom.answer("what time do you close", null).intent()).isEqualTo("store_hours");
        assertThat(custom.answer("请问几点营业", null).answer()).isEqualTo("门店每天 9:00-21:00 营业。");
        assertThat(custom.answer("你们几点下班", null).intent()).isEqualTo("store_hours");
        // the shipped intents still work beside it
        assertThat(custom.answer("where is my order AB1234567?", null).intent()).isEqualTo("order_status");
        assertThat(engine.answer("until what time are you open today?", null).intent()).isNotEqualTo("store_hours");
    }

    @Test
    void entitiesInEnglish() {
        StructuredAnswer a = engine.answer("Order AB1234567 cost $49.99 on 2026-11-02; call +44 20 7946 0958 or mail jo@example.com, tracking SF1234567890123", "en");
        assertThat(a.entities()).contains(
                new EntityValue("order_id", "AB1234567"),
                new EntityValue("amount", "49.99 USD"),
                new EntityValue("date", "2026-11-02"),
                new EntityValue("phone", "+442079460958"),
                new EntityValue("email", "jo@example.com"),
                new EntityValue("tracking_number", "SF1234567890123"));
    }

    @Test
    void entitiesInChinese() {
        StructuredAnswer a = engine.answer("订单号 2023110512 昨天付了 199 元，手机 13812345678，11月3日到", "zh-CN");
        assertThat(a.entities()).contains(
                new EntityValue("order_id", "2023110512"),
                new EntityValue("amount", "199 CNY"),
                new EntityValue("phone", "+8613812345678"),
                new EntityValue("date", "2026-11-29"),
                new EntityValue("date", "2026-11-03"));
    }

    @Test
    void answersUseTheEntitiesAndTheCustomersLanguage() {
        assertThat(engine.answer("where is my order AB1234567?", null).answer()).contains("AB1234567").doesNotContain("I found");
        StructuredAnswer zh = engine.answer("我的订单 AB1234567 到哪了", null);
        assertThat(zh.answer()).contains("AB1234567").contains("订单");
        assertThat(zh.suggestions()).isNotEmpty();
        assertThat(engine.answer("where is my order?", null).answer()).contains("order number");
        // honest: nothing was looked up, recorded or sent, and no answer says otherwise
        for (String claim : List.of("I found", "I have noted", "I have flagged", "I have sent", "I have recorded", "已查到", "已为订单", "已记录", "已提交")) {
            for (String question : List.of("where is my order AB1234567?", "refund for order AB1234567", "I was charged 99 USD twice",
                    "reset password for ada@example.com", "complaint about order AB1234567", "我的订单 AB1234567 到哪了", "订单 AB1234567 要退款")) {
                assertThat(engine.answer(question, null).answer()).doesNotContain(claim);
            }
        }
        assertThat(engine.answer("talk to a human", null).handoff()).isTrue();
    }

    @Test
    void answersAreStreamedInWordsAndChinesePairs() {
        assertThat(OfflineEngine.pieces("Hello there, friend")).containsExactly("Hello ", "there, ", "friend");
        assertThat(OfflineEngine.pieces("您好世界")).containsExactly("您好", "世界");
        assertThat(String.join("", OfflineEngine.pieces("Mixed 中文 text。"))).isEqualTo("Mixed 中文 text。");
        List<String> pieces = OfflineEngine.pieces(engine.answer("where is my order AB1234567?", null).answer());
        assertThat(pieces).hasSizeGreaterThan(10);
    }
}
