package io.parley.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** No API key configured: the offline engine answers, and the protocol's error handling holds. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class OfflineTurnTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Test
    void englishOrderQuestionIsAnsweredOfflineWithIntentAndEntities() {
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            List<JsonNode> frames = customer.send(Map.of("type", "message", "id", "en-1", "text", "where is my order AB1234567?"))
                    .untilType("answer.end");
            JsonNode start = frames.stream().filter(f -> f.path("type").asText().equals("answer.start")).findFirst().orElseThrow();
            assertThat(start.path("intent").asText()).isEqualTo("order_status");
            assertThat(start.path("entities").toString()).contains("order_id").contains("AB1234567");
            String streamed = frames.stream().filter(f -> f.path("type").asText().equals("answer.delta"))
                    .map(f -> f.path("text").asText()).collect(Collectors.joining());
            JsonNode end = frames.get(frames.size() - 1);
            assertThat(end.path("source").asText()).isEqualTo("offline");
            assertThat(end.path("text").asText()).isEqualTo(streamed).contains("AB1234567");
            assertThat(end.path("suggestions").size()).isPositive();
        }
    }

    @Test
    void chineseOrderQuestionIsAnsweredInChinese() {
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "zh-CN")).nextOfType("ready");
            JsonNode end = customer.send(Map.of("type", "message", "id", "zh-1", "text", "我的订单 AB1234567 到哪了"))
                    .nextOfType("answer.end");
            assertThat(end.path("intent").asText()).isEqualTo("order_status");
            assertThat(end.path("text").asText()).contains("订单 AB1234567");
            assertThat(end.path("source").asText()).isEqualTo("offline");
        }
    }

    @Test
    void badFramesGetStableErrorCodesAndTheConnectionAndDataSurvive() throws Exception {
        long before = messages();
        try (ChatClient customer = ChatClient.connect(chat)) {
            assertThat(customer.send(Map.of("type", "message", "id", "early", "text", "hi")).nextOfType("error").path("code").asText())
                    .isEqualTo("hello_required");
            assertThat(customer.send("this is not json").nextOfType("error").path("code").asText()).isEqualTo("bad_frame");
            assertThat(customer.send("[1,2]").nextOfType("error").path("code").asText()).isEqualTo("bad_frame");
            assertThat(customer.send("{\"text\":\"no type\"}").nextOfType("error").path("code").asText()).isEqualTo("bad_frame");
            JsonNode unknown = customer.send(Map.of("type", "dance")).nextOfType("error");
            assertThat(unknown.path("code").asText()).isEqualTo("bad_frame");
            assertThat(unknown.path("message").asText()).contains("dance");
            assertThat(customer.send("{\"type\":\"hello\",\"lastSeq\":\"x\"}").nextOfType("error").path("code").asText()).isEqualTo("bad_frame");

            customer.send(Map.of("type", "hello")).nextOfType("ready");
            assertThat(customer.send(Map.of("type", "message", "text", "no id")).nextOfType("error").path("code").asText()).isEqualTo("bad_frame");
            JsonNode blank = customer.send(Map.of("type", "message", "id", "blank", "text", "   ")).nextOfType("error");
            assertThat(blank.path("code").asText()).isEqualTo("bad_frame");
            assertThat(blank.path("turn").asText()).isEqualTo("blank");
            assertThat(customer.send(Map.of("type", "message", "id", "big", "text", "x".repeat(17 * 1024))).nextOfType("error").path("code").asText())
                    .isEqualTo("too_large");
            assertThat(customer.send(Map.of("type", "hello")).nextOfType("error").path("message").asText()).contains("already");
            assertThat(messages()).isEqualTo(before);

            // still open and still working
            assertThat(customer.isOpen()).isTrue();
            JsonNode end = customer.send(Map.of("type", "message", "id", "after", "text", "hello")).nextOfType("answer.end");
            assertThat(end.path("intent").asText()).isEqualTo("greeting");
            assertThat(messages()).isEqualTo(before + 2);
        }
    }

    @Test
    void twoTabsOnOneConversationBothSeeEveryFrameLive() {
        try (ChatClient tab1 = ChatClient.connect(chat); ChatClient tab2 = ChatClient.connect(chat)) {
            String token = tab1.send(Map.of("type", "hello")).nextOfType("ready").path("token").asText();
            // the conversation is stored at its first message: only then does its token open it in another tab
            long seen = tab1.send(Map.of("type", "message", "id", "first-of-tab-1", "text", "你好")).nextOfType("answer.end").path("seq").asLong();
            tab2.send(Map.of("type", "hello", "token", token, "lastSeq", seen)).nextOfType("ready");

            tab1.send(Map.of("type", "message", "id", "from-tab-1", "text", "我要退款"));
            JsonNode echoOnTab2 = tab2.nextOfType("message");
            assertThat(echoOnTab2.path("id").asText()).isEqualTo("from-tab-1");
            JsonNode endOnTab2 = tab2.nextOfType("answer.end");
            JsonNode endOnTab1 = tab1.nextOfType("answer.end");
            assertThat(endOnTab2.path("seq").asLong()).isEqualTo(endOnTab1.path("seq").asLong());
            assertThat(endOnTab2.path("intent").asText()).isEqualTo("refund_request");
        }
    }

    private long messages() throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from message")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
