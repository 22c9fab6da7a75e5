import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * Baseline: a bare Vert.x WebSocket echo server, the floor under Parley's socket handling.
 * Run with Parley's own libraries: java -cp "target/quarkus-app/lib/main/*" bench/EchoServer.java 9200
 */
public class EchoServer {
    public static void main(String[] args) {
        int port = Integer.parseInt(args.length > 0 ? args[0] : "9200");
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(ws::writeTextMessage))
                .listen(port, "127.0.0.1").onSuccess(s -> System.out.println("echo on " + s.actualPort()));
    }
}
