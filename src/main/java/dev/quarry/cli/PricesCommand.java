package dev.quarry.cli;

import dev.quarry.config.Assembly;
import dev.quarry.config.QuarryConfig;
import dev.quarry.pricing.PriceEntry;
import dev.quarry.pricing.PriceFile;
import dev.quarry.pricing.PriceStore;
import dev.quarry.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "prices", description = "Manage the price sheet.", subcommands = {PricesCommand.Load.class, PricesCommand.ListPrices.class})
final class PricesCommand {

    @Command(name = "load", description = "Add price entries from a YAML or JSON list; running servers pick them up within a second.")
    static final class Load implements Callable<Integer> {
        @Mixin
        Options options;

        @Parameters(paramLabel = "FILE", description = "A list of {model, platform, effective_from, input, output, …} entries.")
        Path file;

        @Override
        public Integer call() {
            List<PriceEntry> entries = PriceFile.read(file);
            try (Database db = options.load().openStore()) {
                int added = new PriceStore(db, Clock.systemUTC()).add(entries);
                System.out.printf("%d price entries read, %d new%n", entries.size(), added);
                return 0;
            }
        }
    }

    @Command(name = "list", description = "List the price sheet: configured prices and loaded entries, in USD per million tokens.")
    static final class ListPrices implements Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() {
            QuarryConfig config = options.load();
            try (Database db = config.openStore()) {
                String format = "%-28s %-9s %-11s %9s %9s %10s %11s %14s %6s%n";
                System.out.printf(format, "MODEL", "PLATFORM", "FROM", "INPUT", "OUTPUT", "CACHE_READ", "CACHE_WRITE", "CACHE_WRITE_1H", "BATCH");
                for (PriceEntry e : CostAccess.sheet(config, Assembly.catalog(config), db).entries()) {
                    System.out.printf(format, e.model(), e.platform(), e.effectiveFrom(), plain(e.input()), plain(e.output()),
                            plain(e.cacheRead()), plain(e.cacheWrite()), plain(e.cacheWrite1h()), plain(e.batchDiscount()));
                }
                return 0;
            }
        }

        private static String plain(BigDecimal d) {
            return d == null ? "-" : d.toPlainString();
        }
    }
}
