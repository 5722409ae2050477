package dev.quarry.cli;

import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.config.Assembly;
import dev.quarry.config.QuarryConfig;
import dev.quarry.metering.UsageReport;
import dev.quarry.pricing.Platforms;
import dev.quarry.pricing.WhatIf;
import dev.quarry.store.Database;
import dev.quarry.store.StoredTimes;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cost", description = "Model what usage would cost elsewhere.", subcommands = CostCommand.WhatIfCommand.class)
final class CostCommand {

    @Command(name = "whatif", description = "Reprice recorded usage as if another model (and platform) had served it; "
            + "token counts are scaled by the tokenizer ratio between model families.")
    static final class WhatIfCommand implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--from", required = true, description = "Day or instant, inclusive.")
        String from;

        @Option(names = "--to", required = true, description = "Day or instant, exclusive.")
        String to;

        @Option(names = "--model", required = true, description = "The model to price the usage at.")
        String model;

        @Option(names = "--platform", defaultValue = Platforms.DIRECT, description = "Its platform (default: ${DEFAULT-VALUE}).")
        String platform;

        @Option(names = "--batch", description = "Price at the target's batch tier, where it has one.")
        boolean batch;

        @Override
        public Integer call() {
            QuarryConfig config = options.load();
            Catalog catalog = Assembly.catalog(config);
            Map<String, String> families = catalog.models().stream().collect(Collectors.toMap(ModelEntry::id, ModelEntry::family));
            Function<String, String> familyOf = id -> families.getOrDefault(id, "custom");
            try (Database db = config.openStore()) {
                var usage = new UsageReport(db).daily(StoredTimes.dayOrInstant(from), StoredTimes.dayOrInstant(to));
                WhatIf w = WhatIf.reprice(usage, model, Platforms.require(platform), batch, CostAccess.sheet(config, catalog, db), familyOf);
                System.out.printf("%d requests from %s to %s%s%n", w.requests(), from, to,
                        w.unpricedBefore() == 0 ? "" : " (" + w.unpricedBefore() + " were unpriced and add nothing to the recorded cost)");
                System.out.printf("recorded cost:        $%s%n", dollars(w.oldCost()));
                System.out.printf("as %s on %s%s: $%s%n", w.model(), w.platform(), batch ? " (batch)" : "", dollars(w.newCost()));
                System.out.printf("difference:           %s$%s%n", w.difference().signum() < 0 ? "-" : "+", dollars(w.difference().abs()));
                return 0;
            }
        }

        private static String dollars(BigDecimal amount) {
            return amount.setScale(6, RoundingMode.HALF_UP).toPlainString();
        }
    }
}
