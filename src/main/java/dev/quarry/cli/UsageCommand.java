package dev.quarry.cli;

import dev.quarry.metering.ReportFormat;
import dev.quarry.metering.UsageReport;
import dev.quarry.store.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "usage", description = "Report recorded usage and cost.", subcommands = UsageCommand.Report.class)
final class UsageCommand {

    @Command(name = "report", description = "Requests, tokens and cost (USD) grouped by principal, model, tag or day.")
    static final class Report implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--by", required = true, description = "principal, model, tag or day")
        String by;

        @Option(names = "--from", required = true, description = "Day (2026-01-01, UTC midnight) or instant, inclusive.")
        String from;

        @Option(names = "--to", required = true, description = "Day or instant, exclusive.")
        String to;

        @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() {
            UsageReport.By grouping = UsageReport.By.of(by);
            ReportFormat output = ReportFormat.of(format);
            try (Database db = options.load().openStore()) {
                System.out.print(output.render(grouping, new UsageReport(db).rows(grouping, UsageReport.time(from), UsageReport.time(to))));
                return 0;
            }
        }
    }
}
