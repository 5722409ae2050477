package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "commitments", description = "Committed spend and its drawdown.",
        subcommands = {CommitmentsCommand.Add.class, CommitmentsCommand.ListCommitments.class, CommitmentsCommand.Report.class})
final class CommitmentsCommand {

    @Command(name = "add", description = "Record a commitment: an amount for a period at a discount on eligible usage.")
    static final class Add implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--amount", required = true, paramLabel = "USD", description = "US dollars committed.")
        BigDecimal amount;

        @Option(names = "--start", required = true, paramLabel = "DAY|INSTANT", description = "First day (2026-01-01, UTC) or instant, inclusive.")
        String start;

        @Option(names = "--end", required = true, paramLabel = "DAY|INSTANT", description = "Day after the last (UTC) or instant, exclusive.")
        String end;

        @Option(names = "--discount", required = true, description = "Fraction off list price, e.g. 0.2.")
        BigDecimal discount;

        @Option(names = "--model", description = "An eligible model (repeatable; none: every model).")
        List<String> models = new ArrayList<>();

        @Option(names = "--platform", description = "An eligible platform (repeatable; none: every platform).")
        List<String> platforms = new ArrayList<>();

        @Override
        public Integer call() {
            ObjectNode body = AdminApi.JSON.createObjectNode().put("name", name).put("amount_usd", amount).put("start", start).put("end", end)
                    .put("discount_rate", discount);
            body.set("models", AdminApi.JSON.valueToTree(models));
            body.set("platforms", AdminApi.JSON.valueToTree(platforms));
            System.out.println(Terminal.line(connection.api().post("/admin/commitments", body).path("id").asText()));
            return 0;
        }
    }

    @Command(name = "list", description = "List commitments.")
    static final class ListCommitments implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            JsonNode reply = connection.api().get("/admin/commitments");
            output.print(reply, () -> {
                Table table = new Table("NAME", "AMOUNT_USD", "START", "END", "DISCOUNT", "ELIGIBLE");
                for (JsonNode c : reply.path("commitments")) {
                    table.row(c.path("name").asText(), Table.cell(c.get("amount_usd")), Table.cell(c.get("start")), Table.cell(c.get("end")),
                            Table.cell(c.get("discount_rate")), eligible(c));
                }
                return table;
            });
            return 0;
        }

        private static String eligible(JsonNode c) {
            return (c.path("models").isEmpty() ? "every model" : Table.joined(c.path("models"))) + " on "
                    + (c.path("platforms").isEmpty() ? "every platform" : Table.joined(c.path("platforms")));
        }
    }

    @Command(name = "report", description = "Each commitment's drawdown: eligible usage at list price, drawn, remaining, effective discount.")
    static final class Report implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            JsonNode reply = connection.api().get("/admin/commitments");
            output.print(reply, () -> {
                Table table = new Table("NAME", "AMOUNT_USD", "LIST_COST_USD", "DRAWN_USD", "REMAINING_USD", "BILLED_USD", "DISCOUNT");
                for (JsonNode c : reply.path("commitments")) {
                    table.row(c.path("name").asText(), Table.cell(c.get("amount_usd")), Table.cell(c.get("list_cost_usd")),
                            Table.cell(c.get("drawn_usd")), Table.cell(c.get("remaining_usd")), Table.cell(c.get("billed_usd")),
                            Table.cell(c.get("effective_discount")));
                }
                return table;
            });
            return 0;
        }
    }
}
