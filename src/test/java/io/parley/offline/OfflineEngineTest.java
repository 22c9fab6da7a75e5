package io.parley.offline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.answer.EntityValue;
import io.parley.answer.StructuredAnswer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class OfflineEngineTest {

    private final OfflineEngine engine = new OfflineEngine(new OfflineConfig() {
        @Override
        public Optional<String> rulesFile() {
            return Optional.empty();
        }

        @Override
        public Duration streamDelay() {
            return Duration.ZERO;
        }
    }, new ObjectMapper());

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

    @Test
    void entitiesInEnglish() {
        StructuredAnswer a = engine.answer("Order AB1234567 cost $49.99 on 2026-11-02; call +44 20 7946 0958 or mail jo@example.com, tracking SF1234567890123", "en");
        assertThat(a.entities()).contains(
                new EntityValue("order_id", "AB1234567"),
                new EntityValue("amount", "$49.99"),
                new EntityValue("date", "2026-11-02"),
                new EntityValue("phone", "+44 20 7946 0958"),
                new EntityValue("email", "jo@example.com"),
                new EntityValue("tracking_number", "SF1234567890123"));
    }

    @Test
    void entitiesInChinese() {
        StructuredAnswer a = engine.answer("订单号 2023110512 昨天付了 199 元，手机 13812345678，11月3日到", "zh-CN");
        assertThat(a.entities()).contains(
                new EntityValue("order_id", "2023110512"),
                new EntityValue("amount", "199 元"),
                new EntityValue("phone", "13812345678"),
                new EntityValue("date", "昨天"),
                new EntityValue("date", "11月3日"));
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
