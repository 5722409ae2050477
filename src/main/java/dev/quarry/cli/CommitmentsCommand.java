package dev.quarry.cli;

import dev.quarry.metering.UsageReport;
import dev.quarry.pricing.Commitment;
import dev.quarry.pricing.CommitmentStore;
import dev.quarry.pricing.Drawdown;
import dev.quarry.store.Database;
import dev.quarry.store.StoredTimes;
import java.math.BigDecimal;
import java.time.Clock;
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
        Options options;

        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--amount", required = true, description = "US dollars committed.")
        BigDecimal amount;

        @Option(names = "--start", required = true, description = "First day (2026-01-01, UTC), inclusive.")
        String start;

        @Option(names = "--end", required = true, description = "Day after the last (UTC), exclusive.")
        String end;

        @Option(names = "--discount", required = true, description = "Fraction off list price, e.g. 0.2.")
        BigDecimal discount;

        @Option(names = "--model", description = "An eligible model (repeatable; none: every model).")
        List<String> models = new ArrayList<>();

        @Option(names = "--platform", description = "An eligible platform (repeatable; none: every platform).")
        List<String> platforms = new ArrayList<>();

        @Override
        public Integer call() {
            try (Database db = options.load().openStore()) {
                Commitment c = new CommitmentStore(db, Clock.systemUTC()).add(name, amount, StoredTimes.dayOrInstant(start), StoredTimes.dayOrInstant(end),
                        discount, models, platforms);
                System.out.println(c.id());
                return 0;
            }
        }
    }

    @Command(name = "list", description = "List commitments.")
    static final class ListCommitments implements Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() {
            try (Database db = options.load().openStore()) {
                String format = "%-20s %12s %-22s %-22s %8s  %s%n";
                System.out.printf(format, "NAME", "AMOUNT_USD", "START", "END", "DISCOUNT", "ELIGIBLE");
                for (Commitment c : new CommitmentStore(db, Clock.systemUTC()).all()) {
                    System.out.printf(format, c.name(), c.amount().toPlainString(), c.start(), c.end(), c.discountRate().toPlainString(),
                            eligible(c));
                }
                return 0;
            }
        }

        private static String eligible(Commitment c) {
            return (c.models().isEmpty() ? "every model" : String.join(",", c.models())) + " on "
                    + (c.platforms().isEmpty() ? "every platform" : String.join(",", c.platforms()));
        }
    }

    @Command(name = "report", description = "Each commitment's drawdown: eligible usage at list price, drawn, remaining, effective discount.")
    static final class Report implements Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() {
            try (Database db = options.load().openStore()) {
                UsageReport usage = new UsageReport(db);
                String format = "%-20s %12s %14s %14s %14s %14s %9s%n";
                System.out.printf(format, "NAME", "AMOUNT_USD", "LIST_COST_USD", "DRAWN_USD", "REMAINING_USD", "BILLED_USD", "DISCOUNT");
                for (Commitment c : new CommitmentStore(db, Clock.systemUTC()).all()) {
                    Drawdown d = Drawdown.of(c, usage.daily(c.start(), c.end()));
                    System.out.printf(format, c.name(), c.amount().toPlainString(), d.listCost().toPlainString(), d.drawn().toPlainString(),
                            d.remaining().toPlainString(), d.billed().toPlainString(), d.effectiveDiscount().toPlainString());
                }
                return 0;
            }
        }
    }
}
