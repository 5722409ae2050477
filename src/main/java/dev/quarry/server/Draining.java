package dev.quarry.server;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts requests in flight and, once a shutdown has begun, turns new ones away with a 503 and
 * Retry-After in their API's error shape, so a load balancer moves them elsewhere while open
 * streams finish. Health probes pass: {@code /readyz} says it is draining, {@code /healthz}
 * that the process is alive (an orchestrator that saw it fail would kill the drain short).
 */
final class Draining implements Filter {
    /**
     * How long a node behind a load balancer stays open without a request arriving before it
     * stops: one still sending traffic gets 503s it can act on, not refused connections, until it
     * has seen {@code /readyz} fail.
     */
    static final Duration QUIET = Duration.ofSeconds(2);
    private static final Duration TICK = Duration.ofMillis(20);

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final LongAdder turnedAway = new LongAdder();
    private volatile long lastArrival;

    /** What a drain did: requests open when it began and how many of them finished, new ones turned away, how long it took. */
    record Drained(int open, int finished, long turnedAway, Duration took) {
        boolean complete() {
            return finished == open;
        }

        /** {@code drained 3 open requests in 1.2 s and turned away 5 new ones}, or {@code drained 2 of 3 …} when cut short. */
        String summary() {
            return "drained " + (complete() ? "" : finished + " of ") + openRequests(open)
                    + String.format(Locale.ROOT, " in %.1f s", took.toMillis() / 1000.0)
                    + " and turned away " + turnedAway + (turnedAway == 1 ? " new one" : " new ones");
        }

        static String openRequests(int n) {
            return n == 1 ? "1 open request" : n + " open requests";
        }
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (HealthRoutes.PATHS.contains(path)) {
            chain.proceed();
            return;
        }
        lastArrival = System.nanoTime();
        if (draining.get()) {
            turnedAway.increment();
            ConnectionClose.after(req);
            HttpIo.send(res, SurfaceErrors.reply(req, new QuarryError(ErrorKind.UPSTREAM_UNAVAILABLE,
                    "This Quarry node is shutting down; retry on another node.", null, Duration.ofSeconds(1))));
            return;
        }
        inFlight.incrementAndGet();
        try {
            chain.proceed();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    boolean draining() {
        return draining.get();
    }

    /** Turns new requests away from now on and returns how many are open; the quiet of {@link #await} counts from here at the earliest. */
    int begin() {
        lastArrival = System.nanoTime();
        draining.set(true);
        return inFlight.get();
    }

    /**
     * Waits, up to {@code grace} from now, until no request is open and none has arrived for
     * {@code quiet}. A request admitted just before {@link #begin} may still be counted in: it is
     * then one more to wait for, never one cut off.
     */
    Drained await(int open, Duration grace, Duration quiet) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + grace.toNanos();
        while (System.nanoTime() < deadline && (inFlight.get() > 0 || System.nanoTime() - lastArrival < quiet.toNanos())) {
            Thread.sleep(TICK);
        }
        int stillOpen = inFlight.get();
        return new Drained(Math.max(open, stillOpen), Math.max(open, stillOpen) - stillOpen, turnedAway.sum(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Waits, up to {@code limit}, for requests whose connections were cut to end: each still
     * records its usage and audit event, which must reach the ledger before it closes.
     */
    boolean awaitCutRequests(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(TICK);
        }
        return true;
    }
}
