package dev.quarry.budget;

import dev.quarry.canonical.QuarryException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The span a budget's spend is counted over, in UTC: each calendar day, each calendar month, or
 * one custom window. A custom budget governs nothing before its start or after its end.
 *
 * @param start the custom window's start; {@code null} for day and month
 * @param end   the custom window's end, exclusive; {@code null} for day and month
 */
public record Period(Kind kind, Instant start, Instant end) {
    public enum Kind { DAY, MONTH, CUSTOM }

    /** A stretch of time, end exclusive. */
    public record Window(Instant start, Instant end) {
        boolean contains(Instant at) {
            return !at.isBefore(start) && at.isBefore(end);
        }
    }

    public Period {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.CUSTOM) != (start != null && end != null)) throw new IllegalArgumentException("a custom period has a start and an end");
        if (kind == Kind.CUSTOM && !start.isBefore(end)) throw QuarryException.invalid("end", "A custom period must end after it starts.");
    }

    /** @throws QuarryException 400 naming the accepted values */
    public static Period of(String kind, Instant start, Instant end) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "day" -> new Period(Kind.DAY, null, null);
            case "month" -> new Period(Kind.MONTH, null, null);
            case "custom" -> {
                if (start == null || end == null) throw QuarryException.invalid("start", "A custom period needs a start and an end.");
                yield new Period(Kind.CUSTOM, start, end);
            }
            default -> throw QuarryException.invalid("period", "'" + kind + "' is not a budget period; use day, month or custom.");
        };
    }

    /** The window that contains {@code at}; empty when a custom period is not in force then. */
    public Optional<Window> windowAt(Instant at) {
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        return switch (kind) {
            case DAY -> Optional.of(window(day, day.plusDays(1)));
            case MONTH -> Optional.of(window(day.withDayOfMonth(1), day.withDayOfMonth(1).plusMonths(1)));
            case CUSTOM -> Optional.of(new Window(start, end)).filter(w -> w.contains(at));
        };
    }

    public String wire() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static Window window(LocalDate from, LocalDate to) {
        return new Window(from.atStartOfDay(ZoneOffset.UTC).toInstant(), to.atStartOfDay(ZoneOffset.UTC).toInstant());
    }
}
