package dev.quarry.pricing;

import dev.quarry.canonical.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The price sheet in memory: the configuration's model prices (in force since the epoch) and the
 * store's entries, looked up by model, platform and the UTC day of the request. Requests never
 * wait on the store; {@link #reload()} swaps in a new snapshot when the store changed.
 */
public final class PriceSheet implements Pricer {
    private record Key(String model, String platform) {}

    private final PriceStore store;
    private final List<PriceEntry> configured;
    private final Map<String, String> platformsByProvider;
    private volatile Map<Key, NavigableMap<LocalDate, PriceEntry>> sheet;

    /**
     * @param configured          entries from the configuration file; a stored entry of the same
     *                            model, platform and day takes precedence
     * @param platformsByProvider the platform of every configured provider, by provider name
     */
    public PriceSheet(PriceStore store, List<PriceEntry> configured, Map<String, String> platformsByProvider) {
        this.store = store;
        this.configured = List.copyOf(configured);
        this.platformsByProvider = Map.copyOf(platformsByProvider);
        reload();
    }

    /** Reads the store's entries again; called when the pricing store version moved. */
    public void reload() {
        Map<Key, NavigableMap<LocalDate, PriceEntry>> next = new HashMap<>();
        List<PriceEntry> all = new ArrayList<>(configured);
        all.addAll(store.all());
        for (PriceEntry e : all) {
            next.computeIfAbsent(new Key(e.model(), e.platform()), k -> new TreeMap<>()).put(e.effectiveFrom(), e);
        }
        sheet = next;
    }

    @Override
    public Optional<BigDecimal> cost(String model, String provider, Usage usage, Instant at) {
        return platformOf(provider).flatMap(p -> costOn(model, p, usage, at));
    }

    @Override
    public Optional<BigDecimal> worstCase(String model, String provider, long inputTokens, long maxOutputTokens, Instant at) {
        return cost(model, provider, new Usage(inputTokens, maxOutputTokens, 0, 0), at);
    }

    @Override
    public Optional<String> platformOf(String provider) {
        return Optional.ofNullable(platformsByProvider.get(provider));
    }

    /** The cost of usage of a model on a platform, at the price of the request's day. */
    public Optional<BigDecimal> costOn(String model, String platform, Usage usage, Instant at) {
        return entryFor(model, platform, at).map(e -> e.cost(usage));
    }

    /** The entry in force for a model on a platform on the UTC day of an instant. */
    public Optional<PriceEntry> entryFor(String model, String platform, Instant at) {
        NavigableMap<LocalDate, PriceEntry> versions = sheet.get(new Key(model, platform));
        if (versions == null) return Optional.empty();
        var entry = versions.floorEntry(LocalDate.ofInstant(at, ZoneOffset.UTC));
        return entry == null ? Optional.empty() : Optional.of(entry.getValue());
    }

    /** Every entry, configured and stored, ordered by model, platform and day. */
    public List<PriceEntry> entries() {
        return sheet.values().stream().flatMap(v -> v.values().stream())
                .sorted(Comparator.comparing(PriceEntry::model).thenComparing(PriceEntry::platform)
                        .thenComparing(PriceEntry::effectiveFrom))
                .toList();
    }
}
