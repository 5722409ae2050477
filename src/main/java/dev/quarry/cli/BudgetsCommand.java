package dev.quarry.cli;

import static dev.quarry.cli.AdminApi.encoded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quarry budgets}: the admin API's budget calls. {@code status} shows where a budget stands
 * on the server called: spent, and reserved by its requests in flight.
 */
@Command(name = "budgets", description = "Manage spending limits on principals, groups, tags and the organisation.",
        subcommands = {BudgetsCommand.Create.class, BudgetsCommand.ListBudgets.class, BudgetsCommand.Delete.class, BudgetsCommand.Status.class})
final class BudgetsCommand {

    @Command(name = "create", description = "Create a budget.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--scope", required = true, paramLabel = "SCOPE",
                description = "principal:NAME, group:NAME, tag:KEY=VALUE or organisation.")
        String scope;

        @Option(names = "--period", required = true, description = "day, month or custom (UTC).")
        String period;

        @Option(names = "--start", paramLabel = "DAY|INSTANT", description = "Custom period start: 2026-07-01 or 2026-07-01T00:00:00Z.")
        String start;

        @Option(names = "--end", paramLabel = "DAY|INSTANT", description = "Custom period end (exclusive).")
        String end;

        @Option(names = "--limit", required = true, paramLabel = "USD", description = "Hard limit in US dollars, e.g. 25.00.")
        String limit;

        @Option(names = "--threshold", paramLabel = "PERCENT", description = "A soft threshold to alert at; repeatable.")
        List<Integer> thresholds = List.of();

        @Option(names = "--webhook", paramLabel = "URL", description = "Where threshold alerts are POSTed (they are logged regardless).")
        String webhook;

        @Override
        public Integer call() {
            ObjectNode body = AdminApi.JSON.createObjectNode().put("name", name).put("scope", scope).put("period", period)
                    .put("start", start).put("end", end).put("limit_usd", limit).put("webhook_url", webhook);
            body.set("thresholds", AdminApi.JSON.valueToTree(thresholds));
            System.out.print(table().row(row(connection.api().post("/admin/budgets", body))).render());
            return 0;
        }
    }

    @Command(name = "list", description = "List budgets.")
    static final class ListBudgets implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            JsonNode reply = connection.api().get("/admin/budgets");
            output.print(reply, () -> {
                Table table = table();
                reply.path("budgets").forEach(b -> table.row(row(b)));
                return table;
            });
            return 0;
        }
    }

    /** A budget named by its name or its id. */
    abstract static class OneBudget implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = {"--name", "--id"}, required = true, paramLabel = "NAME|ID", description = "The budget's name or id.")
        String budget;

        /** The id of the budget named, asking the server for its budgets when given a name. */
        String id(AdminApi api) {
            List<String> ids = new ArrayList<>();
            for (JsonNode b : api.get("/admin/budgets").path("budgets")) {
                if (b.path("id").asText().equals(budget)) return budget;
                if (b.path("name").asText().equals(budget)) ids.add(b.path("id").asText());
            }
            if (ids.size() == 1) return ids.getFirst();
            throw new CliFailure(ids.isEmpty() ? "There is no budget named '" + budget + "' (see 'quarry budgets list')."
                    : ids.size() + " budgets are named '" + budget + "'; give one's id: " + String.join(", ", ids));
        }
    }

    @Command(name = "delete", description = "Delete a budget.")
    static final class Delete extends OneBudget {
        @Override
        public Integer call() {
            AdminApi api = connection.api();
            String id = id(api);
            api.delete("/admin/budgets/" + encoded(id));
            System.out.println("deleted " + id);
            return 0;
        }
    }

    @Command(name = "status", description = "Show where a budget stands in its current period: spent, reserved by requests in flight, remaining.")
    static final class Status extends OneBudget {
        @Mixin
        Output output;

        @Override
        public Integer call() {
            AdminApi api = connection.api();
            JsonNode s = api.get("/admin/budgets/" + encoded(id(api)) + "/status");
            output.print(s, () -> new Table("NAME", "PERIOD_START", "PERIOD_END", "LIMIT_USD", "SPENT_USD", "RESERVED_USD", "REMAINING_USD",
                    "THRESHOLDS_CROSSED").row(s.path("name").asText(), Table.cell(s.get("period_start")), Table.cell(s.get("period_end")),
                    Table.cell(s.get("limit_usd")), Table.cell(s.get("spent_usd")), Table.cell(s.get("reserved_usd")),
                    Table.cell(s.get("remaining_usd")), s.path("thresholds_crossed").isEmpty() ? "none" : percents(s.path("thresholds_crossed"))));
            return 0;
        }
    }

    static Table table() {
        return new Table("ID", "NAME", "SCOPE", "PERIOD", "LIMIT_USD", "THRESHOLDS");
    }

    static String[] row(JsonNode b) {
        return new String[] {b.path("id").asText(), b.path("name").asText(), b.path("scope").asText(), b.path("period").asText(),
                Table.cell(b.get("limit_usd")), percents(b.path("thresholds"))};
    }

    private static String percents(JsonNode list) {
        List<String> percents = new ArrayList<>();
        list.forEach(t -> percents.add(t.asText() + "%"));
        return String.join(",", percents);
    }
}
