package io.parley.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Relays Alertmanager's webhook notification to a DingTalk robot: Alertmanager's JSON is not
 * DingTalk's, so each notification becomes one markdown message (title, then per alert its state,
 * summary and resolution steps), signed as DingTalk asks when a secret is configured:
 * {@code timestamp} (ms) and {@code sign} = Base64(HmacSHA256(secret, timestamp + "\n" + secret)),
 * both added to the robot's URL. The robot's URL and secret are never logged.
 */
@ApplicationScoped
public class DingTalkRelay {

    private static final Logger LOG = Logger.getLogger(DingTalkRelay.class);
    /** DingTalk refuses long messages; a group of alerts is cut here with a note. */
    static final int MAX_TEXT = 3500;

    public enum Outcome {
        /** The robot accepted the message (errcode 0). */
        SENT,
        /** No token configured: the relay does not exist. */
        OFF,
        /** The caller did not present the token. */
        UNAUTHORIZED,
        /** No robot URL configured. */
        NO_ROBOT,
        /** The robot answered with an error, or could not be reached: Alertmanager retries. */
        FAILED
    }

    private final AlertsConfig config;
    private final ObjectMapper json;
    private final HttpClient http;

    DingTalkRelay(AlertsConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(config.dingtalk().timeout()).build();
    }

    /** Checks the caller's {@code Authorization: Bearer} header, then formats, signs and sends. */
    public Outcome relay(String authorization, JsonNode notification) {
        if (config.token().isEmpty() || config.token().get().isBlank()) {
            return Outcome.OFF;
        }
        if (authorization == null || !MessageDigest.isEqual(("Bearer " + config.token().get()).getBytes(StandardCharsets.UTF_8),
                authorization.getBytes(StandardCharsets.UTF_8))) {
            return Outcome.UNAUTHORIZED;
        }
        if (config.dingtalk().url().isEmpty()) {
            return Outcome.NO_ROBOT;
        }
        String url = signedUrl(config.dingtalk().url().get(), config.dingtalk().secret().orElse(null), System.currentTimeMillis());
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(config.dingtalk().timeout())
                    .header("Content-Type", "application/json;charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(message(notification).toString(), StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode body = response.statusCode() == 200 ? json.readTree(response.body()) : null;
            if (body != null && body.path("errcode").asInt(-1) == 0) {
                return Outcome.SENT;
            }
            // errcode 310000: signature, keyword or IP check failed; 300001: bad token
            LOG.warnf("error_type=ALERT_RELAY_REFUSED status=%d errcode=%s errmsg=\"%s\"", response.statusCode(),
                    body == null ? "-" : body.path("errcode").asText(), body == null ? "" : body.path("errmsg").asText());
        } catch (IOException | RuntimeException e) {
            LOG.warnf("error_type=ALERT_RELAY_UNREACHABLE detail=\"%s\"", e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Outcome.FAILED;
    }

    /** The robot's URL with DingTalk's {@code timestamp} and {@code sign} when a secret is given. */
    static String signedUrl(String robot, String secret, long timestampMs) {
        if (secret == null || secret.isBlank()) {
            return robot;
        }
        return robot + (robot.contains("?") ? "&" : "?") + "timestamp=" + timestampMs + "&sign="
                + URLEncoder.encode(sign(timestampMs, secret), StandardCharsets.UTF_8);
    }

    static String sign(long timestampMs, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal((timestampMs + "\n" + secret).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** DingTalk's markdown message for one Alertmanager notification (webhook payload version 4). */
    ObjectNode message(JsonNode n) {
        String status = n.path("status").asText("firing").toUpperCase(java.util.Locale.ROOT);
        JsonNode alerts = n.path("alerts");
        String name = n.path("groupLabels").path("alertname").asText(n.path("commonLabels").path("alertname").asText("alert"));
        String title = "Parley " + status + ": " + name;
        StringBuilder text = new StringBuilder("### ").append(title).append(" (").append(alerts.size()).append(")\n\n");
        for (JsonNode a : alerts) {
            JsonNode labels = a.path("labels");
            JsonNode annotations = a.path("annotations");
            text.append("#### ").append(a.path("status").asText().toUpperCase(java.util.Locale.ROOT)).append(" ")
                    .append(labels.path("alertname").asText());
            for (String key : new String[] {"provider", "instance", "severity"}) {
                if (labels.hasNonNull(key)) {
                    text.append(" · ").append(key).append(": ").append(labels.path(key).asText());
                }
            }
            text.append("\n\n");
            line(text, "**", annotations.path("summary").asText(""), "**");
            line(text, "", annotations.path("description").asText(""), "");
            String steps = annotations.path("resolution_steps").asText("").strip();
            if (!steps.isEmpty()) {
                text.append("Resolution steps:\n\n").append(steps).append("\n\n");
            }
            line(text, "Since ", a.path("startsAt").asText(""), "");
            line(text, "Runbook: ", annotations.path("runbook_url").asText(""), "");
        }
        String body = text.length() <= MAX_TEXT ? text.toString() : text.substring(0, MAX_TEXT) + "\n\n… (cut; see Alertmanager)";
        ObjectNode message = json.createObjectNode().put("msgtype", "markdown");
        message.putObject("markdown").put("title", title).put("text", body);
        message.putObject("at").put("isAtAll", false);
        return message;
    }

    private static void line(StringBuilder text, String before, String value, String after) {
        if (!value.isBlank()) {
            text.append(before).append(value.strip()).append(after).append("\n\n");
        }
    }
}
