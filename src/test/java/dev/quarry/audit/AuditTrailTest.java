package dev.quarry.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The trail is intact as written, and every kind of tampering with the store is caught. */
class AuditTrailTest {
    private static final Duration GRACE = Duration.ofMinutes(5);

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void anUntouchedTrailVerifiesAndCanBeQueried(String target) throws Exception {
        try (Trail trail = Trail.written(target, 25)) {
            AuditVerifier.Report report = trail.verify(Instant.now());
            assertThat(report.problems()).isEmpty();
            assertThat(report.events()).isEqualTo(25);
            assertThat(report.digests()).as("a digest every 10 events, and one when the log closes").isEqualTo(3);
            assertThat(report.uncovered()).isZero();

            List<AuditEvent> bobs = new AuditQueries(trail.db).find("bob", "quarry:InvokeModel", null, null, 100);
            assertThat(bobs).isNotEmpty().allSatisfy(e -> assertThat(e.principalName()).isEqualTo("bob"));
            assertThat(new AuditQueries(trail.db).find(null, null, Instant.now().plusSeconds(60), null, 100)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void eachKindOfTamperingIsCaught(String target) throws Exception {
        assertCaught(target, db -> update(db, "UPDATE audit_events SET decision = 'allow' WHERE seq = 6"), "event 6 (", "was changed");
        assertCaught(target, db -> update(db, "DELETE FROM audit_events WHERE seq = 12"), "events 12..12 are missing");
        assertCaught(target, db -> {
            update(db, "UPDATE audit_events SET seq = -1 WHERE seq = 4");
            update(db, "UPDATE audit_events SET seq = 4 WHERE seq = 5");
            update(db, "UPDATE audit_events SET seq = 5 WHERE seq = -1");
        }, "event 4 does not follow event 3");
        assertCaught(target, db -> update(db, "DELETE FROM audit_digests WHERE seq = 2"), "digests 2..2 are missing");
        assertCaught(target, db -> update(db, "UPDATE audit_digests SET signature = (SELECT signature FROM audit_digests WHERE seq = 1) WHERE seq = 2"),
                "digest 2 is not signed by the audit key");
        assertCaught(target, AuditTrailTest::rewriteAndRechain, "not the ones digest 1 signed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void removingTheNewestDigestLeavesOldEventsUncovered(String target) throws Exception {
        try (Trail trail = Trail.written(target, 25)) {
            update(trail.db, "DELETE FROM audit_digests WHERE seq = 3");
            assertThat(trail.verify(Instant.now()).problems()).as("recent events may wait for their digest").isEmpty();
            assertThat(trail.verify(Instant.now().plus(GRACE).plusSeconds(1)).problems())
                    .anySatisfy(p -> assertThat(p).contains("no digest covers them"));
        }
    }

    /** The clever attack: edit an event and recompute every later hash so the chain itself checks out. */
    private static void rewriteAndRechain(Database db) {
        db.transaction(c -> {
            String prev = AuditHash.GENESIS;
            List<AuditRows.Row> rows = new java.util.ArrayList<>();
            try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT " + AuditRows.COLUMNS + " FROM audit_events ORDER BY seq")) {
                while (r.next()) rows.add(AuditRows.read(r));
            }
            try (var s = c.prepareStatement("UPDATE audit_events SET decision = ?, prev_hash = ?, hash = ? WHERE seq = ?")) {
                for (AuditRows.Row row : rows) {
                    AuditEvent e = row.event();
                    if (row.seq() == 3) {
                        e = new AuditEvent(e.eventId(), e.time(), e.principalId(), e.principalName(), e.sourceIp(), e.userAgent(),
                                e.action(), e.resource(), "allow", e.decidingPolicy(), e.requestId(), null);
                    }
                    String hash = AuditHash.ofEvent(row.seq(), e, prev);
                    s.setString(1, e.decision());
                    s.setString(2, prev);
                    s.setString(3, hash);
                    s.setLong(4, row.seq());
                    s.executeUpdate();
                    prev = hash;
                }
            }
            return null;
        });
    }

    private static void assertCaught(String target, Consumer<Database> tamper, String... expected) throws Exception {
        try (Trail trail = Trail.written(target, 25)) {
            tamper.accept(trail.db);
            List<String> problems = trail.verify(Instant.now()).problems();
            assertThat(String.join("\n", problems)).as("problems found").contains(expected);
        }
    }

    private static void update(Database db, String sql) {
        db.transaction(c -> {
            try (var s = c.createStatement()) {
                return s.executeUpdate(sql);
            }
        });
    }

    /** A store with a written trail: every third event a denial, a digest every ten events. */
    private record Trail(Database db, Path dataDir) implements AutoCloseable {
        static Trail written(String target, int events) throws Exception {
            Path dir = Files.createTempDirectory("quarry-audit-");
            Database db = Database.open(StoreTargets.freshUrl(target));
            try (AuditLog log = new AuditLog(db, SigningKey.inDataDir(dir), Clock.systemUTC(), 10, Duration.ofHours(1))) {
                for (int i = 1; i <= events; i++) {
                    log.record(new AuditEvent(UUID.randomUUID().toString(), Instant.now(), "p-" + (i % 2), i % 2 == 0 ? "bob" : "alice",
                            "10.0.0." + i, "test/1.0", "quarry:InvokeModel", "model/gpt-5.5", i % 3 == 0 ? "deny" : "allow",
                            i % 3 == 0 ? null : "models/UseGpt", "req_" + i, i % 3 == 0 ? "PERMISSION_DENIED" : null));
                    if (i % 5 == 0) log.flush();
                }
            }
            return new Trail(db, dir);
        }

        AuditVerifier.Report verify(Instant now) {
            return AuditVerifier.verify(db, SigningKey.publicKeyIn(dataDir), now, GRACE);
        }

        @Override
        public void close() {
            db.close();
        }
    }
}
