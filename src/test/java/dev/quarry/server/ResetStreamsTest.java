package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a connection keeps of its client's resets: bounded, the oldest reset dropped first. */
class ResetStreamsTest {
    private static final int KEPT = 1024;

    @Test
    void aResetIsKeptUntilItsReplyForgetsIt() {
        var streams = new ResetStreams();

        streams.reset(3);

        assertThat(streams.wasReset(3)).isTrue();
        assertThat(streams.wasReset(1)).isFalse();
        streams.forget(3);
        assertThat(streams.wasReset(3)).isFalse();
    }

    @Test
    void beyondTheBoundTheOldestStreamIsDropped() {
        var streams = new ResetStreams();

        for (int i = 0; i <= KEPT; i++) streams.reset(2 * i + 1);

        assertThat(streams.wasReset(1)).as("the oldest").isFalse();
        assertThat(streams.wasReset(3)).isTrue();
        assertThat(streams.wasReset(2 * KEPT + 1)).as("the newest").isTrue();
    }

    /**
     * A long answer on an early stream, reset once the bound is full of resets that came after their
     * streams' replies ended (which nothing forgets): its reset is the newest, and is kept.
     */
    @Test
    void beyondTheBoundTheOldestResetIsDroppedNotTheLowestStream() {
        var streams = new ResetStreams();
        for (int i = 1; i <= KEPT; i++) streams.reset(2 * i + 1);

        streams.reset(1);

        assertThat(streams.wasReset(1)).as("the stream reset last").isTrue();
        assertThat(streams.wasReset(3)).as("the oldest reset").isFalse();
    }
}
