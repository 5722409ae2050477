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

    @Command(name = "report", description = "Requests, tokens and cost (USD) grouped by principal, model, tag, day, guardrail (version and what it did) or user (who a role session acted for).")
    static final class Report implements Callable<Integer> {
        @Mixin
        Options options;

        @Mixin
        ReportOptions report;

        @Option(names = "--by", required = true, description = "principal, model, tag, day, guardrail or user")
        String by;

        @Override
        public Integer call() {
            UsageReport.By grouping = UsageReport.By.of(by);
            ReportFormat output = report.format();
            try (Database db = options.load().openStore()) {
                System.out.print(output.render(grouping, new UsageReport(db).rows(grouping, report.from(), report.to())));
                return 0;
            }
        }
    }
}
