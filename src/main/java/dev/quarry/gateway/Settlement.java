package dev.quarry.gateway;

import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.SettlingStream.Ending;
import dev.quarry.canonical.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What one request owes once its answer ends, settled in one place. The settle step opens it and
 * carries it on the exchange; a step that holds something for the request (a rate-limit
 * reservation, a budget reservation, a deployment's capacity) registers how to give it back, and
 * the settle step fires the whole settlement once, whatever the answer's fate: answered,
 * streamed to its end, cut by the client, broken upstream, or refused by a later step.
 *
 * <p>Listeners run in the order of their {@link Order}, then of registration: the ledger first,
 * so its row is written even when a listener after it fails. Each runs even if one before it
 * failed; the first failure is thrown once all have run (the others suppressed in it), so an
 * answer whose ledger row could not be written still never reaches its end.
 */
public final class Settlement {

    /** Who settles, in the order they settle. */
    public enum Order { LEDGER, BUDGETS, RATE_LIMITS, ROUTING }

    /**
     * How the answer ended.
     *
     * @param exchange the exchange as it ended: the model and deployment that served, when one did
     * @param usage    what it used, as the ledger bills it
     * @param error    what broke it or refused it; {@code null} when it completed or was cut by the client
     */
    public record Settled(Exchange exchange, Ending ending, Usage usage, QuarryError error) {
        public static Settled completed(Exchange exchange, Usage usage) {
            return new Settled(exchange, Ending.COMPLETED, usage, null);
        }

        /** A request refused or failed before any answer: nothing used. */
        public static Settled refused(Exchange exchange, QuarryError error) {
            return new Settled(exchange, Ending.FAILED, Usage.ZERO, error);
        }
    }

    @FunctionalInterface
    public interface Listener {
        void settle(Settled settled);
    }

    private record Registered(Order order, Listener listener) {}

    private final List<Registered> listeners = new ArrayList<>();
    private boolean settled;

    /**
     * The settlement a step registers with.
     *
     * @throws IllegalStateException when no settle step ran before it: what it reserved would never be given back
     */
    public static Settlement of(Exchange exchange) {
        if (exchange.settlement() == null) {
            throw new IllegalStateException("a step that reserves ran before the settle step: nothing would settle what it holds");
        }
        return exchange.settlement();
    }

    /** @throws IllegalStateException once settled: a late listener would never run */
    public synchronized void on(Order order, Listener listener) {
        if (settled) throw new IllegalStateException("the request has already settled");
        listeners.add(new Registered(order, listener));
    }

    /** Runs every listener, once; a second call does nothing. */
    public void settle(Settled how) {
        List<Registered> due;
        synchronized (this) {
            if (settled) return;
            settled = true;
            due = listeners.stream().sorted(Comparator.comparing(Registered::order)).toList();
        }
        RuntimeException failure = null;
        for (Registered registered : due) {
            try {
                registered.listener().settle(how);
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }
}
