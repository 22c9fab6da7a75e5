package io.parley.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The knowledge base over its API and in offline answers (no model configured): an import of the demo
 * shop's folder of Markdown articles plus CSV and JSON-lines pairs with a report, versions, the gates,
 * the index following changes, and customers answered from an article with its source.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class KnowledgeApiTest {

    private static final Path DEMO = Path.of("docs/knowledge/demo-shop");

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    KnowledgeIndex index;

    @Inject
    AgroalDataSource db;

    /** Every article deleted again: the other tests of this application see no knowledge base. */
    @AfterEach
    void removeArticles() throws Exception {
        removeAll(db);
        eventually(() -> assertThat(index.articles()).isZero());
    }

    /** Deletes every article as the API does (history kept), in one statement, and tells every index. */
    static void removeAll(AgroalDataSource db) throws Exception {
        new Sql(db::getConnection).execute("update kb_article set deleted_at = now(), published = false where deleted_at is null; "
                + "select pg_notify('parley_knowledge', '*')");
    }

    @Test
    void anImportOfAThousandShowsItsProgressAndIndexesEveryArticle() throws Exception {
        StringBuilder csv = new StringBuilder("id,question,answer\n");
        for (int i = 1; i <= 1000; i++) {
            csv.append("p").append(i).append(",How do I look after product ").append(i).append("?,\"Product ").append(i)
                    .append(" is cleaned with a dry cloth, never with water.\"\n");
        }
        AgentSession admin = AgentSession.admin();
        long started = System.nanoTime();
        JsonPath accepted = admin.given().multiPart("file", "care.csv", csv.toString().getBytes(StandardCharsets.UTF_8), "text/csv")
                .post("/api/knowledge/imports").then().statusCode(202).extract().jsonPath();
        assertThat(accepted.getInt("total")).isEqualTo(1000); // known at once: the console shows processed of total from the start
        JsonPath done = awaitImport(admin, accepted.getString("id"));
        System.out.printf("[knowledge] import of 1000 pairs: %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(done.getInt("processed")).isEqualTo(1000);
        assertThat(done.getInt("added") + done.getInt("changed")).isEqualTo(1000);
        eventually(() -> assertThat(index.articles()).isEqualTo(1000));
        assertThat(admin.given().get("/api/knowledge/search?q=how do I clean product 734").then().statusCode(200).extract()
                .jsonPath().getString("[0].title")).isEqualTo("How do I look after product 734?");
    }

    /** The index follows a commit through the change feed, a moment later: the assertion holds within 10 s. */
    static void eventually(Runnable assertion) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Test
    void importAFolderCsvAndJsonLinesWithAReportThenAnswerOfflineFromTheArticles() throws Exception {
        AgentSession agent = AgentSession.agent("kb-agent", "KB Agent");
        String csv = "question,answer,tags,url\r\n"
                + "Do you sell gift cards?,\"Yes: gift cards from 50 to 1000 yuan, sold on the Gift cards page.\",gift card,https://shop.example.com/help/gift-cards\r\n"
                + ",an answer without a question,,\r\n"
                + "Bad link?,Some answer,,ftp://example.com/x\r\n";
        String jsonl = "{\"question\": \"你们有实体店吗？\", \"answer\": \"我们目前只在网上销售，没有实体店。\", \"language\": \"zh-CN\"}\n"
                + "not json\n"
                + "{\"question\": \"Is there a shop?\", \"answer\": \"Online only.\", \"language\": \"klingon\"}\n";
        JsonPath started = agent.given().multiPart("file", "demo-shop.zip", zip(DEMO), "application/zip")
                .multiPart("file", "faq.csv", csv.getBytes(StandardCharsets.UTF_8), "text/csv")
                .multiPart("file", "faq.jsonl", jsonl.getBytes(StandardCharsets.UTF_8), "application/x-ndjson")
                .post("/api/knowledge/imports").then().statusCode(202).extract().jsonPath();
        JsonPath report = awaitImport(agent, started.getString("id"));
        System.out.println("[knowledge] import report: " + report.prettify().replaceAll("\\s+", " "));
        assertThat(report.getInt("total")).isEqualTo(26);
        assertThat(report.getInt("added") + report.getInt("changed")).isEqualTo(26);
        assertThat(report.getInt("rejectedCount")).isEqualTo(4);
        assertThat(report.getList("rejected.reason", String.class)).containsExactlyInAnyOrder("no question",
                "The URL must be an absolute http(s) address, not \"ftp://example.com/x\".", "not a JSON object",
                "language \"klingon\" is not zh-CN, en or both");
        assertThat(report.getList("rejected.origin", String.class)).contains("faq.csv row 3", "faq.jsonl line 2");

        // the same files again: recognised, nothing changes
        JsonPath again = awaitImport(agent, agent.given().multiPart("file", "demo-shop.zip", zip(DEMO), "application/zip")
                .post("/api/knowledge/imports").then().statusCode(202).extract().path("id"));
        assertThat(again.getInt("unchanged")).isEqualTo(24);
        assertThat(again.getInt("added") + again.getInt("changed")).isZero();
        eventually(() -> assertThat(index.articles()).isEqualTo(26));

        // a customer without a model gets the refunds article's own words and its link
        JsonNode end = ask("en", "How many days does a refund to my credit card take?");
        assertThat(end.path("source").asText()).isEqualTo("kb");
        assertThat(end.path("text").asText()).contains("3 to 7 working days").contains("https://shop.example.com/help/refunds")
                .doesNotContain("{").doesNotContain("**");
        assertThat(end.path("sources")).hasSize(1);
        assertThat(end.path("sources").get(0).path("title").asText()).isEqualTo("Refunds: when the money comes back");
        assertThat(end.path("sources").get(0).path("url").asText()).isEqualTo("https://shop.example.com/help/refunds");
        JsonNode zh = ask("zh-CN", "退款到信用卡要多久？");
        assertThat(zh.path("source").asText()).isEqualTo("kb");
        assertThat(zh.path("text").asText()).contains("3 到 7 个工作日");
        assertThat(zh.path("sources").get(0).path("url").asText()).isEqualTo("https://shop.example.com/zh/help/refunds");

        // a question no article answers goes the usual way, citing nothing
        JsonNode joke = ask("en", "Tell me a joke about penguins");
        assertThat(joke.path("source").asText()).isEqualTo("offline");
        assertThat(joke.path("sources")).isEmpty();

        // the agents' transcript shows the passage the answer used
        String conversation = new Sql(db::getConnection).row("select conversation_id::text as c from message where text like ? limit 1",
                "%3 to 7 working days%").get("c").toString();
        JsonPath transcript = agent.given().get("/api/conversations/" + conversation).then().statusCode(200).extract().jsonPath();
        assertThat(transcript.getList("messages.find { it.role == 'assistant' }.passages.text", String.class).get(0))
                .contains("Credit and debit cards: 3 to 7 working days");
    }

    @Test
    void articlesAreVersionedAuditedAndTheIndexFollowsEveryChange() throws Exception {
        AgentSession admin = AgentSession.admin();
        JsonPath created = admin.given().contentType(ContentType.JSON).body(Map.of("title", "Pets in the shop",
                        "body", "# Pets\n\nWell-behaved dogs are welcome in our showroom.", "tags", List.of("pets"), "published", false))
                .post("/api/knowledge/articles").then().statusCode(201).extract().jsonPath();
        long id = created.getLong("id");
        assertThat(created.getString("language")).isEqualTo("en"); // detected
        assertThat(hits("dogs showroom")).isEmpty(); // a draft is not searched

        admin.given().post("/api/knowledge/articles/" + id + "/publish").then().statusCode(200).body("published", equalTo(true));
        eventually(() -> assertThat(hits("dogs showroom")).containsExactly(id));

        admin.given().contentType(ContentType.JSON).body(Map.of("title", "Pets in the shop", "body", "Cats and dogs are welcome.",
                "version", 1)).put("/api/knowledge/articles/" + id).then().statusCode(409).body("detail", containsString("reload"));
        admin.given().contentType(ContentType.JSON).body(Map.of("title", "Pets in the shop", "body", "Only guide dogs may enter the showroom.",
                "version", 2)).put("/api/knowledge/articles/" + id).then().statusCode(200).body("version", equalTo(3));
        eventually(() -> assertThat(admin.given().get("/api/knowledge/search?q=guide dogs").then().statusCode(200).extract()
                .jsonPath().getString("[0].text")).contains("Only guide dogs"));

        List<Map<String, Object>> versions = admin.given().get("/api/knowledge/articles/" + id + "/versions").then().statusCode(200)
                .extract().path("");
        assertThat(versions).extracting(v -> v.get("change")).containsExactly("edited", "published", "created");
        assertThat(versions).extracting(v -> v.get("changedBy")).containsOnly("admin");
        assertThat(versions.get(2).get("body")).isEqualTo("# Pets\n\nWell-behaved dogs are welcome in our showroom.");

        admin.given().delete("/api/knowledge/articles/" + id).then().statusCode(204);
        eventually(() -> assertThat(hits("guide dogs")).isEmpty());
        // and every change is in the audit trail
        assertThat(new Sql(db::getConnection).rows("select actor, details->>'change' as change from audit_log "
                + "where action = 'knowledge_change' and target = ? order by id", "article:" + id))
                .extracting(r -> r.get("actor") + " " + r.get("change"))
                .containsExactly("admin created", "admin published", "admin edited", "admin deleted");
        admin.given().get("/api/knowledge/articles/" + id).then().statusCode(404);
    }

    @Test
    void theApiIsForSignedInAgentsFromTheConsoleAndRefusesBadInputClearly() {
        RestAssured.get("/api/knowledge/articles").then().statusCode(401);
        AgentSession admin = AgentSession.admin();
        admin.given().header("Origin", "https://evil.example").multiPart("file", "a.md", "# A\n\nbody".getBytes(StandardCharsets.UTF_8))
                .post("/api/knowledge/imports").then().statusCode(403);
        admin.given().contentType(ContentType.TEXT).body("title=x").post("/api/knowledge/articles").then().statusCode(415);
        admin.given().contentType(ContentType.JSON).body(Map.of("title", "", "body", "x")).post("/api/knowledge/articles")
                .then().statusCode(400).contentType("application/problem+json").body("detail", equalTo("An article needs a title."));
        admin.given().contentType(ContentType.JSON).body(Map.of("title", "x", "body", "y", "language", "fr"))
                .post("/api/knowledge/articles").then().statusCode(400).body("detail", containsString("zh-CN, en or both"));
        admin.given().multiPart("file", "broken.zip", "not a zip at all".getBytes(StandardCharsets.UTF_8), "application/zip")
                .post("/api/knowledge/imports").then().statusCode(202); // an empty zip: nothing found, nothing stored
        admin.given().multiPart("file", "notes.txt", "hello".getBytes(StandardCharsets.UTF_8))
                .post("/api/knowledge/imports").then().statusCode(202).body("rejected[0].reason", containsString("not a Markdown"));
        admin.given().get("/api/knowledge/imports/nope").then().statusCode(404);
        admin.given().get("/api/knowledge/articles/999999").then().statusCode(404);
    }

    private List<Long> hits(String q) {
        return AgentSession.admin().given().get("/api/knowledge/search?q=" + q).then().statusCode(200).extract().jsonPath()
                .getList("articleId", Long.class);
    }

    private JsonNode ask(String locale, String text) {
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", locale)).nextOfType("ready");
            return customer.send(Map.of("type", "message", "id", "q", "text", text)).nextOfType("answer.end");
        }
    }

    private static JsonPath awaitImport(AgentSession who, String id) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            JsonPath j = who.given().get("/api/knowledge/imports/" + id).then().statusCode(200).extract().jsonPath();
            if (!j.getString("state").equals("running")) {
                assertThat(j.getString("state")).isEqualTo("done");
                return j;
            }
            assertThat(System.nanoTime()).as("import finished in 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    static byte[] zip(Path folder) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes); var files = Files.list(folder)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry("demo-shop/" + f.getFileName()));
                zip.write(Files.readAllBytes(f));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
