package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.config.ConfigException;
import dev.quarry.config.ConnectionLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The connection cap is sized to the process's file-descriptor limit, so the listener cannot exhaust it. */
class ConnectionGuardTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void anUnsetCapTakesWhatTheDescriptorLimitLeavesRoomFor() {
        ConnectionLimits unset = new ConnectionLimits(ConnectionLimits.AUTO, 256, TIMEOUT, TIMEOUT);
        assertThat(ConnectionGuard.within(unset, 1_048_576).acceptLimit()).as("at most 4096 served, and 409 more answered 503")
                .isEqualTo(4096 + 409);
        int acceptLimit = ConnectionGuard.within(unset, 1024).acceptLimit();
        assertThat(2L * acceptLimit + 256).as("two descriptors a connection, 256 kept for the rest").isLessThanOrEqualTo(1024);
    }

    @Test
    void aCapThatDoesNotFitTheDescriptorLimitIsRefusedWithItsPath() {
        assertThatThrownBy(() -> ConnectionGuard.within(new ConnectionLimits(1000, 100, TIMEOUT, TIMEOUT), 1024))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.max_connections: 1000")
                .hasMessageContaining("ulimit -n");
        assertThat(ConnectionGuard.within(new ConnectionLimits(300, 100, TIMEOUT, TIMEOUT), 1024).acceptLimit()).isEqualTo(330);
    }
}
