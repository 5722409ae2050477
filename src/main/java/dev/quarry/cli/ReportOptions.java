package dev.quarry.cli;

import picocli.CommandLine.Option;

/** The time range and output format every ledger report takes; the server checks and renders them. */
final class ReportOptions {
    @Option(names = "--from", required = true, paramLabel = "DAY|INSTANT",
            description = "Day (2026-11-01, UTC midnight) or instant (2026-11-01T00:00:00Z), inclusive.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "DAY|INSTANT", description = "Day or instant, exclusive.")
    String to;

    @Option(names = {"--output", "--format"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    String format;
}
