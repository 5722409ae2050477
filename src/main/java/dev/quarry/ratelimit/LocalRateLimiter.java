package dev.quarry.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters in this process's memory, for one node (and for a node whose Redis is down). One
 * lock over all counters keeps a request's check-and-count across several limits atomic; it is
 * held for a few map lookups. A counter is kept per limited subject, so memory grows with the
 * number of principals, groups, models and deployments, not with traffic.
 */
public final class LocalRateLimiter implements RateLimiter {
    private static final long WINDOW_MILLIS = SlidingWindow.WINDOW.toMillis();

    private final Clock clock;
    private final Map<String, Counter> counters = new HashMap<>();

    public LocalRateLimiter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Admission admit(List<Charge> charges) {
        long now = clock.millis();
        long window = now / WINDOW_MILLIS;
        Charge slowest = null;
        long longestWait = 0;
        for (Charge charge : charges) {
            Counter counter = counters.computeIfAbsent(charge.key(), k -> new Counter());
            counter.turnTo(window);
            long wait = SlidingWindow.waitMillis(counter.previous, counter.current, charge.cost(), charge.limit(),
                    now - window * WINDOW_MILLIS, WINDOW_MILLIS);
            if (wait > longestWait) {
                slowest = charge;
                longestWait = wait;
            }
        }
        if (slowest != null) return new Admission.Refused(slowest, Duration.ofMillis(longestWait));
        for (Charge charge : charges) counters.get(charge.key()).current += charge.cost();
        List<Charge> reserved = charges.stream().filter(Charge::tokens).toList();
        return new Admission.Admitted(actual -> correct(window, reserved, actual));
    }

    /** Moves the difference into the window the tokens were reserved in, if it still counts. */
    private synchronized void correct(long window, List<Charge> reserved, long actualTokens) {
        for (Charge charge : reserved) {
            Counter counter = counters.get(charge.key());
            long difference = actualTokens - charge.cost();
            if (counter.window == window) counter.current = Math.max(0, counter.current + difference);
            else if (counter.window == window + 1) counter.previous = Math.max(0, counter.previous + difference);
        }
    }

    @Override
    public void close() {
        // nothing held outside memory
    }

    private static final class Counter {
        long window;
        long current;
        long previous;

        void turnTo(long now) {
            if (now == window) return;
            previous = now == window + 1 ? current : 0;
            current = 0;
            window = now;
        }
    }
}
