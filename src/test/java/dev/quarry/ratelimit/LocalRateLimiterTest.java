package dev.quarry.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {
    private final MovableClock clock = new MovableClock();
    private final LocalRateLimiter limiter = new LocalRateLimiter(clock);

    private static Charge requests(String key, long limit) {
        return new Charge(key, limit, 1, false, "requests_per_minute " + limit + " for " + key);
    }

    private static Charge tokens(String key, long limit, long cost) {
        return new Charge(key, limit, cost, true, "tokens_per_minute " + limit + " for " + key);
    }

    @Test
    void admitsTheLimitThenRefusesUntilThePreviousWindowHasFadedEnough() {
        for (int i = 0; i < 10; i++) assertThat(limiter.admit(List.of(requests("a", 10)))).isInstanceOf(Admission.Admitted.class);

        Admission refused = limiter.admit(List.of(requests("a", 10)));
        // At 66 s the first minute still counts for 54/60 of its 10 requests: 9, and one more fits.
        assertThat(refused).isEqualTo(new Admission.Refused(requests("a", 10), Duration.ofSeconds(66)));

        clock.advance(Duration.ofMillis(65_999));
        assertThat(limiter.admit(List.of(requests("a", 10)))).isInstanceOf(Admission.Refused.class);
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.admit(List.of(requests("a", 10)))).isInstanceOf(Admission.Admitted.class);
        assertThat(limiter.admit(List.of(requests("a", 10)))).isInstanceOf(Admission.Refused.class);
    }

    @Test
    void theWaitWithinAWindowIsUntilThePreviousWindowsShareShrinks() {
        for (int i = 0; i < 10; i++) limiter.admit(List.of(requests("a", 10)));
        clock.advance(Duration.ofSeconds(60)); // next window: previous 10, weight 1
        assertThat(limiter.admit(List.of(requests("a", 10)))).isEqualTo(new Admission.Refused(requests("a", 10), Duration.ofSeconds(6)));
    }

    @Test
    void aWindowTwoMinutesOldNoLongerCounts() {
        for (int i = 0; i < 10; i++) limiter.admit(List.of(requests("a", 10)));
        clock.advance(Duration.ofSeconds(120));
        for (int i = 0; i < 10; i++) assertThat(limiter.admit(List.of(requests("a", 10)))).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void aRequestOneLimitRefusesUsesUpNoOtherLimitsRoom() {
        limiter.admit(List.of(requests("full", 1)));

        assertThat(limiter.admit(List.of(requests("roomy", 1), requests("full", 1))))
                .isEqualTo(new Admission.Refused(requests("full", 1), Duration.ofSeconds(120)));
        assertThat(limiter.admit(List.of(requests("roomy", 1)))).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void settlingReplacesTheTokenReservationWithTheActualUsage() {
        var admitted = (Admission.Admitted) limiter.admit(List.of(tokens("t", 100, 100)));
        assertThat(limiter.admit(List.of(tokens("t", 100, 10)))).isInstanceOf(Admission.Refused.class);

        admitted.settlement().settle(30);

        assertThat(limiter.admit(List.of(tokens("t", 100, 70)))).isInstanceOf(Admission.Admitted.class);
        assertThat(limiter.admit(List.of(tokens("t", 100, 1)))).isInstanceOf(Admission.Refused.class);
    }

    @Test
    void aSettlementAfterTheWindowTurnedCorrectsThePreviousWindow() {
        var admitted = (Admission.Admitted) limiter.admit(List.of(tokens("t", 100, 100)));
        clock.advance(Duration.ofSeconds(60));
        admitted.settlement().settle(0);
        assertThat(limiter.admit(List.of(tokens("t", 100, 100)))).isInstanceOf(Admission.Admitted.class);
    }

    /** A clock the test moves; it starts on a window boundary so waits are round numbers. */
    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
