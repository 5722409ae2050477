package dev.quarry.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The times the store can keep: it counts epoch milliseconds, so a time is accepted from 1970 up
 * to the end of 9999 — years far beyond those do not fit in a long and fail deep in a query.
 */
public final class StoredTimes {
    public static final Instant EARLIEST = Instant.EPOCH;
    public static final Instant LATEST = LocalDate.of(10_000, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();

    private StoredTimes() {}

    /**
     * A day like {@code 2026-01-31} (its UTC midnight) or an instant like {@code 2026-01-31T12:00:00Z}.
     *
     * @throws IllegalArgumentException saying which forms and years are accepted
     */
    public static Instant dayOrInstant(String text) {
        try {
            return within(text, text.contains("T") ? Instant.parse(text) : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is neither a day like 2026-01-31 nor an instant like 2026-01-31T12:00:00Z");
        }
    }

    /** @throws IllegalArgumentException when {@code time} (written {@code text}) is outside the years the store keeps */
    public static Instant within(String text, Instant time) {
        if (time.isBefore(EARLIEST) || !time.isBefore(LATEST)) {
            throw new IllegalArgumentException("'" + text + "' is outside the years 1970 to 9999 that Quarry keeps times for");
        }
        return time;
    }
}
