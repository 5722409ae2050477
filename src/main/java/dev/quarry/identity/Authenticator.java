package dev.quarry.identity;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a presented API key into a principal without touching the store on the hot path: known
 * keys are answered from memory. A key not yet in memory (created by another process, such as
 * {@code quarry keys create} next to a running server) is looked up once and remembered; a key
 * the store does not know is remembered as unknown for a few seconds, so a client retrying a bad
 * key cannot turn every request into a database query.
 */
public final class Authenticator {
    private static final long UNKNOWN_KEY_TTL_MILLIS = 5_000;
    private static final int MAX_UNKNOWN_KEYS = 10_000;

    private final IdentityStore store;
    private final Clock clock;
    private final Map<String, Principal> known = new ConcurrentHashMap<>();
    private final Map<String, Long> unknownUntil = new ConcurrentHashMap<>();

    public Authenticator(IdentityStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Makes a key valid in memory only (the bootstrap admin key, which is never stored). */
    public void trust(String apiKey, Principal principal) {
        known.put(ApiKeys.hash(apiKey), principal);
    }

    /** Remembers a key just issued by this process, so its first use needs no lookup. */
    public void remember(IssuedKey key) {
        trust(key.apiKey(), key.principal());
    }

    /** @throws QuarryException of kind {@link ErrorKind#AUTHENTICATION} */
    public Principal authenticate(Credential credential) {
        return switch (credential) {
            case Credential.None none -> throw QuarryException.of(ErrorKind.AUTHENTICATION,
                    "No API key was presented. Send your Quarry key as 'Authorization: Bearer <key>'.");
            case Credential.ApiKey key -> byApiKey(key.secret());
        };
    }

    private Principal byApiKey(String apiKey) {
        String hash = ApiKeys.hash(apiKey);
        Principal principal = known.get(hash);
        if (principal != null) return principal;
        long now = clock.millis();
        Long until = unknownUntil.get(hash);
        if (until == null || until < now) {
            Optional<Principal> found = store.principalForKeyHash(hash);
            if (found.isPresent()) {
                known.put(hash, found.get());
                unknownUntil.remove(hash);
                return found.get();
            }
            if (unknownUntil.size() >= MAX_UNKNOWN_KEYS) unknownUntil.clear();
            unknownUntil.put(hash, now + UNKNOWN_KEY_TTL_MILLIS);
        }
        throw QuarryException.of(ErrorKind.AUTHENTICATION,
                "The API key is not valid (key " + ApiKeys.displayPrefix(apiKey) + "…). "
                        + "Create one with 'quarry keys create --name NAME'.");
    }
}
