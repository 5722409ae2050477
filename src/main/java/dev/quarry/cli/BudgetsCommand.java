package dev.quarry.cli;

import dev.quarry.budget.Budget;
import dev.quarry.budget.BudgetDraft;
import dev.quarry.budget.BudgetStore;
import dev.quarry.budget.WebhookTargets;
import dev.quarry.budget.LedgerSpend;
import dev.quarry.budget.Micros;
import dev.quarry.budget.Period;
import dev.quarry.store.Database;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quarry budgets}: works on the store directly, as the other operator commands do; a running
 * server picks the change up within a poll. {@code status} reads the ledger, so it shows what has
 * been spent, not what requests in flight on a server have reserved (the admin API shows that).
 */
@Command(name = "budgets", description = "Manage spending limits on principals, groups, tags and the organisation.",
        subcommands = {BudgetsCommand.Create.class, BudgetsCommand.ListBudgets.class, BudgetsCommand.Delete.class, BudgetsCommand.Status.class})
final class BudgetsCommand {

    @Command(name = "create", description = "Create a budget.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--scope", required = true, paramLabel = "SCOPE",
                description = "principal:NAME, group:NAME, tag:KEY=VALUE or organisation.")
        String scope;

        @Option(names = "--period", required = true, description = "day, month or custom (UTC).")
        String period;

        @Option(names = "--start", paramLabel = "INSTANT", description = "Custom period start, e.g. 2026-07-01T00:00:00Z.")
        String start;

        @Option(names = "--end", paramLabel = "INSTANT", description = "Custom period end (exclusive).")
        String end;

        @Option(names = "--limit", required = true, paramLabel = "USD", description = "Hard limit in US dollars, e.g. 25.00.")
        String limit;

        @Option(names = "--threshold", paramLabel = "PERCENT", description = "A soft threshold to alert at; repeatable.")
        List<Integer> thresholds = List.of();

        @Option(names = "--webhook", paramLabel = "URL", description = "Where threshold alerts are POSTed (they are logged regardless).")
        String webhook;

        @Override
        public Integer call() {
            Budget budget = with(options, (store, ledger) -> store.create(new BudgetDraft(name, scope, period, start, end, limit, thresholds, webhook)));
            System.out.println(line(budget));
            return 0;
        }
    }

    @Command(name = "list", description = "List budgets.")
    static final class ListBudgets implements Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() {
            with(options, (store, ledger) -> store.list()).forEach(b -> System.out.println(line(b)));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a budget.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--id", required = true)
        String id;

        @Override
        public Integer call() {
            with(options, (store, ledger) -> {
                store.delete(id);
                return null;
            });
            return 0;
        }
    }

    @Command(name = "status", description = "Show what a budget's scope has spent in its current period.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--id", required = true)
        String id;

        @Override
        public Integer call() {
            String report = with(options, (store, ledger) -> {
                Budget budget = store.get(id);
                return budget.period().windowAt(Instant.now())
                        .map(window -> status(budget, window, ledger.spentIn(budget, window)))
                        .orElse(line(budget) + "  not in force now");
            });
            System.out.println(report);
            return 0;
        }
    }

    private static String status(Budget budget, Period.Window window, long spent) {
        String crossed = budget.thresholds().stream().filter(t -> budget.reached(t, spent))
                .map(t -> t + "%").collect(Collectors.joining(","));
        return "%s%nperiod %s .. %s  limit %s  spent %s  remaining %s  thresholds crossed: %s".formatted(line(budget), window.start(),
                window.end(), Micros.format(budget.limitMicros()), Micros.format(spent),
                Micros.format(Math.max(0, budget.limitMicros() - spent)), crossed.isEmpty() ? "none" : crossed);
    }

    /** One line per budget: id, name, scope, period, limit, thresholds. */
    private static String line(Budget b) {
        return "%-40s %-20s %-28s %-7s %12s %s".formatted(b.id(), b.name(), b.scope().wire(), b.period().wire(),
                Micros.format(b.limitMicros()), b.thresholds().stream().map(t -> t + "%").collect(Collectors.joining(","))).stripTrailing();
    }

    private interface Work<T> {
        T run(BudgetStore store, LedgerSpend ledger);
    }

    private static <T> T with(Options options, Work<T> work) {
        try (Database db = options.load().openStore()) {
            return work.run(new BudgetStore(db, Clock.systemUTC(), WebhookTargets.from(System::getenv)), new LedgerSpend(db));
        }
    }
}
