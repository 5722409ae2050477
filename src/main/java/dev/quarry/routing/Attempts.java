package dev.quarry.routing;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one attempt with a time limit. The attempt runs on a virtual thread of its own while the
 * request's thread waits, because a blocking socket read cannot be given a deadline from outside
 * except by interrupting the thread that reads: on time-out the attempt's thread is interrupted,
 * which closes its socket, and an answer that still arrives is discarded.
 */
final class Attempts {
    private final long attemptTimeoutNanos;

    Attempts(Duration attemptTimeout) {
        this.attemptTimeoutNanos = attemptTimeout.toNanos();
    }

    /** @param remainingNanos what is left of the request's whole budget, which bounds this attempt too */
    <T> T open(Attempter<T> attempter, ModelEntry model, Deployment deployment, long remainingNanos) {
        long limit = Math.min(attemptTimeoutNanos, remainingNanos);
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name("quarry-attempt-" + deployment.key()).start(() -> {
            try {
                T value = attempter.open(model, deployment);
                if (!result.complete(value)) attempter.discard(value);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(limit, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            QuarryException timeout = new QuarryException(QuarryError.of(ErrorKind.UPSTREAM_TIMEOUT, "Deployment " + deployment.key()
                    + " of '" + model.id() + "' gave no answer within " + limit / 1_000_000 + " ms."));
            if (result.completeExceptionally(timeout)) {
                worker.interrupt();
                throw timeout;
            }
            return settled(result); // it ended in the meantime
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.interrupt();
            if (!result.completeExceptionally(e)) {
                try {
                    attempter.discard(settled(result));
                } catch (RuntimeException failed) {
                    // it failed: nothing to free
                }
            }
            throw QuarryException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "The request was interrupted while waiting for an answer.");
        }
    }

    private static <T> T settled(CompletableFuture<T> done) {
        try {
            return done.join();
        } catch (CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException r) return r;
        if (cause instanceof Error e) throw e;
        return new IllegalStateException(cause);
    }
}
