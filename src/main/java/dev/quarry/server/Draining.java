package dev.quarry.server;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.surface.openai.OpenAiErrors;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts requests in flight and, once a shutdown has begun, turns new ones away with a 503 and
 * Retry-After, so a load balancer moves them elsewhere while open streams finish.
 */
final class Draining implements Filter {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (draining.get()) {
            ConnectionClose.after(req);
            HttpIo.send(res, OpenAiErrors.reply(new QuarryError(ErrorKind.UPSTREAM_UNAVAILABLE,
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

    /** Stops admitting requests and waits, up to {@code grace}, for those in flight to finish. */
    boolean drain(Duration grace) throws InterruptedException {
        draining.set(true);
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(20);
        }
        return true;
    }

    int inFlight() {
        return inFlight.get();
    }
}
