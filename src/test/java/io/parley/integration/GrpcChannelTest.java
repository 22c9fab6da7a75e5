package io.parley.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.parley.integration.grpc.v1.Answer;
import io.parley.integration.grpc.v1.AskRequest;
import io.parley.integration.grpc.v1.Frame;
import io.parley.integration.grpc.v1.ParleyGrpc;
import io.parley.integration.grpc.v1.Piece;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.FakeDeepSeekResource;
import io.parley.testing.ModelPathReset;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The gRPC channel with a real gRPC client on a socket: Ask, StreamComplete, Converse, keys, deadlines and cancellation. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(FakeDeepSeekResource.class)
class GrpcChannelTest {

    @TestHTTPResource("/")
    URI root;

    @Inject
    AgroalDataSource db;

    @Inject
    ModelPathReset modelPath;

    final FakeDeepSeek deepSeek = FakeDeepSeek.get();
    final ObjectMapper json = new ObjectMapper();
    ManagedChannel channel;

    @BeforeEach
    void open() {
        modelPath.reset();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", root.getPort()).usePlaintext().build();
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private ParleyGrpc.ParleyBlockingStub blocking(String key) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return ParleyGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private ParleyGrpc.ParleyStub async(String key) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return ParleyGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static AskRequest ask(String conversation, String id, String text) {
        return AskRequest.newBuilder().setConversationId(conversation).setMessageId(id).setText(text).setLocale("en").build();
    }

    @Test
    void askAnswersWithTheStructuredAnswerAndAResendGetsTheSameOne() throws Exception {
        String key = IntegrationKeysFixture.chatKey();
        Answer a = blocking(key).ask(ask("", "grpc-ask-1", "where is my order AB1234567?"));
        assertThat(a.getIntent()).isEqualTo("order_status");
        assertThat(a.getText()).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
        assertThat(a.getEntitiesList()).anyMatch(e -> e.getValue().equals("AB1234567"));
        assertThat(a.getSeq()).isEqualTo(2);
        Answer again = blocking(key).ask(ask(a.getConversationId(), "grpc-ask-1", "where is my order AB1234567?"));
        assertThat(again.getSeq()).isEqualTo(2);
        assertThat(deepSeek.count(null)).isEqualTo(1);
        assertThat(new Sql(db::getConnection).row("select channel from conversation where id = ?::uuid", a.getConversationId())
                .get("channel")).isEqualTo("grpc");
    }

    @Test
    void streamCompleteSendsPiecesThenTheFinishedAnswer() {
        String key = IntegrationKeysFixture.chatKey();
        List<Piece> pieces = new ArrayList<>();
        blocking(key).streamComplete(ask("", "grpc-stream-1", "where is my order AB1234567?")).forEachRemaining(pieces::add);
        Piece last = pieces.get(pieces.size() - 1);
        assertThat(pieces.size()).isGreaterThan(2);
        assertThat(pieces.subList(0, pieces.size() - 1)).allMatch(p -> !p.getIsFinished() && !p.getText().isEmpty());
        assertThat(last.getIsFinished()).isTrue();
        assertThat(last.getAnswer().getIntent()).isEqualTo("order_status");
        StringBuilder text = new StringBuilder();
        pieces.subList(0, pieces.size() - 1).forEach(p -> text.append(p.getText()));
        assertThat(text.toString()).isEqualTo(last.getAnswer().getText());
    }

    @Test
    void aBadKeyAndAMalformedMessageAreRefusedWithClearStatuses() {
        assertThatThrownBy(() -> blocking("pk_wrong").ask(ask("", "grpc-bad-1", "hi")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        String key = IntegrationKeysFixture.chatKey();
        assertThatThrownBy(() -> blocking(key).ask(ask("", "has spaces in it", "hi")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("\"id\"");
                });
        assertThatThrownBy(() -> blocking(key).ask(ask("not-a-uuid", "grpc-bad-2", "hi")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        String readOnly = IntegrationKeysFixture.key("read only", 100, "read");
        assertThatThrownBy(() -> blocking(readOnly).ask(ask("", "grpc-bad-3", "hi")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    }

    @Test
    void aDeadlineCancelsTheModelRequestAndTheAnswerIsStoredAsInterrupted() throws Exception {
        deepSeek.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER).stallAfter(6, 20_000));
        String key = IntegrationKeysFixture.chatKey();
        String conversation = RestAssured.given().header("Authorization", "Bearer " + key).contentType("application/json").body("{}")
                .post("/integration/v1/conversations").then().statusCode(201).extract().path("conversationId");
        long started = System.nanoTime();
        assertThatThrownBy(() -> blocking(key).withDeadlineAfter(1500, TimeUnit.MILLISECONDS)
                .ask(ask(conversation, "grpc-deadline-1", "where is my order AB1234567?")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        Sql sql = new Sql(db::getConnection);
        // not left streaming for the 20 s the model would still take: cancelled and stored as interrupted at once
        await().atMost(Duration.ofSeconds(5)).until(() -> sql.count("select count(*) from message where conversation_id = ?::uuid "
                + "and role = 'assistant' and state = 'interrupted'", conversation) == 1);
    }

    @Test
    void cancellingAStreamCancelsTheTurn() throws Exception {
        deepSeek.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER).stallAfter(6, 20_000));
        String key = IntegrationKeysFixture.chatKey();
        String conversation = RestAssured.given().header("Authorization", "Bearer " + key).contentType("application/json").body("{}")
                .post("/integration/v1/conversations").then().statusCode(201).extract().path("conversationId");
        io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
        Iterator<Piece> pieces = call.call(() -> blocking(key).streamComplete(ask(conversation, "grpc-cancel-1", "where is my order AB1234567?")));
        Sql sql = new Sql(db::getConnection);
        await().atMost(Duration.ofSeconds(5)).until(() -> sql.count("select count(*) from message where conversation_id = ?::uuid "
                + "and role = 'assistant' and state = 'streaming'", conversation) == 1);
        call.cancel(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> sql.count("select count(*) from message where conversation_id = ?::uuid "
                + "and role = 'assistant' and state = 'interrupted'", conversation) == 1);
        assertThat(pieces).isNotNull();
    }

    @Test
    void converseCarriesTheWebSocketFramesBothWays() throws Exception {
        String key = IntegrationKeysFixture.chatKey();
        LinkedBlockingQueue<JsonNode> in = new LinkedBlockingQueue<>();
        StreamObserver<Frame> out = async(key).converse(new StreamObserver<>() {
            @Override
            public void onNext(Frame f) {
                try {
                    in.add(json.readTree(f.getJson()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        out.onNext(Frame.newBuilder().setJson("{\"type\":\"hello\",\"locale\":\"en\"}").build());
        JsonNode ready = next(in, "ready");
        assertThat(ready.path("conversationId").asText()).isNotEmpty();
        out.onNext(Frame.newBuilder().setJson("{not json").build());
        assertThat(next(in, "error").path("code").asText()).isEqualTo("bad_frame");
        String id = UUID.randomUUID().toString();
        out.onNext(Frame.newBuilder().setJson("{\"type\":\"message\",\"id\":\"" + id + "\",\"text\":\"where is my order AB1234567?\"}").build());
        assertThat(next(in, "message").path("id").asText()).isEqualTo(id);
        assertThat(next(in, "answer.start").path("intent").asText()).isEqualTo("order_status");
        JsonNode end = next(in, "answer.end");
        assertThat(end.path("turn").asText()).isEqualTo(id);
        assertThat(end.path("text").asText()).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
        out.onCompleted();
    }

    @Test
    void theProtoIsServedForDownloadAndIsTheOneInTheRepository() throws Exception {
        String served = RestAssured.get("/parley.proto").then().statusCode(200).extract().asString();
        assertThat(served).isEqualTo(Files.readString(Path.of("src/main/proto/parley.proto")));
    }

    private static JsonNode next(LinkedBlockingQueue<JsonNode> in, String type) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            JsonNode f = in.poll(200, TimeUnit.MILLISECONDS);
            if (f != null && f.path("type").asText().equals(type)) {
                return f;
            }
        }
        throw new AssertionError("no " + type + " frame");
    }
}
