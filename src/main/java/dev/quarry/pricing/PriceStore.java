package dev.quarry.pricing;

import dev.quarry.store.StoreVersions;
import dev.quarry.store.Database;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The price sheet entries loaded through the CLI or admin API. Entries are append-only: loading
 * an entry identical to a stored one is a no-op (a file can be loaded twice), but a different price
 * for a stored model, platform and day is refused, because usage was already priced by it.
 * Every change bumps the {@code pricing} store version, which running servers poll.
 */
public final class PriceStore {
    private static final String COLUMNS =
            "model, platform, effective_from, currency, input, output, cache_read, cache_write, cache_write_1h, batch_discount";

    private final Database db;
    private final Clock clock;

    public PriceStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** @return how many entries were new */
    public int add(List<PriceEntry> entries) {
        return StoreVersions.change(db, StoreVersions.PRICING, c -> {
            int added = 0;
            for (PriceEntry entry : entries) {
                Optional<PriceEntry> stored = find(c, entry);
                if (stored.isPresent()) {
                    if (!same(stored.get(), entry)) {
                        throw new PricingException(entry.model() + " on " + entry.platform() + " already has a different price from "
                                + entry.effectiveFrom() + "; prices are versioned: add an entry with a later effective_from");
                    }
                    continue;
                }
                insert(c, entry);
                added++;
            }
            return added;
        });
    }

    public List<PriceEntry> all() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM price_entries ORDER BY model, platform, effective_from");
                 ResultSet r = s.executeQuery()) {
                List<PriceEntry> entries = new ArrayList<>();
                while (r.next()) entries.add(entry(r));
                return entries;
            }
        });
    }

    private static Optional<PriceEntry> find(Connection c, PriceEntry entry) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                + " FROM price_entries WHERE model = ? AND platform = ? AND effective_from = ?")) {
            s.setString(1, entry.model());
            s.setString(2, entry.platform());
            s.setLong(3, epochMillis(entry.effectiveFrom()));
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(entry(r)) : Optional.empty();
            }
        }
    }

    private void insert(Connection c, PriceEntry e) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO price_entries (" + COLUMNS
                + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, e.model());
            s.setString(2, e.platform());
            s.setLong(3, epochMillis(e.effectiveFrom()));
            s.setString(4, e.currency());
            s.setString(5, text(e.input()));
            s.setString(6, text(e.output()));
            s.setString(7, text(e.cacheRead()));
            s.setString(8, text(e.cacheWrite()));
            s.setString(9, text(e.cacheWrite1h()));
            s.setString(10, text(e.batchDiscount()));
            s.setLong(11, clock.millis());
            s.executeUpdate();
        }
    }

    private static PriceEntry entry(ResultSet r) throws SQLException {
        return new PriceEntry(r.getString(1), r.getString(2), LocalDate.ofEpochDay(r.getLong(3) / 86_400_000L), r.getString(4),
                decimal(r.getString(5)), decimal(r.getString(6)), decimal(r.getString(7)), decimal(r.getString(8)),
                decimal(r.getString(9)), decimal(r.getString(10)));
    }

    /** Equal as prices: 3 and 3.00 are the same price, though not equal BigDecimals. */
    private static boolean same(PriceEntry a, PriceEntry b) {
        return sameNumber(a.input(), b.input()) && sameNumber(a.output(), b.output()) && sameNumber(a.cacheRead(), b.cacheRead())
                && sameNumber(a.cacheWrite(), b.cacheWrite()) && sameNumber(a.cacheWrite1h(), b.cacheWrite1h())
                && sameNumber(a.batchDiscount(), b.batchDiscount());
    }

    private static boolean sameNumber(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }

    private static long epochMillis(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    private static String text(BigDecimal d) {
        return d == null ? null : d.toPlainString();
    }

    private static BigDecimal decimal(String s) {
        return s == null ? null : new BigDecimal(s);
    }
}
