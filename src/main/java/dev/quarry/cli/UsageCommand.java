package dev.quarry.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "usage", description = "Report recorded usage and cost.", subcommands = UsageCommand.Report.class)
final class UsageCommand {

    @Command(name = "report", description = "Requests, tokens and cost (USD) grouped by principal, model, tag, day, guardrail (version and what it did), "
            + "user (who a role session acted for), session (managed-agent session) or agent (the session's saved agent, else 'inline'); "
            + "session and agent count only the model calls of agent sessions.")
    static final class Report implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        ReportOptions report;

        @Option(names = "--by", required = true, description = "principal, model, tag, day, guardrail, user, session or agent")
        String by;

        @Override
        public Integer call() {
            System.out.print(Terminal.text(connection.api().text(AdminApi.withQuery("/admin/usage/report", "by", by, "from", report.from, "to", report.to,
                    "format", report.format))));
            return 0;
        }
    }
}
