package dev.quarry.agents.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonRpcSocket} fed by hand, for what the real exec-server does not send: frames split
 * mid-message, garbage, binary frames, requests to the client.
 */
class JsonRpcSocketTest {
    private final FakeSocket socket = new FakeSocket();
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final List<ExecutorException.Disconnected> losses = new CopyOnWriteArrayList<>();
    private final JsonRpcSocket rpc = new JsonRpcSocket("ws://executor:1", Duration.ofSeconds(5));
    private final JdkTextSocket jdk = new JdkTextSocket(rpc);

    @BeforeEach
    void open() {
        jdk.onOpen(socket);
        rpc.listen(new JsonRpcSocket.Listener() {
            @Override
            public void notification(String method, JsonNode params) {
                heard.add(method + " " + params);
            }

            @Override
            public void disconnected(ExecutorException.Disconnected why) {
                losses.add(why);
            }
        });
    }

    @Test
    void anAnswerSplitAcrossFramesReachesItsCaller() throws Exception {
        CompletableFuture<JsonNode> answer = callInBackground("fs/canonicalize");
        long id = socket.nextSent().path("id").asLong();

        jdk.onText(socket, "{\"id\":" + id + ",\"res", false);
        jdk.onText(socket, "ult\":{\"path\":\"file:///x\"}}", true);

        assertThat(answer.get(5, TimeUnit.SECONDS).path("path").asText()).isEqualTo("file:///x");
    }

