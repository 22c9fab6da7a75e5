package io.parley.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.parley.testing.ChatClient;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.FakeDeepSeekResource;
import io.parley.testing.FakeDingTalkRobot;
import io.parley.testing.ModelPathReset;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert path end to end, with real parts: Debian's Prometheus scrapes this Parley and evaluates
 * deploy/prometheus/parley-rules.yml, Debian's Alertmanager routes with deploy/alertmanager/alertmanager.yml,
 * Parley's relay signs and posts to a DingTalk robot (a fake on 127.0.0.1 that checks the signature).
 * The model fails every request, so ProviderErrorRateHigh fires and arrives as a DingTalk markdown
 * message. Only the rules' time windows are shortened (5m to 15s, {@code for} to 0s) and the DingTalk
 * receiver pointed at this Parley; routing, grouping and the relay are the shipped ones. Bounded: 90 s.
 */
@QuarkusTest
@TestProfile(AlertDeliveryTest.CircuitStaysClosed.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
@WithTestResource(FakeDingTalkRobot.class)
class AlertDeliveryTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The circuit stays closed, so that ProviderErrorRateHigh is the alert (an open circuit would inhibit it). */
    public static class CircuitStaysClosed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.llm.circuit-breaker.request-volume", "100000");
        }
    }

    @TestHTTPResource("/")
    URI parley;

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    ModelPathReset reset;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        reset.reset();
    }

    @Test
    void aFailingModelReachesTheTeamsDingTalkGroupAsASignedMessage() throws Exception {
        String prometheus = binary("prometheus");
        String alertmanager = binary("prometheus-alertmanager");
        Path dir = Files.createDirectories(Path.of("target", "alert-delivery"));
        int amPort = freePort();
        int promPort = freePort();

        Files.writeString(dir.resolve("relay-token"), FakeDingTalkRobot.RELAY_TOKEN);
        Files.writeString(dir.resolve("alertmanager.yml"), alertmanagerConfig(dir.resolve("relay-token")));
        Files.writeString(dir.resolve("rules.yml"), shortWindowRules());
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: [rules.yml]
                alerting:
                  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:%d']}]}]
                scrape_configs:
                  - job_name: parley
                    metrics_path: /q/metrics
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                """.formatted(amPort, parley.getPort()));
        start(dir, "alertmanager", alertmanager, "--config.file=" + dir.resolve("alertmanager.yml").toAbsolutePath(),
                "--storage.path=" + Files.createTempDirectory(dir, "am"), "--web.listen-address=127.0.0.1:" + amPort,
                "--cluster.listen-address=");
        start(dir, "prometheus", prometheus, "--config.file=" + dir.resolve("prometheus.yml").toAbsolutePath(),
                "--storage.tsdb.path=" + Files.createTempDirectory(dir, "tsdb"), "--web.listen-address=127.0.0.1:" + promPort);

        FakeDeepSeek.get().replyWith(() -> FakeDeepSeek.Reply.error(503, "Service Unavailable"));
        FakeDingTalkRobot.RECEIVED.clear();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        JsonNode message = null;
        int turn = 0;
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello", "locale", "en")).nextOfType("ready");
            while (message == null && System.nanoTime() < deadline) {
                // customers still get answers (offline, the last link), while every model attempt fails
                customer.send(Map.of("type", "message", "id", "alert-" + turn++, "text", "where is my order?")).nextOfType("answer.end");
                JsonNode received = FakeDingTalkRobot.RECEIVED.poll(2, TimeUnit.SECONDS);
                // other alerts may fire too (earlier tests leave conversations waiting for an agent): not this one's concern
                if (received != null && "Parley FIRING: ProviderErrorRateHigh".equals(received.path("markdown").path("title").asText())) {
                    message = received;
                }
            }
        }
        assertThat(message).as("a DingTalk message within 90 s; see target/alert-delivery/*.log").isNotNull();
        assertThat(message.path("msgtype").asText()).isEqualTo("markdown");
        String text = message.path("markdown").path("text").asText();
        System.out.println("DingTalk robot received: " + message);
        assertThat(message.path("markdown").path("title").asText()).isEqualTo("Parley FIRING: ProviderErrorRateHigh");
        assertThat(text).contains("FIRING ProviderErrorRateHigh").contains("provider: deepseek")
                .contains("of model attempts fail (threshold 5 %)").contains("Resolution steps:")
                .doesNotContain(FakeDeepSeek.API_KEY).doesNotContain(FakeDingTalkRobot.SECRET);
    }

    /** The shipped rules with their windows shortened, so that an alert fires in seconds instead of minutes. */
    private static String shortWindowRules() throws IOException {
        JsonNode rules = YAML.readTree(new File("deploy/prometheus/parley-rules.yml"));
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                ObjectNode r = (ObjectNode) rule;
                r.put("expr", r.path("expr").asText().replace("[5m]", "[15s]").replace("[2m]", "[15s]"));
                if (r.has("for")) {
                    r.put("for", "0s");
                }
            }
        }
        return YAML.writeValueAsString(rules);
    }

    /** The shipped routing, with the DingTalk receiver pointed at this Parley and its token file here. */
    private String alertmanagerConfig(Path tokenFile) throws IOException {
        ObjectNode config = (ObjectNode) YAML.readTree(new File("deploy/alertmanager/alertmanager.yml"));
        for (JsonNode receiver : config.path("receivers")) {
            if (receiver.path("name").asText().equals("dingtalk")) {
                ObjectNode hook = (ObjectNode) ((ArrayNode) receiver.path("webhook_configs")).get(0);
                hook.put("url", parley.resolve("/alerts/dingtalk").toString());
                ((ObjectNode) hook.path("http_config").path("authorization")).put("credentials_file", tokenFile.toAbsolutePath().toString());
            }
        }
        return YAML.writeValueAsString(config);
    }

    private void start(Path dir, String name, String... command) throws IOException {
        File log = dir.resolve(name + ".log").toFile();
        processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start());
    }

    private static String binary(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(d, name).canExecute()) {
                return new File(d, name).getPath();
            }
        }
        // CI installs Debian's prometheus and prometheus-alertmanager and sets PARLEY_ALERT_TESTS=required
        assertThat(System.getenv("PARLEY_ALERT_TESTS")).as(name + " on the PATH").isNotEqualTo("required");
        Assumptions.abort(name + " is not installed (apt-get install prometheus prometheus-alertmanager)");
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
