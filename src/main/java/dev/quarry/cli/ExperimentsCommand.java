package dev.quarry.cli;

import dev.quarry.metering.ExperimentReport;
import dev.quarry.metering.ReportFormat;
import dev.quarry.store.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "experiments", description = "Report how A/B experiments' variants did.", subcommands = ExperimentsCommand.Report.class)
final class ExperimentsCommand {

    @Command(name = "report", description = "Per experiment variant: requests, error rate, latency p50/p95, cost (USD) and answer feedback.")
    static final class Report implements Callable<Integer> {
        @Mixin
        Options options;

        @Mixin
        ReportOptions report;

        @Option(names = "--experiment", paramLabel = "ID", description = "Only this experiment (default: every experiment).")
        String experiment;

        @Override
        public Integer call() {
            ReportFormat output = report.format();
            try (Database db = options.load().openStore()) {
                System.out.print(ExperimentReport.render(output, new ExperimentReport(db).rows(experiment, report.from(), report.to())));
                return 0;
            }
        }
    }
}
