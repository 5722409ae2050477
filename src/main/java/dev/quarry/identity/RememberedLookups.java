package dev.quarry.identity;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Store lookups served from memory: a value found once is remembered until {@link #forgetAll()}
 * (called when the store says identities changed), and a key the store does not know is
 * remembered as unknown for a few seconds, so a client retrying a bad credential cannot turn
 * every request into a query.
 */
final class RememberedLookups<V> {
    private static final long UNKNOWN_TTL_MILLIS = 5_000;
    private static final int MAX_UNKNOWN = 10_000;

    private final Function<String, Optional<V>> load;
    private final Clock clock;
    private final Map<String, V> known = new ConcurrentHashMap<>();
    private final Map<String, Long> unknownUntil = new ConcurrentHashMap<>();
    /** Counts {@link #forgetAll()} calls, so a load that raced one does not bring back what it read before. */
    private final AtomicLong generation = new AtomicLong();

    RememberedLookups(Function<String, Optional<V>> load, Clock clock) {
        this.load = load;
        this.clock = clock;
    }

    void remember(String key, V value) {
        known.put(key, value);
        unknownUntil.remove(key);
    }

    void forgetAll() {
        generation.incrementAndGet();
        known.clear();
        unknownUntil.clear();
    }

    Optional<V> find(String key) {
        V value = known.get(key);
        if (value != null) return Optional.of(value);
        long now = clock.millis();
        Long until = unknownUntil.get(key);
        if (until != null && until >= now) return Optional.empty();
        long loadedIn = generation.get();
        Optional<V> found = load.apply(key);
        if (generation.get() != loadedIn) return found;
        if (found.isPresent()) {
            remember(key, found.get());
        } else {
            if (unknownUntil.size() >= MAX_UNKNOWN) unknownUntil.clear();
            unknownUntil.put(key, now + UNKNOWN_TTL_MILLIS);
        }
        return found;
    }
}
