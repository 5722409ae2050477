package dev.quarry.agents.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@link RemoteProcess}'s ordering of the exec-server's numbered notifications, fed out of order by hand. */
class RemoteProcessTest {
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private final RemoteProcess process = new RemoteProcess("p1", (stderr, chunk) ->
            delivered.add((stderr ? "err:" : "out:") + new String(chunk, StandardCharsets.UTF_8)), null);

    @Test
    void outputIsDeliveredInSeqOrderBeforeTheExitIsAwaited() {
        process.notification("process/output", output(2, "stderr", "b"));
        process.notification("process/exited", exited(4, 3));
        assertThat(process.await(Duration.ZERO)).isNull();
        process.notification("process/output", output(3, "stdout", "c"));
        assertThat(process.await(Duration.ZERO)).isNull();

        process.notification("process/output", output(1, "stdout", "a"));

        assertThat(delivered).containsExactly("out:a", "err:b", "out:c");
        // Without process/closed, the exit is given once the grace for late output has passed.
        assertThat(process.await(Duration.ZERO)).isNull();
        assertThat(process.await(Duration.ofMillis(RemoteProcess.CLOSE_GRACE_MILLIS * 3))).isEqualTo(new ProcessExit(3, false));
    }

    @Test
    void outputAfterTheExitStillReachesTheSinkAndClosedEndsIt() {
        process.notification("process/exited", exited(1, 0));
        // The pipes are read apart from the exit: the last output may come after it, and the exit waits for it.
        assertThat(process.await(Duration.ZERO)).isNull();
        process.notification("process/output", output(2, "pty", "late"));

        boolean closed = process.notification("process/closed", seq(3));

        assertThat(closed).isTrue();
        assertThat(delivered).containsExactly("out:late");
        assertThat(process.await(Duration.ZERO)).isEqualTo(new ProcessExit(0, false));
    }

    @Test
    void closedDeliversWhatAGapHeldBack() {
        process.notification("process/output", output(2, "stdout", "two"));
        process.notification("process/exited", exited(3, 1));

        process.notification("process/closed", seq(4));

        assertThat(delivered).containsExactly("out:two");
        assertThat(process.await(Duration.ZERO)).isEqualTo(new ProcessExit(1, false));
    }

    @Test
    void aLostConnectionFailsTheAwaitUnlessItHadExited() {
        process.disconnected(new ExecutorException.Disconnected("gone"));

        assertThatThrownBy(() -> process.await(Duration.ofSeconds(1))).isInstanceOf(ExecutorException.Disconnected.class).hasMessage("gone");

        RemoteProcess exited = new RemoteProcess("p2", (stderr, chunk) -> {}, null);
        exited.notification("process/exited", exited(1, 0).put("sandboxDenied", true));
        exited.disconnected(new ExecutorException.Disconnected("gone"));
        assertThat(exited.await(Duration.ZERO)).isEqualTo(new ProcessExit(0, true));
    }

    private static ObjectNode seq(long seq) {
        return JsonRpcSocket.JSON.createObjectNode().put("processId", "p1").put("seq", seq);
    }

    private static ObjectNode output(long seq, String stream, String text) {
        return seq(seq).put("stream", stream).put("chunk", Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static ObjectNode exited(long seq, int code) {
        return seq(seq).put("exitCode", code).put("sandboxDenied", false);
    }
}
