package dev.quarry.routing;

import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;

/**
 * Makes one attempt on a deployment for the {@link Router}: the gateway's side of routing, which
 * knows providers (routing does not).
 *
 * @param <T> what an attempt yields: a stream already holding its first event, or a whole answer
 */
public interface Attempter<T> {
    /**
     * Runs on the request's thread, which is interrupted when the attempt's time is up or the
     * request is cancelled: code that catches {@link InterruptedException} here sets the thread's
     * interrupt status again (or the cancellation would go unnoticed), as blocking socket I/O does.
     *
     * @throws dev.quarry.canonical.QuarryException when the deployment fails before answering
     * @throws AtCapacity when the deployment's own rate limit has no room: nothing was sent
     */
    T open(ModelEntry model, Deployment deployment);

    /**
     * Whether the attempt's first event is its whole answer: the upstream was asked not to stream,
     * so it answers only once it has generated everything. Such an attempt is bounded by the
     * request's whole budget, not by the attempt time-out (which is for a first token), and its
     * time says nothing of the deployment's time to a first token.
     */
    default boolean answersWhole(ModelEntry model, Deployment deployment) {
        return false;
    }

    /** Frees an answer that came too late to be used. */
    default void discard(T late) {}
}
