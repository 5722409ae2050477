package dev.quarry.cli;

import dev.quarry.metering.ReportFormat;
import dev.quarry.store.StoredTimes;
import java.time.Instant;
import picocli.CommandLine.Option;

/** The time range and output format every ledger report takes. */
final class ReportOptions {
    @Option(names = "--from", required = true, description = "Day (2026-01-01, UTC midnight) or instant, inclusive.")
    String from;

    @Option(names = "--to", required = true, description = "Day or instant, exclusive.")
    String to;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    String format;

    Instant from() {
        return StoredTimes.dayOrInstant(from);
    }

    Instant to() {
        return StoredTimes.dayOrInstant(to);
    }

    ReportFormat format() {
        return ReportFormat.of(format);
    }
}
