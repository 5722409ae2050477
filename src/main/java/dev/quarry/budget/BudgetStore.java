package dev.quarry.budget;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.StoreVersions;
import dev.quarry.store.Database;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Budgets in the store ({@code budgets}, V7). Every change bumps the {@code budget} area of
 * {@code store_versions}, which running servers poll to reload them.
 */
public final class BudgetStore {
    private static final String COLUMNS = "id, name, scope_type, scope_value, period, period_start, period_end, limit_micros, thresholds, webhook_url";

    private final Database db;
    private final Clock clock;
    private final WebhookTargets webhooks;

    /** @param webhooks where the webhooks of new budgets may point */
    public BudgetStore(Database db, Clock clock, WebhookTargets webhooks) {
        this.db = db;
        this.clock = clock;
        this.webhooks = webhooks;
    }

    /**
     * Stores a new budget under a fresh id.
     *
     * @throws QuarryException 400 naming the field at fault, or when the name is taken
     */
    public Budget create(BudgetDraft draft) {
        Budget budget = draft.withId("b-" + UUID.randomUUID());
        webhooks.checkDefinition(budget.webhook());
        return StoreVersions.change(db, StoreVersions.BUDGET, c -> {
            if (byName(c, budget.name())) throw QuarryException.invalid("name", "A budget named '" + budget.name() + "' already exists.");
            try (PreparedStatement s = c.prepareStatement("INSERT INTO budgets (" + COLUMNS + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, budget.id());
                s.setString(2, budget.name());
                s.setString(3, budget.scope().kind().name());
                s.setString(4, budget.scope().value());
                s.setString(5, budget.period().kind().name());
                setInstant(s, 6, budget.period().start());
                setInstant(s, 7, budget.period().end());
                s.setLong(8, budget.limitMicros());
                s.setString(9, budget.thresholds().stream().map(String::valueOf).collect(Collectors.joining(",")));
                s.setString(10, budget.webhook() == null ? null : budget.webhook().toString());
                s.setLong(11, clock.millis());
                s.executeUpdate();
            }
            return budget;
        });
    }

    /** @throws QuarryException 404 when there is no such budget */
    public void delete(String id) {
        StoreVersions.change(db, StoreVersions.BUDGET, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM budgets WHERE id = ?")) {
                s.setString(1, id);
                if (s.executeUpdate() == 0) throw notFound(id);
            }
            return null;
        });
    }

    public List<Budget> list() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM budgets ORDER BY name"); ResultSet r = s.executeQuery()) {
                List<Budget> budgets = new ArrayList<>();
                while (r.next()) budgets.add(budget(r));
                return budgets;
            }
        });
    }

    /** @throws QuarryException 404 when there is no such budget */
    public Budget get(String id) {
        return list().stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow(() -> notFound(id));
    }

    static QuarryException notFound(String id) {
        return QuarryException.of(ErrorKind.NOT_FOUND, "There is no budget with id '" + id + "'.");
    }

    private static boolean byName(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM budgets WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private static Budget budget(ResultSet r) throws SQLException {
        String thresholds = r.getString(9);
        String webhook = r.getString(10);
        return new Budget(r.getString(1), r.getString(2),
                new Scope(Scope.Kind.valueOf(r.getString(3)), r.getString(4)),
                new Period(Period.Kind.valueOf(r.getString(5)), instant(r, 6), instant(r, 7)),
                r.getLong(8),
                thresholds.isEmpty() ? List.of() : Arrays.stream(thresholds.split(",")).map(Integer::valueOf).toList(),
                webhook == null ? null : URI.create(webhook));
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        long millis = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static void setInstant(PreparedStatement s, int index, Instant at) throws SQLException {
        if (at == null) s.setNull(index, Types.BIGINT);
        else s.setLong(index, at.toEpochMilli());
    }
}
