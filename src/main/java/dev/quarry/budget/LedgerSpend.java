package dev.quarry.budget;

import dev.quarry.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the ledger says a budget's scope spent in a window: read once per budget at start-up (or
 * when a budget is created), and by the CLI, never per request. Group and tag scopes count the
 * spend of who is in the group or has the tag now, as enforcement does. A call through an assumed
 * role counts for the budgets of the role and of the user who assumed it (on_behalf_of), as
 * BudgetStep reserves on both while it runs; once per budget, even when both are in its scope.
 * Rows without a cost (an unpriced model) count as nothing, as they did when they were admitted.
 */
public final class LedgerSpend {
    private final Database db;

    public LedgerSpend(Database db) {
        this.db = db;
    }

    public long spentIn(Budget budget, Period.Window window) {
        Scope scope = budget.scope();
        String members = switch (scope.kind()) {
            case PRINCIPAL -> "SELECT id FROM principals WHERE name = ?";
            case GROUP -> "SELECT principal_id FROM group_members WHERE group_name = ?";
            case TAG -> "SELECT principal_id FROM principal_tags WHERE tag_key = ? AND tag_value = ?";
            case ORGANISATION -> null;
        };
        List<String> values = switch (scope.kind()) {
            case PRINCIPAL, GROUP -> List.of(scope.value());
            case TAG -> List.of(scope.tagKey(), scope.tagValue());
            case ORGANISATION -> List.of();
        };
        String who = members == null ? "" : " AND (principal_id IN (" + members + ") OR on_behalf_of IN (" + members + "))";
        List<String> bound = members == null ? List.of() : Stream.concat(values.stream(), values.stream()).toList(); // once per IN
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT COALESCE(SUM(cost_micros), 0) FROM usage_ledger WHERE created_at >= ? AND created_at < ?" + who)) {
                s.setLong(1, window.start().toEpochMilli());
                s.setLong(2, window.end().toEpochMilli());
                for (int i = 0; i < bound.size(); i++) s.setString(3 + i, bound.get(i));
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }

    /** What a managed-agent session's model calls cost, in micro-dollars. */
    public long spentBySession(String sessionId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(SUM(cost_micros), 0) FROM usage_ledger WHERE session_id = ?")) {
                s.setString(1, sessionId);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }
}
