package dev.quarry.cli;

import dev.quarry.catalog.Catalog;
import dev.quarry.config.QuarryConfig;
import dev.quarry.config.ConfiguredPrices;
import dev.quarry.pricing.PriceSheet;
import dev.quarry.pricing.PriceStore;
import dev.quarry.store.Database;
import java.time.Clock;
import java.util.Map;

/** The price sheet as the server builds it (configured prices plus the store's), for cost commands. */
final class CostAccess {
    private CostAccess() {}

    static PriceSheet sheet(QuarryConfig config, Catalog catalog, Database db) {
        Map<String, String> platforms = ConfiguredPrices.platforms(config);
        return new PriceSheet(new PriceStore(db, Clock.systemUTC()), ConfiguredPrices.entries(catalog.models(), platforms), platforms);
    }
}
