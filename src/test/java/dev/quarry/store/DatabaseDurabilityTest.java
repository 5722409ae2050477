package dev.quarry.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.StoreTargets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ledger.durability} is what the group commit's transactions get, read back where the store
 * applies it; every other transaction is durable against power loss whatever it says.
 */
class DatabaseDurabilityTest {
    /** SQLite's {@code PRAGMA synchronous}: 1 is NORMAL (no fsync per commit in WAL mode), 2 is FULL. */
    private static final String NORMAL = "1", FULL = "2";

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void processDurabilityRelaxesOnlyTheGroupCommit(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target), Durability.PROCESS)) {
            boolean sqlite = !db.isPostgres();
            assertThat(grouped(db)).isEqualTo(sqlite ? NORMAL : "off");
            assertThat(alone(db)).isEqualTo(sqlite ? FULL : "on");
            // and back again: the one SQLite writer switches between them
            assertThat(grouped(db)).isEqualTo(sqlite ? NORMAL : "off");
        }
    }

    /** An audit digest is anchored outside the store next: its commit is durable whatever the setting. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aDurableGroupCommitIsDurableUnderProcess(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target), Durability.PROCESS)) {
            boolean sqlite = !db.isPostgres();
            String durable = db.commitGroupedDurably(s -> setting(s.connection(), sqlite));
            assertThat(durable).isEqualTo(sqlite ? FULL : "on");
            assertThat(grouped(db)).isEqualTo(sqlite ? NORMAL : "off");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void powerDurabilityKeepsEveryCommitDurable(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target), Durability.POWER)) {
            boolean sqlite = !db.isPostgres();
            assertThat(grouped(db)).isEqualTo(sqlite ? FULL : "on");
            assertThat(alone(db)).isEqualTo(sqlite ? FULL : "on");
        }
    }

    @Test
    void theDefaultIsProcess() {
        assertThat(Durability.DEFAULT).isEqualTo(Durability.PROCESS);
    }

    /** On SQLite every transaction, grouped or not, writes on one connection, whose page cache stays warm. */
    @Test
    void sqliteWritesOnOneConnection() {
        try (Database db = Database.open(StoreTargets.freshUrl("sqlite"))) {
            Connection first = db.transaction(c -> c);
            Connection second = db.transaction(c -> c);
            Connection grouped = db.commitGrouped(Statements::connection);
            assertThat(second).isSameAs(first);
            assertThat(grouped).isSameAs(first);
        }
    }

    private static String grouped(Database db) {
        return db.commitGrouped(s -> setting(s.connection(), !db.isPostgres()));
    }

    private static String alone(Database db) {
        return db.transaction(c -> setting(c, !db.isPostgres()));
    }

    /** SQLite's synchronous level, or PostgreSQL's synchronous_commit, as the transaction sees it. */
    private static String setting(Connection c, boolean sqlite) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sqlite ? "PRAGMA synchronous" : "SHOW synchronous_commit")) {
            r.next();
            return r.getString(1);
        }
    }
}
