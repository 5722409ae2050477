package dev.quarry.pricing;

import dev.quarry.store.Database;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Commitments in the store. Read only by reports, so no cache and no store version. */
public final class CommitmentStore {
    private final Database db;
    private final Clock clock;

    public CommitmentStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** @throws PricingException when invalid or when the name is taken */
    public Commitment add(String name, BigDecimal amount, Instant start, Instant end, BigDecimal discountRate,
                          List<String> models, List<String> platforms) {
        Commitment c = new Commitment("cmt_" + UUID.randomUUID(), name, amount, start, end, discountRate, models, platforms);
        db.transaction(conn -> {
            try (PreparedStatement taken = conn.prepareStatement("SELECT 1 FROM commitments WHERE name = ?")) {
                taken.setString(1, name);
                try (ResultSet r = taken.executeQuery()) {
                    if (r.next()) throw new PricingException("a commitment named '" + name + "' already exists");
                }
            }
            try (PreparedStatement s = conn.prepareStatement("""
                    INSERT INTO commitments (id, name, amount_micros, currency, period_start, period_end, discount_rate, models,
                        platforms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                s.setString(1, c.id());
                s.setString(2, c.name());
                s.setLong(3, Money.toMicros(c.amount()));
                s.setString(4, Money.USD);
                s.setLong(5, c.start().toEpochMilli());
                s.setLong(6, c.end().toEpochMilli());
                s.setString(7, c.discountRate().toPlainString());
                s.setString(8, String.join(",", c.models()));
                s.setString(9, String.join(",", c.platforms()));
                s.setLong(10, clock.millis());
                return s.executeUpdate();
            }
        });
        return c;
    }

    /** Every commitment, by start of period. */
    public List<Commitment> all() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT id, name, amount_micros, period_start, period_end, discount_rate, models, platforms
                    FROM commitments ORDER BY period_start, name""");
                 ResultSet r = s.executeQuery()) {
                List<Commitment> all = new ArrayList<>();
                while (r.next()) {
                    all.add(new Commitment(r.getString(1), r.getString(2), Money.fromMicros(r.getLong(3)),
                            Instant.ofEpochMilli(r.getLong(4)), Instant.ofEpochMilli(r.getLong(5)), new BigDecimal(r.getString(6)),
                            list(r.getString(7)), list(r.getString(8))));
                }
                return all;
            }
        });
    }

    private static List<String> list(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }
}
