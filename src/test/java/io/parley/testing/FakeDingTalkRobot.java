package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A DingTalk custom robot on 127.0.0.1 that checks what the real one checks (access token, timestamp
 * and HMAC-SHA256 signature with its secret) and answers {@code errcode} as DingTalk does; accepted
 * messages wait in {@link #RECEIVED}. As a test resource it points Parley's alert relay at itself.
 */
public class FakeDingTalkRobot implements QuarkusTestResourceLifecycleManager {

    public static final String ACCESS_TOKEN = "robot-access-token";
    public static final String SECRET = "SECrobot-secret-0123";
    /** What Alertmanager presents to Parley's relay. */
    public static final String RELAY_TOKEN = "relay-token-0123456789";
    public static final LinkedBlockingQueue<JsonNode> RECEIVED = new LinkedBlockingQueue<>();

    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/robot/send", exchange -> {
            Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
            String answer;
            if (!ACCESS_TOKEN.equals(q.get("access_token"))) {
                answer = "{\"errcode\":300001,\"errmsg\":\"token is not exist\"}";
            } else if (q.get("timestamp") == null || !sign(SECRET, Long.parseLong(q.get("timestamp"))).equals(q.get("sign"))
                    || Math.abs(System.currentTimeMillis() - Long.parseLong(q.get("timestamp"))) > 3_600_000) {
                answer = "{\"errcode\":310000,\"errmsg\":\"sign not match\"}";
            } else {
                RECEIVED.add(JSON.readTree(exchange.getRequestBody()));
                answer = "{\"errcode\":0,\"errmsg\":\"ok\"}";
            }
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return Map.of("parley.alerts.token", RELAY_TOKEN,
                "parley.alerts.dingtalk.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/robot/send?access_token=" + ACCESS_TOKEN,
                "parley.alerts.dingtalk.secret", SECRET);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** DingTalk's signature, written here from its documentation (not Parley's code): HMAC-SHA256 of timestamp + "\n" + secret. */
    public static String sign(String secret, long timestamp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal((timestamp + "\n" + secret).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The decoded parameters of a raw query string. */
    public static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }
}
