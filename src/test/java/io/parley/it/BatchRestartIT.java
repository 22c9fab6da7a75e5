package io.parley.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.Sql;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch job whose Parley is killed with SIGKILL in the middle: a new process resumes it where it
 * stopped, and every item is done and counted once (checked row by row in SQL).
 */
class BatchRestartIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int ITEMS = 12;
    private final ItDatabase db = new ItDatabase("batch");
    private final FakeDeepSeek fake = FakeDeepSeek.get();
    private final ObjectMapper json = new ObjectMapper();
    private ParleyProcess first;
    private ParleyProcess second;

    @AfterEach
    void stop() throws Exception {
        ParleyProcess.killAll(first, second);
        fake.reset();
        db.close();
    }

    @Test
    void aKilledInstanceLeavesItsBatchToTheNextOneWithNoItemDoneTwice() throws Exception {
        db.start();
        fake.reset();
        fake.replyWith(() -> FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER).paced(10)); // about half a second an answer: a few in flight at the kill
        Map<String, String> env = db.instanceEnv("batch", fake.port(), Map.of(
                "PARLEY_INTEGRATION_BATCH_LEASE", "3s",
                "PARLEY_INTEGRATION_BATCH_POLL", "500ms",
                "PARLEY_INTEGRATION_BATCH_CONCURRENCY", "2",
                // the turns the kill left streaming are swept as interrupted soon after their owner is gone
                "PARLEY_CONVERSATION_OWNER_GRACE", "1s",
                "PARLEY_INTEGRATION_TURN_IDLE_TIMEOUT", "8s"));
        first = new ParleyProcess("batch-first", env).start();
        String key = createKey(first, signIn(first, "admin", "batch-admin-password"));

        StringBuilder file = new StringBuilder();
        for (int i = 0; i < ITEMS; i++) {
            file.append("{\"id\":\"r-").append(i).append("\",\"text\":\"where is my order AB").append(3_000_000 + i).append("?\"}\n");
        }
        JsonNode job = call(first, "POST", "/integration/v1/batches?mode=answer", key, file.toString(), 201);
        String id = job.path("id").asText();
        awaitDone(first, key, id, 4, Duration.ofSeconds(60));
        first.kill9();

        second = new ParleyProcess("batch-second", env).start();
        JsonNode done = awaitDone(second, key, id, ITEMS, Duration.ofSeconds(120));
        assertThat(done.path("status").asText()).isEqualTo("done");
        assertThat(done.path("done").asInt() + done.path("failed").asInt()).isEqualTo(ITEMS);

        Sql sql = db.sql();
        assertThat(sql.count("select count(*) from batch_item where job_id = ?::uuid and state = 'done'", id)).isEqualTo(ITEMS);
        // one customer message per item: a resumed item found its conversation and its message, never a second one
        assertThat(sql.count("select count(*) from message m join batch_item i on i.conversation_id = m.conversation_id "
                + "where i.job_id = ?::uuid and m.role = 'customer'", id)).isEqualTo(ITEMS);
        // one answer per item; the two in flight at the kill may have lost their request's row (the process died
        // mid-stream) and are answered once more or stored as interrupted, never twice over
        assertThat(sql.count("select count(*) from (select m.conversation_id from message m join batch_item i on i.conversation_id = "
                + "m.conversation_id where i.job_id = ?::uuid and m.role = 'assistant' and m.state = 'complete' group by 1 having count(*) > 1) twice",
                id)).isZero();
        long calls = sql.count("select count(*) from llm_call l join batch_item i on i.conversation_id = l.conversation_id where i.job_id = ?::uuid", id);
        assertThat(calls).isBetween((long) ITEMS - 2, (long) ITEMS + 2);
        String results = HTTP.send(request(second, "GET", "/integration/v1/batches/" + id + "/results", key, null).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Set<String> ids = new HashSet<>();
        for (String line : results.split("\n")) {
            assertThat(ids.add(json.readTree(line).path("id").asText())).as("each item once: " + line).isTrue();
        }
        assertThat(ids).hasSize(ITEMS);
    }

    private JsonNode awaitDone(ParleyProcess p, String key, String id, int atLeast, Duration within) throws Exception {
        long until = System.nanoTime() + within.toNanos();
        JsonNode progress = null;
        while (System.nanoTime() < until) {
            progress = call(p, "GET", "/integration/v1/batches/" + id, key, null, 200);
            if (progress.path("done").asInt() + progress.path("failed").asInt() >= atLeast) {
                return progress;
            }
            ParleyProcess.sleep(200);
        }
        throw new AssertionError("batch not at " + atLeast + " items in " + within + ": " + progress);
    }

    private String createKey(ParleyProcess p, String cookie) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base(p).resolve("/api/integration-keys")).header("Cookie", cookie)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"nightly\",\"scopes\":[\"batch\"]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json.readTree(r.body()).path("secret").asText();
    }

    private JsonNode call(ParleyProcess p, String method, String path, String key, String body, int expected) throws Exception {
        HttpResponse<String> r = HTTP.send(request(p, method, path, key, body).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expected);
        return json.readTree(r.body());
    }

    private static HttpRequest.Builder request(ParleyProcess p, String method, String path, String key, String body) {
        return HttpRequest.newBuilder(base(p).resolve(path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/x-ndjson")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    }

    private static String signIn(ParleyProcess p, String user, String password) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base(p).resolve("/j_security_check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("j_username=" + user + "&j_password=" + password)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return String.join("; ", r.headers().allValues("Set-Cookie").stream().map(c -> c.substring(0, c.indexOf(';'))).toList());
    }

    private static URI base(ParleyProcess p) {
        return URI.create("http://127.0.0.1:" + p.port + "/");
    }
}
