package dev.quarry.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** An origin's ids fit their columns as given, so no writer ever has to cut one and a query by the id finds it. */
class OriginTest {
    @Test
    void idsUpToTheColumnWidthAreKeptAsGiven() {
        String longest = "s".repeat(Origin.MAX_ID);
        assertThat(new Origin(longest, "turn_1")).extracting(Origin::sessionId, Origin::turnId).containsExactly(longest, "turn_1");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"sssssssssssssssssssssssssssssssssssssssss", "sesn 1", "sesn_\u00e9", "sesn\u0000"})
    void anyOtherIdIsRefused(String id) {
        assertThatThrownBy(() -> new Origin(id, "turn_1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionId");
        assertThatThrownBy(() -> new Origin("sesn_1", id)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("turnId");
    }

    @Test
    void anOutsideCallHasNoOriginAndCopiesKeepOne() {
        Exchange outside = Exchange.start("req_1", "test", () -> null, null, null, null);
        assertThat(outside.origin()).isNull();
        Origin origin = new Origin("sesn_1", "turn_1");
        assertThat(outside.withOrigin(origin).withDecision("p/s").withHints(null).origin()).isEqualTo(origin);
    }
}
