package dev.quarry.agents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.agents.model.EventPayload;
import dev.quarry.agents.model.SessionEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A follower's queue is bounded by what its events hold, not only by their number: a client that
 * replays a session of long answers and reads nothing must not make the node hold gigabytes.
 */
class SubscriptionTest {
    private static final String SESSION = "sess_01M98XWF622P578A5MMGEGWV2G";
    private static final String MEGABYTE = "x".repeat(1024 * 1024);

    @Test
    void aFollowerHoldingTooMuchTextIsCutOff() {
        Subscription s = new Subscription(SESSION, -1, new EventHub(null));
        for (int seq = 0; seq < 100 && !s.closed(); seq++) s.offerCommitted(List.of(done(seq, MEGABYTE)));
        assertThat(s.overflowed()).isTrue();
        assertThat(s.lastSeq() + 1).as("events queued").isLessThanOrEqualTo(Subscription.MAX_QUEUED_CHARS / MEGABYTE.length());
    }

    @Test
    void oneEventLargerThanTheBoundStillGoesThroughAlone() throws InterruptedException {
        Subscription s = new Subscription(SESSION, -1, new EventHub(null));
        String huge = "y".repeat((int) Subscription.MAX_QUEUED_CHARS + 1);
        s.offerCommitted(List.of(done(0, huge)));
        assertThat(s.overflowed()).isFalse();
        assertThat(s.next(Duration.ofMillis(10)).seq()).isZero();
        s.offerCommitted(List.of(done(1, "small")));
        assertThat(s.next(Duration.ofMillis(10)).seq()).isEqualTo(1);
        assertThat(s.overflowed()).isFalse();
    }

    private static SessionEvent done(long seq, String text) {
        return new SessionEvent(SESSION, seq, 0, "agent.session.turn.output_text.done", "turn_1",
                new EventPayload.TextPart("msg_1", 0, 0, text), 0);
    }
}
