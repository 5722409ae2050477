package dev.quarry.budget;

import dev.quarry.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * What the ledger says a budget's scope spent in a window: read once per budget at start-up (or
 * when a budget is created), and by the CLI, never per request. Group and tag scopes count the
 * spend of who is in the group or has the tag now, as enforcement does. Rows without a cost (an
 * unpriced model) count as nothing, as they did when they were admitted.
 */
public final class LedgerSpend {
    private final Database db;

    public LedgerSpend(Database db) {
        this.db = db;
    }

    public long spentIn(Budget budget, Period.Window window) {
        String who = switch (budget.scope().kind()) {
            case PRINCIPAL -> " AND principal_id IN (SELECT id FROM principals WHERE name = ?)";
            case GROUP -> " AND principal_id IN (SELECT principal_id FROM group_members WHERE group_name = ?)";
            case TAG -> " AND principal_id IN (SELECT principal_id FROM principal_tags WHERE tag_key = ? AND tag_value = ?)";
            case ORGANISATION -> "";
        };
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT COALESCE(SUM(cost_micros), 0) FROM usage_ledger WHERE created_at >= ? AND created_at < ?" + who)) {
                s.setLong(1, window.start().toEpochMilli());
                s.setLong(2, window.end().toEpochMilli());
                Scope scope = budget.scope();
                switch (scope.kind()) {
                    case PRINCIPAL, GROUP -> s.setString(3, scope.value());
                    case TAG -> {
                        s.setString(3, scope.tagKey());
                        s.setString(4, scope.tagValue());
                    }
                    case ORGANISATION -> { }
                }
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }
}
