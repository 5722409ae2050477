package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cost", description = "Model what usage would cost elsewhere.", subcommands = CostCommand.WhatIfCommand.class)
final class CostCommand {

    @Command(name = "whatif", description = "Reprice recorded usage as if another model (and platform) had served it; "
            + "token counts are scaled by the tokenizer ratio between model families.")
    static final class WhatIfCommand implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Option(names = "--from", required = true, paramLabel = "DAY|INSTANT", description = "Day or instant, inclusive.")
        String from;

        @Option(names = "--to", required = true, paramLabel = "DAY|INSTANT", description = "Day or instant, exclusive.")
        String to;

        @Option(names = "--model", required = true, description = "The model to price the usage at.")
        String model;

        @Option(names = "--platform", description = "Its platform (default: the server's, direct).")
        String platform;

        @Option(names = "--batch", description = "Price at the target's batch tier, where it has one.")
        boolean batch;

        @Override
        public Integer call() {
            JsonNode w = connection.api().get(AdminApi.withQuery("/admin/cost/whatif", "from", from, "to", to, "model", model,
                    "platform", platform, "batch", Boolean.toString(batch)));
            output.print(w, () -> new Table("REQUESTS", "UNPRICED", "RECORDED_USD", "AS", "PLATFORM", "BATCH", "WHATIF_USD", "DIFFERENCE_USD")
                    .row(Table.cell(w.get("requests")), Table.cell(w.get("unpriced_requests")), Table.cell(w.get("recorded_cost_usd")),
                            Table.cell(w.get("model")), Table.cell(w.get("platform")), Table.cell(w.get("batch")),
                            Table.cell(w.get("whatif_cost_usd")), Table.cell(w.get("difference_usd"))));
            return 0;
        }
    }
}
