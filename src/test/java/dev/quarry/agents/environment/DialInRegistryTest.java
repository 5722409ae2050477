package dev.quarry.agents.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Sockets executors opened to the node: one per environment, the newer replacing (and closing) the
 * older; a run takes one once and initializes it as a dialed one is, Quarry speaking first.
 */
class DialInRegistryTest {
    private final DialInRegistry registry = new DialInRegistry();

    /** The server side of a socket: records what Quarry sends and whether it closed it. */
    private static final class FakeServerSocket implements TextSocket {
        final BlockingQueue<String> sent = new LinkedBlockingQueue<>();
        volatile boolean closed;

        @Override
        public void send(String text, Duration timeout) {
            sent.add(text);
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public void abort() {
            closed = true;
        }
    }

    @Test
    void noSocketIsDisconnectedSoTheRunWaits() {
        assertThatThrownBy(() -> registry.connect("env_1", Duration.ofSeconds(1)))
                .isInstanceOf(ExecutorException.Disconnected.class).hasMessageContaining("no executor is connected");
    }

    @Test
    void aNewerSocketReplacesAndClosesTheOlder() {
        FakeServerSocket older = new FakeServerSocket();
        DialInSocket first = new DialInSocket("environment env_1", older, Duration.ofSeconds(5));
        AtomicInteger closings = new AtomicInteger();
        first.whenClosed(closings::incrementAndGet);
        registry.offer("env_1", first);

        registry.offer("env_1", new DialInSocket("environment env_1", new FakeServerSocket(), Duration.ofSeconds(5)));

        assertThat(older.closed).isTrue();
        assertThat(closings).hasValue(1);
        assertThat(first.open()).isFalse();
        assertThat(registry.holds("env_1")).isTrue();
    }

    @Test
    void aRunTakesTheSocketOnceAndInitializesItQuarrySpeakingFirst() throws Exception {
        FakeServerSocket server = new FakeServerSocket();
        DialInSocket socket = new DialInSocket("environment env_1", server, Duration.ofSeconds(5));
        registry.offer("env_1", socket);

        CompletableFuture<ExecServerConnection> connected = CompletableFuture.supplyAsync(() -> registry.connect("env_1", Duration.ofSeconds(5)));
        JsonNode initialize = JsonRpcSocket.JSON.readTree(server.sent.poll(5, TimeUnit.SECONDS));
        assertThat(initialize.path("method").asText()).isEqualTo("initialize");
        assertThat(initialize.path("params").path("clientName").asText()).isEqualTo("quarry");
        // 0.169.0's answer, as recorded in direct-0.169.0.txt (it sends no "jsonrpc" member).
        socket.received("{\"id\":" + initialize.path("id").asLong() + ",\"result\":{\"sessionId\":\"s-1\",\"environmentInfo\":"
                + "{\"shell\":{\"name\":\"bash\",\"path\":\"/bin/bash\"},\"executorVersion\":\"0.169.0\",\"cwd\":\"file:///work\"}}}", true);

        ExecServerConnection connection = connected.get(5, TimeUnit.SECONDS);
        assertThat(connection.info().version()).isEqualTo("0.169.0");
        assertThat(connection.info().cwd()).isEqualTo("/work");
        assertThat(JsonRpcSocket.JSON.readTree(server.sent.poll(5, TimeUnit.SECONDS)).path("method").asText()).isEqualTo("initialized");
        assertThatThrownBy(() -> registry.connect("env_1", Duration.ofSeconds(1))).as("a run has it")
                .isInstanceOf(ExecutorException.Disconnected.class);

        socket.closed(1000, "");
        registry.remove("env_1", socket);
        assertThat(registry.holds("env_1")).isFalse();
    }
}
