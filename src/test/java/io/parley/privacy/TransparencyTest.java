package io.parley.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.FakeDeepSeekResource;
import io.parley.testing.ModelPathReset;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Traceability and transparency through the real API: "why did the bot say this", the AI label in the
 * answer's metadata, the public disclosure page, the bias report and the fine-tuning export.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
class TransparencyTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    ModelPathReset modelPath;

    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void reset() {
        modelPath.reset();
    }

    @Test
    void anAdminSeesWhichModelCallsProducedAnAnswer() {
        String conversation = conversation("en", "where is my order AB1234567? " + UUID.randomUUID());
        AgentSession admin = AgentSession.admin();
        JsonNode end = transcript(admin, conversation).path("messages").get(1);
        assertThat(end.path("aiGenerated").asBoolean()).isTrue();
        JsonNode trace = admin.given().get("/api/conversations/" + conversation + "/messages/2/trace").then().statusCode(200)
                .extract().as(JsonNode.class);
        JsonNode call = trace.path("calls").get(0);
        assertThat(call.path("provider").asText()).isEqualTo("deepseek");
        assertThat(call.path("model").asText()).isEqualTo("deepseek-v4-flash");
        assertThat(call.path("requestId").asText()).isEqualTo("chatcmpl-fake-42"); // the completion's own id
        assertThat(call.path("promptVersion").asText()).matches("[0-9a-f]{16}");
        assertThat(call.path("outcome").asText()).isEqualTo("ok");
        assertThat(trace.path("sources").has("passages")).isTrue();
        assertThat(trace.path("sources").has("actions")).isTrue();
        admin.given().get("/api/conversations/" + conversation + "/messages/1/trace").then().statusCode(404);
        AgentSession.agent("trace-agent", "Tracy").given().get("/api/conversations/" + conversation + "/messages/2/trace").then().statusCode(403);
    }

    @Test
    void theDisclosurePageIsPublicAndAdminsEditIt() {
        String page = RestAssured.get("/ai-disclosure").then().statusCode(200).contentType(ContentType.HTML).extract().asString();
        assertThat(page).contains("deepseek · deepseek-v4-flash").contains("Parley offline assistant").contains("AES-256-GCM");
        AgentSession admin = AgentSession.admin();
        admin.given().contentType(ContentType.JSON).body(Map.of("text", "Our models: <script>alert(1)</script>\n\nWe keep chats 90 days."))
                .put("/api/disclosure").then().statusCode(200);
        page = RestAssured.get("/ai-disclosure").then().statusCode(200).extract().asString();
        assertThat(page).contains("&lt;script&gt;").doesNotContain("<script>").contains("<p>We keep chats 90 days.</p>")
                .contains("deepseek · deepseek-v4-flash");
        AgentSession.agent("disclosure-agent", "Dee").given().contentType(ContentType.JSON).body(Map.of("text", "mine"))
                .put("/api/disclosure").then().statusCode(403);
        admin.given().contentType(ContentType.JSON).body(Map.of("text", " ")).put("/api/disclosure").then().statusCode(400);
    }

    @Test
    void theBiasReportHighlightsAGroupWhoseIntentsAgentsCorrect() throws Exception {
        AgentSession admin = AgentSession.admin();
        String marker = "bias-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 2; i++) {
            String en = conversation("en", "where is my order AB12345" + i + "7? " + marker);
            admin.given().contentType(ContentType.JSON).body(Map.of("intent", "order_status"))
                    .put("/api/conversations/" + en + "/messages/2/correction").then().statusCode(204);
            String zh = conversation("zh-CN", "我的订单 AB12345" + i + "7 到哪了 " + marker);
            admin.given().contentType(ContentType.JSON).body(Map.of("intent", "refund_request", "text", "好的，退款请拨打 13812345678"))
                    .put("/api/conversations/" + zh + "/messages/2/correction").then().statusCode(204);
        }
        conversation("en", "and one answer nobody corrected " + marker);
        admin.given().contentType(ContentType.JSON).body(Map.of("intent", "Not An Intent"))
                .put("/api/conversations/" + UUID.randomUUID() + "/messages/2/correction").then().statusCode(400);
        JsonNode report = admin.given().queryParam("by", "language").queryParam("minSample", 1).get("/api/reports/bias")
                .then().statusCode(200).extract().as(JsonNode.class);
        assertThat(report.path("overall").path("intentAgreement").asDouble()).isEqualTo(0.5);
        JsonNode zh = group(report, "zh");
        assertThat(zh.path("intentAgreement").asDouble()).isZero();
        assertThat(zh.path("highlighted").toString()).contains("intentAgreement");
        assertThat(group(report, "en").path("intentAgreement").asDouble()).isEqualTo(1.0);
        String csv = admin.given().queryParam("by", "language").queryParam("minSample", 1).queryParam("format", "csv")
                .get("/api/reports/bias").then().statusCode(200).header("Content-Disposition", org.hamcrest.Matchers.containsString("attachment"))
                .extract().asString();
        assertThat(csv.split("\r\n")[0]).isEqualTo("group,conversations,answers,intent_agreement,handoff_rate,csat,response_ms_p50,fallback_rate,highlighted");
        assertThat(csv).contains("\r\nzh,").containsPattern("\r\nzh,[^\r]*intentAgreement");
        admin.given().queryParam("by", "planet").get("/api/reports/bias").then().statusCode(400);
        AgentSession.agent("bias-agent", "Bea").given().get("/api/reports/bias").then().statusCode(403);

        // the corrected answers, resolved, become a fine-tuning dataset: masked, each line valid JSON of its shape
        for (JsonNode row : admin.given().queryParam("q", marker).get("/api/inbox").then().extract().as(JsonNode.class).path("items")) {
            admin.given().post("/api/conversations/" + row.path("id").asText() + "/resolve");
        }
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        List<JsonNode> lines = jsonl(admin.given().queryParam("format", "messages").queryParam("corrected", true).queryParam("from", today)
                .get("/api/reports/fine-tuning.jsonl").then().statusCode(200).extract().asString());
        assertThat(lines.get(0).path("hyperparameters").path("epochs").asInt()).isPositive();
        assertThat(lines.get(0).path("hyperparameters").has("learning_rate")).isTrue();
        assertThat(lines.get(0).path("hyperparameters").has("batch_size")).isTrue();
        JsonNode summary = lines.get(lines.size() - 1).path("summary");
        List<JsonNode> examples = lines.subList(1, lines.size() - 1);
        assertThat(summary.path("included").asInt()).isEqualTo(examples.size()).isGreaterThanOrEqualTo(2);
        assertThat(summary.path("excluded").path("not_corrected_or_written_by_agent").asInt()).isPositive();
        for (JsonNode e : examples) {
            JsonNode messages = e.path("messages");
            assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
            assertThat(messages.findValuesAsText("role")).contains("user");
            assertThat(messages.get(messages.size() - 1).path("role").asText()).isEqualTo("assistant");
        }
        String all = examples.toString();
        assertThat(all).contains("好的，退款请拨打 [PHONE_1]").doesNotContain("13812345678");
        List<JsonNode> pc = jsonl(admin.given().queryParam("format", "prompt-completion").queryParam("from", today)
                .get("/api/reports/fine-tuning.jsonl").then().statusCode(200).extract().asString());
        for (JsonNode e : pc.subList(1, pc.size() - 1)) {
            assertThat(e.path("prompt").asText()).contains("Customer: ").endsWith("Assistant:");
            assertThat(e.path("completion").asText()).startsWith(" ").hasSizeGreaterThan(1);
        }
        admin.given().queryParam("format", "csv").get("/api/reports/fine-tuning.jsonl").then().statusCode(400);
    }

    private List<JsonNode> jsonl(String body) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            out.add(json.readTree(line)); // each line parses on its own
        }
        return out;
    }

    private static JsonNode group(JsonNode report, String name) {
        for (JsonNode g : report.path("groups")) {
            if (g.path("group").asText().equals(name)) {
                return g;
            }
        }
        throw new AssertionError("no group " + name + " in " + report);
    }

    private String conversation(String locale, String text) {
        try (ChatClient customer = ChatClient.connect(chat)) {
            String id = customer.send(Map.of("type", "hello", "locale", locale)).nextOfType("ready").path("conversationId").asText();
            customer.send(Map.of("type", "message", "id", UUID.randomUUID().toString(), "text", text)).nextOfType("answer.end");
            return id;
        }
    }

    private static JsonNode transcript(AgentSession agent, String conversation) {
        return agent.given().get("/api/conversations/" + conversation).then().statusCode(200).extract().as(JsonNode.class);
    }
}
