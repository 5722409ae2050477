package dev.quarry.identity;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each key was last used, gathered in memory on the request path and written to the store in
 * one batch now and then ({@link KeyUsageWriter}), so using a key never costs a database write.
 */
final class KeyUsage {
    private final KeyStore keys;
    private final Map<String, Long> pending = new ConcurrentHashMap<>();

    KeyUsage(KeyStore keys) {
        this.keys = keys;
    }

    void used(String keyId, long at) {
        pending.merge(keyId, at, Math::max);
    }

    /** Writes what was gathered; on failure it is kept for the next flush. */
    void flush() {
        Map<String, Long> batch = new HashMap<>();
        // remove(key, value) leaves a use that arrived meanwhile for the next flush.
        pending.forEach((keyId, at) -> {
            if (pending.remove(keyId, at)) batch.put(keyId, at);
        });
        try {
            keys.recordLastUse(batch);
        } catch (RuntimeException e) {
            batch.forEach(this::used);
            throw e;
        }
    }
}
