package io.parley.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * Wires the fake shop as Parley's actions (two of the README's three, with a short timeout for the
 * timeout test), and a {@code premium} tier with actions off.
 */
public class FakeShopResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String base = "http://127.0.0.1:" + FakeShop.get().port();
        Map<String, String> c = new HashMap<>();
        String a = "parley.actions.http.lookup_order.";
        c.put(a + "description", "Look up an order by its number: status, carrier, tracking number, expected delivery.");
        c.put(a + "parameters", "{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{2}[0-9]{6,12}$\"}},"
                + "\"required\":[\"order_id\"],\"additionalProperties\":false}");
        c.put(a + "url", base + "/orders/{order_id}");
        c.put(a + "timeout", "1s");
        c.put(a + "intent", "order_status");
        c.put(a + "status.en", "Looking up your order…");
        c.put(a + "status.zh", "正在查询您的订单…");
        c.put(a + "answer.en", "Order {order_id} is {status}: {carrier}, tracking {tracking_number}, expected {eta}.");
        c.put(a + "answer.zh", "订单 {order_id} 状态：{status}，{carrier}，运单号 {tracking_number}，预计 {eta} 送达。");
        c.put(a + "system.en", "the order system");
        c.put(a + "system.zh", "订单系统");
        c.put(a + "secret-headers.X-Shop-Key", "PARLEY_TEST_SHOP_KEY");
        String r = "parley.actions.http.create_refund_request.";
        c.put(r + "description", "Ask for a refund of an order, with the customer's reason.");
        c.put(r + "parameters", "{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{2}[0-9]{6,12}$\"},"
                + "\"reason\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":300}},\"required\":[\"order_id\",\"reason\"],\"additionalProperties\":false}");
        c.put(r + "method", "POST");
        c.put(r + "url", base + "/refunds");
        c.put(r + "changes", "true");
        c.put(r + "intent", "refund_request");
        c.put(r + "status.en", "Sending your refund request…");
        c.put(r + "answer.en", "Done: refund request {refund_id} for order {order_id} is {status}.");
        c.put(r + "proposal.en", "I can send a refund request for order {order_id} (reason: \"{reason}\"). Shall I go ahead?");
        c.put(r + "system.en", "the order system");
        // long messages (600+ characters) go to a tier with actions off
        c.put("parley.llm.tiers.premium.chain", "deepseek:deepseek-v4-pro,offline");
        c.put("parley.llm.tiers.premium.actions", "false");
        return c;
    }

    @Override
    public void stop() {
        // one server per JVM
    }
}
