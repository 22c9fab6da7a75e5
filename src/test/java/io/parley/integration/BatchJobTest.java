package io.parley.integration;

import io.parley.testing.FakeDeepSeek;
import io.parley.testing.FakeDeepSeekResource;
import io.parley.testing.ModelPathReset;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Batch jobs end to end over HTTP: estimate, submit, progress, results while running, cancel, a 10,000-item file. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
class BatchJobTest {

    private static final String API = "/integration/v1/batches";

    @Inject
    ModelPathReset modelPath;

    @Inject
    io.agroal.api.AgroalDataSource db;

    @Inject
    io.parley.integration.batch.BatchRetention retention;

    final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();

    @BeforeEach
    @AfterEach
    void reset() {
        modelPath.reset();
    }

    private static RequestSpecification as(String key) {
        return RestAssured.given().config(RestAssured.config().encoderConfig(io.restassured.config.EncoderConfig.encoderConfig()
                        .encodeContentTypeAs("application/x-ndjson", io.restassured.http.ContentType.TEXT)))
                .header("Authorization", "Bearer " + key).contentType("application/x-ndjson");
    }

    private static JsonPath progress(String key, String id) {
        return as(key).get(API + "/" + id).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void tenThousandMessagesAreClassifiedWithProgressAndEachResultOnce() throws Exception {
        String key = IntegrationKeysFixture.key("nightly", 1000, "batch");
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            String text = switch (i % 3) {
                case 0 -> "where is my order AB" + (1_000_000 + i) + "?";
                case 1 -> "我的订单 AB" + (1_000_000 + i) + " 到哪了";
                default -> "I want a refund for order AB" + (1_000_000 + i);
            };
            file.append("{\"id\":\"t-").append(i).append("\",\"text\":\"").append(text).append("\"}\n");
        }
        as(key).queryParam("mode", "classify").body(file.toString()).post(API + "/estimate").then().statusCode(200)
                .body("items", equalTo(10_000)).body("cost", equalTo(0)).body("basis", containsString("offline"));
        String id = as(key).queryParam("mode", "classify").body(file.toString()).post(API).then().statusCode(201)
                .body("total", equalTo(10_000)).extract().path("id");
        List<Integer> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
            JsonPath p = progress(key, id);
            seen.add(p.getInt("done"));
            return p.getString("status").equals("done");
        });
        assertThat(seen).isSorted(); // progress only moves forward
        JsonPath last = progress(key, id);
        assertThat(last.getInt("done")).isEqualTo(10_000);
        assertThat(last.getInt("failed")).isZero();
        String results = as(key).get(API + "/" + id + "/results").then().statusCode(200).extract().asString();
        String[] lines = results.split("\n");
        assertThat(lines).hasSize(10_000);
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            ids.add(json.readTree(line).path("id").asText());
        }
        assertThat(ids).hasSize(10_000);
        assertThat(json.readTree(lines[0]).path("intent").asText()).isEqualTo("order_status");
        assertThat(json.readTree(lines[0]).path("entities").toString()).contains("AB1000000");
        assertThat(json.readTree(lines[1]).path("intent").asText()).isEqualTo("order_status");
    }

    @Test
    void answersRunTheChatTurnAndTheirCostIsCounted() throws Exception {
        String key = IntegrationKeysFixture.key("answers", 1000, "batch");
        String file = "{\"id\":\"a1\",\"text\":\"where is my order AB1234567?\"}\n{\"id\":\"a2\",\"text\":\"where is my order AB7654321?\",\"locale\":\"en\"}\n";
        as(key).queryParam("mode", "answer").body(file).post(API + "/estimate").then().statusCode(200)
                .body("items", equalTo(2)).body("basis", containsString("deepseek-v4-flash"));
        String id = as(key).queryParam("mode", "answer").body(file).post(API).then().statusCode(201)
                .body("estimate.items", equalTo(2)).extract().path("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> progress(key, id).getString("status").equals("done"));
        JsonPath done = progress(key, id);
        assertThat(done.getInt("done")).isEqualTo(2);
        assertThat(done.getDouble("cost")).isPositive();
        String[] lines = as(key).get(API + "/" + id + "/results").then().statusCode(200).extract().asString().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(JsonPath.from(lines[0]).getString("answer.text")).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
        assertThat(JsonPath.from(lines[0]).getString("answer.intent")).isEqualTo("order_status");
        // one model request per item: its conversation's llm_call rows
        for (String line : lines) {
            assertThat(new io.parley.testing.Sql(db::getConnection).count("select count(*) from llm_call where conversation_id = ?::uuid",
                    json.readTree(line).path("conversationId").asText())).isEqualTo(1);
        }
    }

    @Test
    void aCancelledJobStartsNoFurtherItem() throws Exception {
        String key = IntegrationKeysFixture.key("cancel", 1000, "batch", "read");
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            file.append("{\"id\":\"c-").append(i).append("\",\"text\":\"where is my order AB").append(2_000_000 + i).append("?\"}\n");
        }
        String id = as(key).queryParam("mode", "answer").body(file.toString()).post(API).then().statusCode(201).extract().path("id");
        as(key).post(API + "/" + id + "/cancel").then().statusCode(200).body("status", equalTo("cancelled"));
        // at most the items an instance had claimed (batch-concurrency, 4) finish; nothing new starts
        await().atMost(Duration.ofSeconds(30)).until(() -> progress(key, id).getInt("done") + progress(key, id).getInt("failed")
                == new io.parley.testing.Sql(db::getConnection).count("select count(*) from batch_item where job_id = ?::uuid and state <> 'pending'", id));
        Thread.sleep(2500); // two polls of the runner
        JsonPath after = progress(key, id);
        assertThat(after.getString("status")).isEqualTo("cancelled");
        assertThat(after.getInt("done") + after.getInt("failed")).isLessThanOrEqualTo(4);
        assertThat(new io.parley.testing.Sql(db::getConnection).count("select count(*) from batch_item where job_id = ?::uuid and state = 'pending'", id))
                .isGreaterThanOrEqualTo(20);
        String results = as(key).get(API + "/" + id + "/results").then().statusCode(200).extract().asString();
        assertThat(results.isEmpty() ? 0 : results.split("\n").length).isEqualTo(after.getInt("done") + after.getInt("failed"));
    }

    @Test
    void anEndedBatchIsDeletedAfterItsRetentionAndARunningOneIsKept() throws Exception {
        String key = IntegrationKeysFixture.key("retention", 1000, "batch", "read");
        String ended = as(key).queryParam("mode", "classify").body("{\"id\":\"r1\",\"text\":\"where is my order AB3000001?\"}\n").post(API)
                .then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> progress(key, ended).getString("status").equals("done"));
        FakeDeepSeek.get().replyWith(() -> FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER).paced(200)); // seconds an answer: still running below
        String running = as(key).queryParam("mode", "answer").body("{\"id\":\"r2\",\"text\":\"hello\"}\n{\"id\":\"r3\",\"text\":\"hi\"}\n").post(API)
                .then().statusCode(201).extract().path("id");
        // a cutoff one minute ahead: the ended batch is older than that, the running one never counts
        retention.prune(java.time.Instant.now().plusSeconds(60));
        as(key).get(API + "/" + ended).then().statusCode(404);
        assertThat(new io.parley.testing.Sql(db::getConnection).count("select count(*) from batch_item where job_id = ?::uuid", ended)).isZero();
        assertThat(progress(key, running).getString("status")).isEqualTo("running");
    }

    @Test
    void aBadFileIsRefusedWholeAndKeysNeedTheBatchScope() {
        String key = IntegrationKeysFixture.key("bad files", 1000, "batch");
        as(key).queryParam("mode", "classify").body("{\"id\":\"1\",\"text\":\"hi\"}\n{broken\n").post(API)
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("Line 2"));
        as(key).queryParam("mode", "classify").body("{\"id\":\"1\",\"text\":\"hi\"}\n{\"id\":\"1\",\"text\":\"again\"}\n").post(API)
                .then().statusCode(400).body("detail", containsString("twice"));
        as(key).queryParam("mode", "translate").body("{\"id\":\"1\",\"text\":\"hi\"}").post(API).then().statusCode(400);
        as(key).get(API + "/" + java.util.UUID.randomUUID()).then().statusCode(404);
        String chatOnly = IntegrationKeysFixture.key("chat only", 1000, "chat");
        as(chatOnly).queryParam("mode", "classify").body("{\"id\":\"1\",\"text\":\"hi\"}").post(API).then().statusCode(403);
    }
}