    @Test
    void sendsJsonRpcRequestsWithTheirParams() throws Exception {
        callInBackground("fs/readFile");

        JsonNode sent = socket.nextSent();

        assertThat(sent.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(sent.path("method").asText()).isEqualTo("fs/readFile");
        assertThat(sent.path("params").path("path").asText()).isEqualTo("file:///a");
    }

    @Test
    void anErrorAnswerKeepsTheServersCodeAndMessage() throws Exception {
        CompletableFuture<JsonNode> answer = callInBackground("fs/readFile");
        long id = socket.nextSent().path("id").asLong();

        jdk.onText(socket, "{\"id\":" + id + ",\"error\":{\"code\":-32004,\"message\":\"No such file or directory (os error 2)\"}}", true);

        assertThat(answer).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(JsonRpcSocket.RpcError.class, e -> {
                    assertThat(e.code).isEqualTo(-32004);
                    assertThat(e.getMessage()).isEqualTo("No such file or directory (os error 2)");
                });
    }

    @Test
    void anErrorsMessageIsCutToAFewLines() throws Exception {
        CompletableFuture<JsonNode> answer = callInBackground("fs/readFile");
        long id = socket.nextSent().path("id").asLong();

        jdk.onText(socket, "{\"id\":" + id + ",\"error\":{\"code\":-32603,\"message\":\"" + "x".repeat(1 << 20) + "\"}}", true);

        assertThat(answer).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(JsonRpcSocket.RpcError.class, e -> assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(
                        JsonRpcSocket.MAX_ERROR_CHARS + 1).startsWith("xxx").endsWith("…"));
    }

    @Test
    void notificationsReachTheListenerInOrder() {
        jdk.onText(socket, "{\"method\":\"process/output\",\"params\":{\"seq\":1}}", true);
        jdk.onText(socket, "{\"method\":\"process/exited\",\"params\":{\"seq\":2}}", true);

        assertThat(heard).containsExactly("process/output {\"seq\":1}", "process/exited {\"seq\":2}");
    }

    @Test
    void garbageFailsEveryWaiterAsDisconnected() throws Exception {
        CompletableFuture<JsonNode> first = callInBackground("fs/readFile");
        CompletableFuture<JsonNode> second = callInBackground("fs/getMetadata");
        socket.nextSent();
        socket.nextSent();

        jdk.onText(socket, "this is not json", true);

        for (CompletableFuture<JsonNode> answer : List.of(first, second)) {
            assertThat(answer).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingCause()
                    .isInstanceOf(ExecutorException.Disconnected.class).withMessageContaining("not JSON-RPC");
        }
        assertThat(socket.aborted).isTrue();
        assertThat(losses).hasSize(1);
        assertThatThrownBy(() -> rpc.call("fs/remove", JsonRpcSocket.JSON.createObjectNode()))
                .isInstanceOf(ExecutorException.Disconnected.class);
    }

    @Test
    void aBinaryFrameIsAProtocolError() {
        jdk.onBinary(socket, ByteBuffer.wrap(new byte[] {1, 2}), true);

        assertThat(losses).singleElement().extracting(Throwable::getMessage).asString().contains("binary frame");
    }

    @Test
    void theServerClosingIsDisconnected() {
        jdk.onClose(socket, 1011, "bye");

        assertThat(losses).singleElement().extracting(Throwable::getMessage).asString()
                .isEqualTo("executor ws://executor:1 is disconnected: it closed the connection (1011 bye)");
    }

    @Test
    void aRequestFromTheServerIsAnsweredWithMethodNotFound() throws Exception {
        jdk.onText(socket, "{\"id\":\"s-1\",\"method\":\"network/policyDecision\",\"params\":{}}", true);

        JsonNode reply = socket.nextSent();

        assertThat(reply.path("id").asText()).isEqualTo("s-1");
        assertThat(reply.path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(losses).isEmpty();
    }

    @Test
    void aServerThatFloodsRequestsWithoutReadingTheRefusalsIsGivenUp() {
        socket.stalled = true;

        for (int i = 0; i < 10_000 && losses.isEmpty(); i++) jdk.onText(socket, "{\"id\":" + i + ",\"method\":\"x\",\"params\":{}}", true);

        assertThat(losses).singleElement().extracting(Throwable::getMessage).asString().contains("requests");
        assertThat(socket.aborted).isTrue();
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndIsGivenUp() {
        rpc.callTimeout(Duration.ofMillis(200));

        assertThatThrownBy(() -> rpc.call("fs/readFile", JsonRpcSocket.JSON.createObjectNode()))
                .isInstanceOf(ExecutorException.Disconnected.class).hasMessageContaining("did not answer fs/readFile");
        assertThat(socket.aborted).isTrue();
    }

    @Test
    void closingFailsWaitersAsClosedByQuarryAndTheServersAnsweringCloseChangesNothing() throws Exception {
        CompletableFuture<JsonNode> answer = callInBackground("fs/readFile");
        socket.nextSent();

        rpc.close();
        jdk.onClose(socket, 1006, "");

        assertThat(answer).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingCause()
                .isInstanceOf(ExecutorException.Disconnected.class).withMessageEndingWith("closed by Quarry");
        assertThat(losses).singleElement().extracting(Throwable::getMessage).asString().endsWith("closed by Quarry");
        assertThat(socket.closeSent).isTrue();
        assertThat(socket.aborted).isTrue();
    }

    @Test
    void anAnswerNobodyWaitsForIsIgnored() {
        jdk.onText(socket, "{\"id\":999,\"result\":{}}", true);

        assertThat(losses).isEmpty();
    }

    private CompletableFuture<JsonNode> callInBackground(String method) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        Thread.startVirtualThread(() -> {
            try {
                answer.complete(rpc.call(method, JsonRpcSocket.JSON.createObjectNode().put("path", "file:///a")));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /** Records what is sent; the test plays the server by calling the listener. */
    private static final class FakeSocket implements WebSocket {
        private final BlockingQueue<String> sent = new LinkedBlockingQueue<>();
        volatile boolean aborted;
        volatile boolean closeSent;
        /** A server that no longer reads: sends never complete. */
        volatile boolean stalled;

        JsonNode nextSent() throws Exception {
            String text = sent.poll(5, TimeUnit.SECONDS);
            assertThat(text).as("a message was sent").isNotNull();
            return JsonRpcSocket.JSON.readTree(text);
        }

        @Override
        public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
            if (stalled) return new CompletableFuture<>();
            sent.add(data.toString());
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
            closeSent = true;
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public void request(long n) {}

        @Override
        public String getSubprotocol() {
            return "";
        }

        @Override
        public boolean isOutputClosed() {
            return aborted;
        }

        @Override
        public boolean isInputClosed() {
            return aborted;
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }
}
