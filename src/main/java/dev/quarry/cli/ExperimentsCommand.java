package dev.quarry.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "experiments", description = "Report how A/B experiments' variants did.", subcommands = ExperimentsCommand.Report.class)
final class ExperimentsCommand {

    @Command(name = "report", description = "Per experiment variant: requests, error rate, latency p50/p95, cost (USD) and answer feedback.")
    static final class Report implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        ReportOptions report;

        @Option(names = "--experiment", paramLabel = "ID", description = "Only this experiment (default: every experiment).")
        String experiment;

        @Override
        public Integer call() {
            System.out.print(Terminal.text(connection.api().text(AdminApi.withQuery("/admin/experiments/report", "experiment", experiment,
                    "from", report.from, "to", report.to, "format", report.format))));
            return 0;
        }
    }
}
