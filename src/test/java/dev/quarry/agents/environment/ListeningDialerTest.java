package dev.quarry.agents.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link ListeningDialer}'s refusals that need no exec-server (the real one is in {@link ExecServerConnectionTest}). */
class ListeningDialerTest {
    private final ListeningDialer dialer = new ListeningDialer(Duration.ofSeconds(1), Duration.ofSeconds(1));

    @Test
    void aServerThatNeverAnswersTheUpgradeTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread.startVirtualThread(() -> {
                try (Socket accepted = silent.accept()) {
                    Thread.sleep(10_000);
                } catch (Exception e) {
                    // The test is over.
                }
            });
            long started = System.nanoTime();

            assertThatThrownBy(() -> dialer.dial(URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/"), "token"))
                    .isInstanceOf(ExecutorException.Disconnected.class).hasMessageContaining("within 1 s");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void onlyWebSocketUrlsAreDialed() {
        assertThatThrownBy(() -> dialer.dial(URI.create("http://127.0.0.1:1/"), "token"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ws://");
    }

    @Test
    void aTokenAHeaderCannotCarryIsRefusedWithoutBeingShown() {
        assertThatThrownBy(() -> dialer.dial(URI.create("ws://127.0.0.1:1/"), "secret\nX-Injected: 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> dialer.dial(URI.create("ws://127.0.0.1:1/"), " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void messagesNameTheUrlWithoutItsUserInfoOrQuery() {
        assertThatThrownBy(() -> dialer.dial(URI.create("ws://user:pw@127.0.0.1:1/x?token=abc"), "token"))
                .isInstanceOf(ExecutorException.Disconnected.class)
                .hasMessageContaining("ws://127.0.0.1:1/x").hasMessageNotContaining("pw").hasMessageNotContaining("abc");
    }
}
