package dev.quarry.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import dev.quarry.store.StoreVersions;
import dev.quarry.testing.StoreTargets;
import java.net.URI;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Budgets in the store and the spend the ledger shows for them, on SQLite and PostgreSQL. */
class BudgetStoreTest {
    private static final Period.Window TODAY = new Period.Window(Instant.parse("2026-11-23T00:00:00Z"), Instant.parse("2026-11-24T00:00:00Z"));

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void budgetsAreStoredReadBackAndDeletedEachChangeCounted(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            BudgetStore store = new BudgetStore(db, Clock.systemUTC(), WebhookTargets.PUBLIC);
            long before = StoreVersions.read(db, StoreVersions.BUDGET);

            Budget created = store.create(new BudgetDraft("launch", "tag:team=search", "custom", "2026-11-01T00:00:00Z",
                    "2026-12-01T00:00:00Z", "1250.50", List.of(80, 50), "https://hooks.example/budget"));

            assertThat(store.get(created.id())).isEqualTo(created);
            assertThat(created.limitMicros()).isEqualTo(1_250_500_000L);
            assertThat(created.thresholds()).containsExactly(50, 80);
            assertThat(created.webhook()).isEqualTo(URI.create("https://hooks.example/budget"));
            assertThat(created.period().start()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
            assertThat(StoreVersions.read(db, StoreVersions.BUDGET)).isGreaterThan(before);
            assertThatThrownBy(() -> store.create(new BudgetDraft("launch", "organisation", "day", null, null, "1", List.of(), null)))
                    .hasMessageContaining("already exists");

            store.delete(created.id());
            assertThat(store.list()).isEmpty();
            assertThatThrownBy(() -> store.delete(created.id()))
                    .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.error().kind()).isEqualTo(ErrorKind.NOT_FOUND));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void theLedgerSpendOfEachScopeCountsItsOwnRowsInTheWindow(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            principal(db, "p-ann", "ann", "search");
            principal(db, "p-bob", "bob", "ads");
            sql(db, "INSERT INTO groups (name, created_at) VALUES ('eng', 0)");
            sql(db, "INSERT INTO group_members (group_name, principal_id) VALUES ('eng', 'p-ann')");
            spend(db, "r1", "p-ann", Instant.parse("2026-11-23T09:00:00Z"), 1_000L);
            spend(db, "r2", "p-bob", Instant.parse("2026-11-23T10:00:00Z"), 20_000L);
            spend(db, "r3", "p-ann", Instant.parse("2026-11-22T23:59:59Z"), 300_000L);
            spend(db, "r4", "p-ann", Instant.parse("2026-11-23T11:00:00Z"), null);
            LedgerSpend ledger = new LedgerSpend(db);

            assertThat(ledger.spentIn(budget("principal:ann"), TODAY)).isEqualTo(1_000);
            assertThat(ledger.spentIn(budget("group:eng"), TODAY)).isEqualTo(1_000);
            assertThat(ledger.spentIn(budget("tag:team=ads"), TODAY)).isEqualTo(20_000);
            assertThat(ledger.spentIn(budget("organisation"), TODAY)).isEqualTo(21_000);
        }
    }

    private static Budget budget(String scope) {
        return new BudgetDraft("b", scope, "day", null, null, "10", List.of(), null).withId("b");
    }

    private static void principal(Database db, String id, String name, String team) {
        sql(db, "INSERT INTO principals (id, name, kind, created_at) VALUES ('" + id + "', '" + name + "', 'USER', 0)");
        sql(db, "INSERT INTO principal_tags (principal_id, tag_key, tag_value) VALUES ('" + id + "', 'team', '" + team + "')");
    }

    private static void spend(Database db, String requestId, String principalId, Instant at, Long costMicros) {
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO usage_ledger (request_id, principal_id, surface, operation, model, input_tokens, output_tokens,
                    cache_read_tokens, cache_write_tokens, latency_ms, status, created_at, cost_micros)
                    VALUES (?, ?, 'openai.chat', 'chat', 'm', 1, 1, 0, 0, 1, 'completed', ?, ?)""")) {
                s.setString(1, requestId);
                s.setString(2, principalId);
                s.setLong(3, at.toEpochMilli());
                s.setObject(4, costMicros, java.sql.Types.BIGINT);
                return s.executeUpdate();
            }
        });
    }

    private static void sql(Database db, String statement) {
        db.transaction(c -> c.createStatement().executeUpdate(statement));
    }
}
