package dev.quarry.guardrails;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The guardrails of a running Quarry, in memory, reloaded ({@link #reload}) when the store's
 * guardrails change, so that resolving a request's guardrail reads nothing from the store. Each
 * version is compiled once, on first use, and kept until the next reload.
 */
public final class Guardrails {
    private final GuardrailStore store;
    private final Detectors detectors;
    private volatile Map<String, StoredGuardrail> byId = Map.of();
    private volatile Map<String, Guard> compiled = new ConcurrentHashMap<>();

    public Guardrails(GuardrailStore store, Detectors detectors) {
        this.store = store;
        this.detectors = detectors;
        reload();
    }

    /**
     * The compiled guardrail a request names, the latest published version when it names none.
     *
     * @return the guard, whose {@link Guard#ref()} names the version resolved
     * @throws QuarryException 404 for an unknown id or version, 400 when no version is named and none is published
     */
    public Guard resolve(GuardrailRef ref) {
        StoredGuardrail g = byId.get(ref.id());
        if (g == null) throw GuardrailStore.notFound(ref.id());
        String version = ref.version();
        if (version == null) {
            Integer latest = g.latest();
            if (latest == null) {
                throw QuarryException.invalid("guardrailVersion", "Guardrail '" + ref.id() + "' has no published version yet; "
                        + "name version DRAFT, or publish one.");
            }
            version = latest.toString();
        }
        if (g.version(version) == null) {
            throw QuarryException.of(ErrorKind.NOT_FOUND, "Guardrail '" + ref.id() + "' has no version " + version + " (it has "
                    + versionsOf(g) + ").");
        }
        GuardrailRef resolved = ref.withVersion(version);
        String key = resolved.id() + ":" + resolved.version();
        Map<String, Guard> cache = compiled;
        return cache.computeIfAbsent(key, k -> Guard.compile(resolved, g.version(resolved.version()), detectors));
    }

    /** Compiles a definition without storing it: what the admin API runs before accepting one, so bad regexes are refused at once. */
    public void validate(String id, GuardrailSpec spec) {
        Guard.compile(new GuardrailRef(id, GuardrailRef.DRAFT, false), spec, detectors);
    }

    /** Reads everything again now: a change made through this process is in force when its call returns. */
    public synchronized void reload() {
        byId = store.list().stream().collect(Collectors.toUnmodifiableMap(StoredGuardrail::id, Function.identity()));
        compiled = new ConcurrentHashMap<>();
    }

    private static String versionsOf(StoredGuardrail g) {
        String published = g.versions().keySet().stream().map(String::valueOf).collect(Collectors.joining(", "));
        return published.isEmpty() ? "only DRAFT" : "versions " + published + " and DRAFT";
    }
}
