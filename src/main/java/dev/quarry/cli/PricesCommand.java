package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.pricing.PriceFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "prices", description = "Manage the price sheet.", subcommands = {PricesCommand.Load.class, PricesCommand.ListPrices.class})
final class PricesCommand {

    @Command(name = "load", description = "Add price entries from a YAML or JSON list; the server uses them when the command returns.")
    static final class Load implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Parameters(paramLabel = "FILE", description = "A list of {model, platform, effective_from, input, output, …} entries.")
        Path file;

        @Override
        public Integer call() {
            // Read here, so a mistake in the file is reported with its place in the file before anything is sent.
            var entries = PriceFile.read(file);
            ObjectNode body = AdminApi.JSON.createObjectNode();
            body.set("prices", PriceFile.json(entries));
            JsonNode reply = connection.api().put("/admin/prices", body);
            System.out.printf("%d price entries read, %d new%n", entries.size(), reply.path("added").asInt());
            return 0;
        }
    }

    @Command(name = "list", description = "List the price sheet: configured prices and loaded entries, in USD per million tokens.")
    static final class ListPrices implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            JsonNode reply = connection.api().get("/admin/prices");
            output.print(reply, () -> {
                Table table = new Table("MODEL", "PLATFORM", "FROM", "INPUT", "OUTPUT", "CACHE_READ", "CACHE_WRITE", "CACHE_WRITE_1H", "BATCH");
                for (JsonNode e : reply.path("prices")) {
                    table.row(Table.cell(e.get("model")), Table.cell(e.get("platform")), Table.cell(e.get("effective_from")),
                            Table.cell(e.get("input")), Table.cell(e.get("output")), Table.cell(e.get("cache_read")),
                            Table.cell(e.get("cache_write")), Table.cell(e.get("cache_write_1h")), Table.cell(e.get("batch_discount")));
                }
                return table;
            });
            return 0;
        }
    }
}
