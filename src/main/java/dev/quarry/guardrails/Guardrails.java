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
    /** One snapshot, so that a version is never compiled from one load into the cache of the next. */
    private volatile Loaded loaded = new Loaded(Map.of());

    /** The stored guardrails and the versions compiled from them so far. */
    private record Loaded(Map<String, StoredGuardrail> byId, Map<String, Guard> compiled) {
        Loaded(Map<String, StoredGuardrail> byId) {
            this(byId, new ConcurrentHashMap<>());
        }
    }

    public Guardrails(GuardrailStore store, Detectors detectors) {
        this.store = store;
        this.detectors = detectors;
        reload();
    }

    /**
     * The version a request's guardrail names, the latest published one when it names none.
     *
     * @return the request's ref with its version, and whether that is the latest published one
     * @throws QuarryException 404 for an unknown id or version, 400 when no version is named and none is published
     */
    public GuardrailRef choose(GuardrailRef asked) {
        StoredGuardrail g = stored(loaded, asked);
        Integer latest = g.latest();
        String version = asked.version();
        if (version == null) {
            if (latest == null) {
                throw QuarryException.invalid("guardrailVersion", "Guardrail '" + asked.id() + "' has no published version yet; "
                        + "name version DRAFT, or publish one.");
            }
            version = latest.toString();
        }
        if (g.version(version) == null) {
            throw QuarryException.of(ErrorKind.NOT_FOUND, "Guardrail '" + asked.id() + "' has no version " + version + " (it has "
                    + versionsOf(g) + ").");
        }
        return asked.resolved(version, latest != null && version.equals(latest.toString()));
    }

    /**
     * The compiled guardrail of a chosen version ({@link #choose}); compiled on first use.
     *
     * @throws QuarryException 404 when it was deleted since it was chosen
     */
    public Guard guard(GuardrailRef chosen) {
        Loaded now = loaded;
        StoredGuardrail g = stored(now, chosen);
        GuardrailSpec spec = g.version(chosen.version());
        if (spec == null) throw QuarryException.of(ErrorKind.NOT_FOUND, "Guardrail '" + chosen.id() + "' has no version " + chosen.version() + ".");
        return now.compiled().computeIfAbsent(chosen.id() + ":" + chosen.version(),
                k -> Guard.compile(new GuardrailRef(chosen.id(), chosen.version(), false), spec, detectors));
    }

    /** Compiles a definition without storing it: what the admin API runs before accepting one, so bad regexes are refused at once. */
    public void validate(String id, GuardrailSpec spec) {
        Guard.compile(new GuardrailRef(id, GuardrailRef.DRAFT, false), spec, detectors);
    }

    /** Reads everything again now: a change made through this process is in force when its call returns. */
    public synchronized void reload() {
        loaded = new Loaded(store.list().stream().collect(Collectors.toUnmodifiableMap(StoredGuardrail::id, Function.identity())));
    }

    private static StoredGuardrail stored(Loaded from, GuardrailRef ref) {
        StoredGuardrail g = from.byId().get(ref.id());
        if (g == null) throw GuardrailStore.notFound(ref.id());
        return g;
    }

    private static String versionsOf(StoredGuardrail g) {
        String published = g.versions().keySet().stream().map(String::valueOf).collect(Collectors.joining(", "));
        return published.isEmpty() ? "only DRAFT" : "versions " + published + " and DRAFT";
    }
}
