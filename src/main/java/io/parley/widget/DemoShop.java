package io.parley.widget;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo site's stand-in shop API, which the demo wires as actions (actions.DemoShopActions): a few
 * orders in different states, their shipments, and a refund-request endpoint. Nothing is stored; refund
 * requests are numbered from 1001 for the life of the process.
 */
final class DemoShop {

    private static final Map<String, JsonObject> ORDERS = Map.of(
            "AB1234567", order("AB1234567", "shipped", "on its way", "运输中", "SF1234567890123",
                    "It left our warehouse yesterday with SF Express (tracking SF1234567890123).", "昨天已由顺丰发出（运单号 SF1234567890123）。"),
            "AB2345678", order("AB2345678", "processing", "being packed", "正在打包", null,
                    "It should ship within one working day.", "预计一个工作日内发货。"),
            "AB3456789", order("AB3456789", "delivered", "delivered", "已签收", "SF9876543210987",
                    "It was delivered on 26 November and signed for at the front desk.", "已于 11 月 26 日在前台签收。"),
            "AB4567890", order("AB4567890", "cancelled", "cancelled", "已取消", null,
                    "It was cancelled at your request and the payment was returned.", "已按您的要求取消，款项已退回。"));

    private final AtomicInteger refunds = new AtomicInteger(1000);

    private static JsonObject order(String id, String status, String text, String textZh, String tracking, String detail, String detailZh) {
        return new JsonObject().put("order_id", id).put("status", status).put("status_text", text).put("status_text_zh", textZh)
                .put("tracking_number", tracking).put("detail", detail).put("detail_zh", detailZh);
    }

    /** True when it answered the request (a path under /shop/api/). */
    boolean handle(HttpServerRequest req) {
        String path = req.path();
        if (!path.startsWith("/shop/api/")) {
            return false;
        }
        if (req.method().name().equals("GET") && path.startsWith("/shop/api/orders/")) {
            JsonObject order = ORDERS.get(path.substring("/shop/api/orders/".length()));
            reply(req, order == null ? 404 : 200, order == null ? new JsonObject().put("error", "no such order") : order);
        } else if (req.method().name().equals("GET") && path.startsWith("/shop/api/shipments/")) {
            String number = path.substring("/shop/api/shipments/".length());
            boolean known = ORDERS.values().stream().anyMatch(o -> number.equals(o.getString("tracking_number")));
            boolean delivered = "SF9876543210987".equals(number);
            reply(req, known ? 200 : 404, !known ? new JsonObject().put("error", "no such shipment") : new JsonObject()
                    .put("tracking_number", number).put("carrier", "SF Express")
                    .put("last_event", delivered ? "delivered, signed for at the front desk" : "left the Shanghai sorting centre")
                    .put("last_event_zh", delivered ? "已签收（前台代收）" : "已离开上海分拣中心")
                    .put("eta", delivered ? "2026-11-26" : LocalDate.now().plusDays(2).toString()));
        } else if (req.method().name().equals("POST") && path.equals("/shop/api/refunds")) {
            req.body().onSuccess(body -> {
                JsonObject asked;
                try {
                    asked = body.toJsonObject();
                } catch (RuntimeException e) {
                    reply(req, 400, new JsonObject().put("error", "a JSON body with order_id and reason"));
                    return;
                }
                JsonObject order = ORDERS.get(asked.getString("order_id", ""));
                if (order == null) {
                    reply(req, 404, new JsonObject().put("error", "no such order"));
                    return;
                }
                reply(req, 201, new JsonObject().put("refund_id", "RF-" + refunds.incrementAndGet()).put("order_id", order.getString("order_id"))
                        .put("status", "requested").put("reason", asked.getString("reason", ""))
                        .put("next_step", "Our team reviews it within 2 working days and e-mails you.")
                        .put("next_step_zh", "我们会在 2 个工作日内审核并邮件通知您。"));
            });
        } else {
            reply(req, 404, new JsonObject().put("error", "not found"));
        }
        return true;
    }

    private static void reply(HttpServerRequest req, int status, JsonObject body) {
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
