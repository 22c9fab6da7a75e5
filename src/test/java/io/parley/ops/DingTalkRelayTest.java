package io.parley.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.parley.testing.FakeDingTalkRobot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay against a fake DingTalk robot on 127.0.0.1 that checks what the real one checks: the
 * access token, and with a signing secret the timestamp and the HMAC-SHA256 signature; it answers
 * {@code errcode} as DingTalk does. The notification is Alertmanager's webhook body (version 4).
 */
class DingTalkRelayTest {

    private static final String SECRET = "SECtest-secret-0123";
    private static final String TOKEN = "alertmanager-token-0123";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer robot;
    /** This robot's security setting is "sign": unsigned messages are refused. */
    private final boolean robotRequiresSign = true;
    private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private String robotUrl;

    @BeforeEach
    void startRobot() throws Exception {
        robot = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        robot.createContext("/robot/send", exchange -> {
            Map<String, String> query = FakeDingTalkRobot.query(exchange.getRequestURI().getRawQuery());
            String answer;
            if (!"robot-access-token".equals(query.get("access_token"))) {
                answer = "{\"errcode\":300001,\"errmsg\":\"token is not exist\"}";
            } else if (query.containsKey("sign") && !FakeDingTalkRobot.sign(SECRET, Long.parseLong(query.get("timestamp"))).equals(query.get("sign"))) {
                answer = "{\"errcode\":310000,\"errmsg\":\"sign not match\"}";
            } else if (!query.containsKey("sign") && robotRequiresSign) {
                answer = "{\"errcode\":310000,\"errmsg\":\"sign not match\"}";
            } else {
                received.add(JSON.readTree(exchange.getRequestBody()));
                answer = "{\"errcode\":0,\"errmsg\":\"ok\"}";
            }
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        robot.start();
        robotUrl = "http://127.0.0.1:" + robot.getAddress().getPort() + "/robot/send?access_token=robot-access-token";
    }

    @AfterEach
    void stopRobot() {
        robot.stop(0); // a second stop (one test stops it early) does nothing
    }

    @Test
    void aFiringErrorRateAlertArrivesAsASignedDingTalkMarkdownMessage() throws Exception {
        DingTalkRelay relay = relay(Optional.of(TOKEN), Optional.of(robotUrl), Optional.of(SECRET));

        assertThat(relay.relay("Bearer " + TOKEN, notification())).isEqualTo(DingTalkRelay.Outcome.SENT);

        JsonNode message = received.poll(5, TimeUnit.SECONDS);
        assertThat(message).isNotNull();
        assertThat(message.path("msgtype").asText()).isEqualTo("markdown");
        assertThat(message.path("markdown").path("title").asText()).isEqualTo("Parley FIRING: ParleyErrorRateHigh");
        String text = message.path("markdown").path("text").asText();
        assertThat(text).contains("FIRING ParleyErrorRateHigh").contains("severity: critical")
                .contains("**12% of customer turns end in an error (threshold 5 %)**")
                .contains("Resolution steps:").contains("- Split by code")
                .contains("Since 2026-11-30T12:00:00Z");
        assertThat(text).doesNotContain(SECRET).doesNotContain(TOKEN).doesNotContain("robot-access-token");
    }

    @Test
    void theSignatureIsDingTalksHmacOfTimestampAndSecret() {
        // the same value computed independently (Python's hmac, base64, quote_plus)
        assertThat(DingTalkRelay.sign(1700000000000L, SECRET)).isEqualTo("ZoxuMI81gjiygETIOy2/ox3O5s5xPLOU3JAX2t9WCfI=");
        assertThat(DingTalkRelay.signedUrl("https://robot/send?access_token=t", SECRET, 1700000000000L))
                .isEqualTo("https://robot/send?access_token=t&timestamp=1700000000000&sign=ZoxuMI81gjiygETIOy2%2Fox3O5s5xPLOU3JAX2t9WCfI%3D");
        assertThat(DingTalkRelay.signedUrl("https://robot/send?access_token=t", null, 1L)).isEqualTo("https://robot/send?access_token=t");
    }

    @Test
    void withoutTheTokenNothingIsSentAndWithoutOneConfiguredTheRelayIsOff() throws Exception {
        DingTalkRelay relay = relay(Optional.of(TOKEN), Optional.of(robotUrl), Optional.of(SECRET));
        assertThat(relay.relay(null, notification())).isEqualTo(DingTalkRelay.Outcome.UNAUTHORIZED);
        assertThat(relay.relay("Bearer wrong", notification())).isEqualTo(DingTalkRelay.Outcome.UNAUTHORIZED);
        assertThat(relay(Optional.empty(), Optional.of(robotUrl), Optional.empty()).relay("Bearer " + TOKEN, notification()))
                .isEqualTo(DingTalkRelay.Outcome.OFF);
        assertThat(relay(Optional.of(TOKEN), Optional.empty(), Optional.empty()).relay("Bearer " + TOKEN, notification()))
                .isEqualTo(DingTalkRelay.Outcome.NO_ROBOT);
        assertThat(received).isEmpty();
    }

    @Test
    void aRobotThatRefusesTheMessageIsAFailureSoAlertmanagerRetries() throws Exception {
        // the robot wants a signature, none is configured: DingTalk answers errcode 310000 with HTTP 200
        assertThat(relay(Optional.of(TOKEN), Optional.of(robotUrl), Optional.empty()).relay("Bearer " + TOKEN, notification()))
                .isEqualTo(DingTalkRelay.Outcome.FAILED);
        assertThat(relay(Optional.of(TOKEN), Optional.of(robotUrl), Optional.of("SECwrong")).relay("Bearer " + TOKEN, notification()))
                .isEqualTo(DingTalkRelay.Outcome.FAILED);
        robot.stop(0);
        assertThat(relay(Optional.of(TOKEN), Optional.of(robotUrl), Optional.of(SECRET)).relay("Bearer " + TOKEN, notification()))
                .isEqualTo(DingTalkRelay.Outcome.FAILED);
        assertThat(received).isEmpty();
    }

    @Test
    void aLongGroupOfAlertsIsCutToWhatDingTalkAccepts() throws Exception {
        DingTalkRelay relay = relay(Optional.of(TOKEN), Optional.of(robotUrl), Optional.of(SECRET));
        JsonNode many = notification();
        var alerts = (com.fasterxml.jackson.databind.node.ArrayNode) many.path("alerts");
        for (int i = 0; i < 40; i++) {
            alerts.add(alerts.get(0).deepCopy());
        }
        assertThat(relay.relay("Bearer " + TOKEN, many)).isEqualTo(DingTalkRelay.Outcome.SENT);
        String text = received.poll(5, TimeUnit.SECONDS).path("markdown").path("text").asText();
        assertThat(text.length()).isLessThanOrEqualTo(DingTalkRelay.MAX_TEXT + 40);
        assertThat(text).endsWith("(cut; see Alertmanager)");
    }

    /** What Alertmanager posts for the dingtalk receiver (webhook payload version 4). */
    private static JsonNode notification() throws Exception {
        return JSON.readTree("""
                {"version":"4","groupKey":"{}/{category=~\\"errors\\"}:{alertname=\\"ParleyErrorRateHigh\\"}","truncatedAlerts":0,
                 "status":"firing","receiver":"dingtalk",
                 "groupLabels":{"alertname":"ParleyErrorRateHigh"},
                 "commonLabels":{"alertname":"ParleyErrorRateHigh","category":"errors","severity":"critical","team":"parley"},
                 "commonAnnotations":{},"externalURL":"http://alertmanager:9093",
                 "alerts":[{"status":"firing",
                   "labels":{"alertname":"ParleyErrorRateHigh","category":"errors","severity":"critical","team":"parley"},
                   "annotations":{"summary":"12% of customer turns end in an error (threshold 5 %)",
                     "description":"Customers got an error frame on more than 5 % of turns over 5 minutes.",
                     "runbook_url":"docs/operations.md#parleyerrorratehigh",
                     "resolution_steps":"- Split by code: sum by (code) (rate(parley_turn_errors_total[5m])).\\n- storage_unavailable: the database.\\n"},
                   "startsAt":"2026-11-30T12:00:00Z","endsAt":"0001-01-01T00:00:00Z",
                   "generatorURL":"http://prometheus:9090/graph","fingerprint":"0123456789abcdef"}]}
                """);
    }

    private DingTalkRelay relay(Optional<String> token, Optional<String> url, Optional<String> secret) {
        AlertsConfig config = new AlertsConfig() {
            @Override
            public Optional<String> token() {
                return token;
            }

            @Override
            public DingTalk dingtalk() {
                return new DingTalk() {
                    @Override
                    public Optional<String> url() {
                        return url;
                    }

                    @Override
                    public Optional<String> secret() {
                        return secret;
                    }

                    @Override
                    public Duration timeout() {
                        return Duration.ofSeconds(3);
                    }
                };
            }
        };
        return new DingTalkRelay(config, JSON);
    }
}
