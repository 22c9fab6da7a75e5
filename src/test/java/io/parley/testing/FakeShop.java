package io.parley.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A business's order API on a real socket, as the actions under test call it. Order numbers choose how
 * it behaves: {@code ZZ0000500} answers 500, {@code ZZ0000408} answers after 3 s (past the action's
 * timeout), {@code ZZ0010000} streams 10 MB of JSON; other {@code AB…} numbers are shipped orders.
 */
public final class FakeShop {

    private static FakeShop instance;

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger refunds = new AtomicInteger(7000);
    /** Bytes of the 10 MB response actually written before the client went away. */
    private final AtomicLong hugeBytesWritten = new AtomicLong();

    public static synchronized FakeShop get() {
        if (instance == null) {
            instance = new FakeShop();
        }
        return instance;
    }

    private FakeShop() {
        try {
            server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake shop did not start", e);
        }
    }

    public int port() {
        return server.actualPort();
    }

    /** Requests received, as {@code METHOD path [body]}, oldest first. */
    public List<String> requests() {
        return requests;
    }

    public long hugeBytesWritten() {
        return hugeBytesWritten.get();
    }

    public void reset() {
        requests.clear();
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            requests.add(req.method() + " " + req.path() + (body.length() > 0 ? " " + body : ""));
            String path = req.path();
            if (path.equals("/orders/ZZ0000500")) {
                req.response().setStatusCode(500).end("{\"error\":\"database on fire\"}");
            } else if (path.equals("/orders/ZZ0000408")) {
                vertx.setTimer(3000, id -> {
                    if (!req.response().closed()) {
                        req.response().end(json(new JsonObject().put("order_id", "ZZ0000408").put("status", "late")));
                    }
                });
            } else if (path.equals("/orders/ZZ0010000")) {
                huge(req);
            } else if (path.startsWith("/orders/AB")) {
                String id = path.substring("/orders/".length());
                req.response().putHeader("Content-Type", "application/json").end(json(new JsonObject().put("order_id", id)
                        .put("status", "shipped").put("carrier", "SF Express").put("tracking_number", "SF1234567890123")
                        .put("eta", "2026-12-02")));
            } else if (path.equals("/refunds") && req.method().name().equals("POST")) {
                JsonObject asked = body.toJsonObject();
                req.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(json(new JsonObject()
                        .put("refund_id", "RF-" + refunds.incrementAndGet()).put("order_id", asked.getString("order_id")).put("status", "requested")));
            } else {
                req.response().setStatusCode(404).end("{\"error\":\"not found\"}");
            }
        });
    }

    /** 10 MB of a JSON array, written as fast as the client reads, stopping when it goes away. */
    private void huge(HttpServerRequest req) {
        var response = req.response().setChunked(true).putHeader("Content-Type", "application/json");
        Buffer piece = Buffer.buffer("\"" + "x".repeat(65_530) + "\",");
        response.write("[");
        hugeBytesWritten.set(1);
        writeHuge(response, piece, 160);
    }

    private void writeHuge(io.vertx.core.http.HttpServerResponse response, Buffer piece, int left) {
        while (left > 0 && !response.closed() && !response.writeQueueFull()) {
            response.write(piece);
            hugeBytesWritten.addAndGet(piece.length());
            left--;
        }
        if (response.closed()) {
            return;
        }
        if (left == 0) {
            response.end("\"end\"]");
            return;
        }
        int remaining = left;
        response.drainHandler(v -> writeHuge(response, piece, remaining));
    }

    private static String json(JsonObject o) {
        return o.encode();
    }
}
