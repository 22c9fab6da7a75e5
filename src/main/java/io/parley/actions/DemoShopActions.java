package io.parley.actions;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The widget demo site's stand-in shop API (widget.DemoShop) as actions: the README's worked example,
 * wired by default when the demo site runs and no action is configured.
 */
final class DemoShopActions {

    private DemoShopActions() {
    }

    record Def(String description, String parameters, ActionsConfig.Method method, String url, Duration timeout,
               boolean changes, Optional<List<String>> intent, Map<String, String> status, Map<String, String> answer,
               Map<String, String> proposal, Map<String, String> system) implements ActionsConfig.HttpAction {
        @Override
        public Map<String, String> headers() {
            return Map.of();
        }

        @Override
        public Map<String, String> secretHeaders() {
            return Map.of();
        }

        @Override
        public int maxResponseBytes() {
            return 65536;
        }
    }

    static Map<String, ActionsConfig.HttpAction> of(int port) {
        String base = "http://127.0.0.1:" + port + "/shop/api";
        Map<String, String> orders = Map.of("en", "the order system", "zh", "订单系统");
        Map<String, ActionsConfig.HttpAction> out = new LinkedHashMap<>();
        out.put("lookup_order", new Def("Look up an order by its number (like AB1234567): status, items, tracking number.",
                "{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{2}[0-9]{6,12}$\"}},"
                        + "\"required\":[\"order_id\"],\"additionalProperties\":false}",
                ActionsConfig.Method.GET, base + "/orders/{order_id}", Duration.ofSeconds(3), false, Optional.of(List.of("order_status")),
                Map.of("en", "Looking up your order…", "zh", "正在查询您的订单…"),
                Map.of("en", "Order {order_id} is {status_text}. {detail}", "zh", "订单 {order_id}：{status_text_zh}。{detail_zh}"),
                Map.of(), orders));
        out.put("track_shipment", new Def("Track a parcel by its tracking number: carrier, where it is, expected delivery.",
                "{\"type\":\"object\",\"properties\":{\"tracking_number\":{\"type\":\"string\",\"minLength\":8,\"maxLength\":30}},"
                        + "\"required\":[\"tracking_number\"],\"additionalProperties\":false}",
                ActionsConfig.Method.GET, base + "/shipments/{tracking_number}", Duration.ofSeconds(3), false, Optional.of(List.of("shipping", "order_status")),
                Map.of("en", "Tracking your parcel…", "zh", "正在查询物流…"),
                Map.of("en", "Parcel {tracking_number} ({carrier}): {last_event}. Expected delivery: {eta}.",
                        "zh", "包裹 {tracking_number}（{carrier}）：{last_event_zh}。预计送达：{eta}。"),
                Map.of(), Map.of("en", "the carrier's tracking", "zh", "物流查询系统")));
        out.put("create_refund_request", new Def("Ask for a refund of an order, with the customer's reason. Only after the "
                + "customer said which order and why.",
                "{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{2}[0-9]{6,12}$\"},"
                        + "\"reason\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":300}},"
                        + "\"required\":[\"order_id\",\"reason\"],\"additionalProperties\":false}",
                ActionsConfig.Method.POST, base + "/refunds", Duration.ofSeconds(3), true, Optional.of(List.of("refund_request")),
                Map.of("en", "Sending your refund request…", "zh", "正在提交退款申请…"),
                Map.of("en", "Done: refund request {refund_id} for order {order_id} is {status}. {next_step}",
                        "zh", "已完成：订单 {order_id} 的退款申请 {refund_id} 状态为 {status}。{next_step_zh}"),
                Map.of("en", "I can send a refund request for order {order_id} (reason: \"{reason}\"). Shall I go ahead?",
                        "zh", "我可以为订单 {order_id} 提交退款申请（原因：“{reason}”）。要提交吗？"),
                orders));
        return out;
    }
}
