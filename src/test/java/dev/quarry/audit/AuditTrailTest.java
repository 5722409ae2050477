package dev.quarry.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.store.Database;
import dev.quarry.testing.QuarryCli;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestQuarry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
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

            List<AuditEvent> bobs = new AuditQueries(trail.db).find("bob", "quarry:InvokeModel", null, null, null, 100);
            assertThat(bobs).isNotEmpty().allSatisfy(e -> assertThat(e.principalName()).isEqualTo("bob"));
            assertThat(new AuditQueries(trail.db).find(null, null, null, Instant.now().plusSeconds(60), null, 100)).isEmpty();
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
    void removingTheNewestDigestIsCaughtByTheAnchorAndLeavesOldEventsUncovered(String target) throws Exception {
        try (Trail trail = Trail.written(target, 25)) {
            update(trail.db, "DELETE FROM audit_digests WHERE seq = 3");
            assertThat(trail.verify(Instant.now()).problems()).containsExactly(
                    "digests 3..3 are missing: the anchor holds them, the store does not (removed)");
            assertThat(trail.verify(Instant.now().plus(GRACE).plusSeconds(1)).problems())
                    .anySatisfy(p -> assertThat(p).contains("no digest covers them"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void hostileFieldsAreStoredBoundedAndTheWriterGoesOn(String target) throws Exception {
        try (Trail trail = Trail.empty(target)) {
            try (AuditLog log = trail.open()) {
                AuditEvent normal = event(1);
                log.record(withUserAgent(normal, "M".repeat(600)));
                log.record(new AuditEvent(UUID.randomUUID().toString(), Instant.now(), null, "nul\0name", "10.0.0.1", "ua\0\uD800",
                        "quarry:InvokeModel", "model/" + "x".repeat(350), "deny", null, "req_nul", "AUTHENTICATION"));
                log.record(withUserAgent(normal, "é".repeat(15_000)));
                for (int i = 2; i <= 6; i++) log.record(event(i));
            }
            assertThat(trail.verify(Instant.now()).problems()).isEmpty();
            assertThat(count(trail.db, "SELECT COUNT(*) FROM audit_events")).isEqualTo(8);
            List<AuditEvent> stored = new AuditQueries(trail.db).find(null, null, null, null, null, 100);
            assertThat(stored).extracting(AuditEvent::userAgent).contains("M".repeat(256 - "…(600 chars)".getBytes(UTF_8).length) + "…(600 chars)");
            assertThat(stored).allSatisfy(e -> {
                assertThat(e.userAgent() == null ? 0 : e.userAgent().getBytes(UTF_8).length).isLessThanOrEqualTo(256);
                assertThat(e.resource().length()).isLessThanOrEqualTo(300);
            });
            assertThat(stored).filteredOn(e -> "req_nul".equals(e.requestId())).singleElement().satisfies(e -> {
                assertThat(e.principalName()).isEqualTo("nul\uFFFDname");
                assertThat(e.userAgent()).isEqualTo("ua\uFFFD\uFFFD");
                assertThat(e.resource()).startsWith("model/xxx").endsWith("…(356 chars)");
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void anEventTheStoreRefusesIsReplacedInTheChainAndTheRestIsWritten(String target) throws Exception {
        try (Trail trail = Trail.empty(target)) {
            try (AuditLog log = trail.open()) {
                AuditEvent first = event(1);
                log.record(first);
                log.flush();
                for (int i = 2; i <= 4; i++) log.record(event(i));
                log.record(first); // the same event id again: the store's unique key refuses it, and only it
                for (int i = 5; i <= 8; i++) log.record(event(i));
                assertThat(log.flush()).isTrue();
            }
            assertThat(trail.verify(Instant.now()).problems()).isEmpty();
            assertThat(count(trail.db, "SELECT COUNT(*) FROM audit_events")).isEqualTo(9);
            assertThat(new AuditQueries(trail.db).find(null, AuditFields.UNRECORDED, null, null, null, 10)).singleElement()
                    .satisfies(e -> assertThat(e.errorCode()).isEqualTo("UNRECORDABLE"));
            assertThat(new AuditQueries(trail.db).find(null, "quarry:InvokeModel", null, null, null, 100)).extracting(AuditEvent::requestId)
                    .containsExactlyInAnyOrder("req_1", "req_2", "req_3", "req_4", "req_5", "req_6", "req_7", "req_8");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void whileTheStoreIsBlockedTheQueueIsBoundedAndTheLossIsRecorded(String target) throws Exception {
        int capacity = 10, sent = 40;
        try (Trail trail = Trail.empty(target)) {
            try (AuditLog log = new AuditLog(trail.db, SigningKey.inDataDir(trail.dataDir), AuditAnchor.inDataDir(trail.dataDir),
                    Clock.systemUTC(), 1000, Duration.ofHours(1), capacity)) {
                try (StoreLock lock = StoreLock.take(trail.url, target)) {
                    for (int i = 1; i <= sent; i++) log.record(event(i));
                }
            }
            assertThat(trail.verify(Instant.now()).problems()).isEmpty();
            int kept = count(trail.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'quarry:InvokeModel'");
            long dropped = new AuditQueries(trail.db).find(null, AuditFields.DROPPED, null, null, null, 10).stream()
                    .mapToLong(e -> Long.parseLong(e.resource().substring("audit/dropped/".length()))).sum();
            // The writer's batch is what it took before the lock: one event, and the queue it drained behind it.
            assertThat(kept).as("at most a full queue and the batch the writer held").isLessThanOrEqualTo(2 * capacity + 1);
            assertThat(kept + dropped).isEqualTo(sent);
        }
    }

    /** What /readyz reports: a writer that cannot store its events for a while says so, and stops saying so once it can. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aWriterStuckForAWhileSaysSo(String target) throws Exception {
        try (Trail trail = Trail.empty(target); AuditLog log = trail.open()) {
            try (StoreLock lock = StoreLock.take(trail.url, target)) {
                log.record(event(1));
                long deadline = System.nanoTime() + AuditLog.STUCK_AFTER.plusSeconds(5).toNanos();
                while (log.trouble().isEmpty() && System.nanoTime() < deadline) Thread.sleep(200);
                assertThat(log.trouble()).hasValueSatisfying(t -> assertThat(t).startsWith("audit writer stuck"));
            }
            assertThat(log.flush()).isTrue();
            assertThat(log.trouble()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aCutTailIsReportedAgainstTheAnchor(String target) throws Exception {
        try (Trail trail = Trail.written(target, 25)) {
            assertThat(trail.verify(Instant.now()).problems()).isEmpty();
            assertThat(AuditAnchor.inDataDir(trail.dataDir).read()).extracting(SignedDigest::seq).containsExactly(1L, 2L, 3L);
        }
        assertCut(target, "DELETE FROM audit_events WHERE seq > 20; DELETE FROM audit_digests WHERE seq = 3",
                "digests 3..3 are missing", "events after seq 20 are missing");
        assertCut(target, "DELETE FROM audit_events; DELETE FROM audit_digests",
                "digests 1..3 are missing", "events after seq 0 are missing");
    }

    /** The window before the next digest: events written but not yet signed are still recorded in the anchor's tail. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void eventsAfterTheLastDigestCannotBeCutWhileQuarryRuns(String target) throws Exception {
        try (Trail trail = Trail.empty(target); AuditLog log = trail.open()) {
            for (int i = 1; i <= 25; i++) {
                log.record(event(i));
                if (i % 5 == 0) log.flush();
            }
            assertThat(count(trail.db, "SELECT COUNT(*) FROM audit_digests")).as("digests at events 10 and 20 only").isEqualTo(2);
            assertThat(trail.verify(Instant.now()).problems()).isEmpty();
            update(trail.db, "DELETE FROM audit_events WHERE seq > 20");
            assertThat(trail.verify(Instant.now()).problems()).containsExactly(
                    "events after seq 20 are missing: the anchor covers events up to 25, the store ends at 20 (removed)");
        }
    }

    /** Events the last run left unsigned (it stopped before its closing digest) are signed and anchored at start-up. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void eventsLeftUnsignedByACrashAreAnchoredAtStartUpSoTheirRemovalIsSeen(String target) throws Exception {
        String url = StoreTargets.freshUrl(target);
        Path dir = Files.createTempDirectory("quarry-audit-");
        Database crashed = Database.open(url);
        Trail before = new Trail(crashed, dir, url);
        AuditLog log = before.open();
        for (int i = 1; i <= 25; i++) {
            log.record(event(i));
            if (i % 5 == 0) log.flush();
        }
        crashed.close(); // the store goes away before the closing digest: as after a crash
        log.close();
        try (Trail trail = new Trail(Database.open(url), dir, url)) {
            assertThat(count(trail.db, "SELECT COUNT(*) FROM audit_digests")).as("digests at events 10 and 20 only").isEqualTo(2);
            trail.open().close(); // the next start
            assertThat(trail.verify(Instant.now()).problems()).isEmpty();
            update(trail.db, "DELETE FROM audit_events WHERE seq > 20; DELETE FROM audit_digests WHERE seq = 3");
            assertThat(String.join("\n", trail.verify(Instant.now()).problems())).contains("events after seq 20 are missing");
        }
    }

    /**
     * The attack of a store-only intruder with one restart to help: kill Quarry, cut the events no
     * digest covers, and let the next start continue the shorter chain. The cut is recorded in the
     * chain at start-up, so verify still fails once the chain has moved past the anchor's old claim.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aTailCutWhileQuarryWasDownIsStillReportedAfterARestart(String target) throws Exception {
        String url = StoreTargets.freshUrl(target);
        Path dir = Files.createTempDirectory("quarry-audit-");
        Database crashed = Database.open(url);
        AuditLog log = new Trail(crashed, dir, url).open();
        for (int i = 1; i <= 25; i++) {
            log.record(event(i));
            if (i % 5 == 0) log.flush();
        }
        crashed.close(); // kill -9: no closing digest
        log.close();
        try (Trail trail = new Trail(Database.open(url), dir, url)) {
            update(trail.db, "DELETE FROM audit_events WHERE seq > (SELECT max(last_event_seq) FROM audit_digests)");
            assertThat(String.join("\n", trail.verify(Instant.now()).problems())).contains("events after seq 20 are missing");

            try (AuditLog restarted = trail.open()) {
                restarted.record(event(26)); // one unauthenticated request
                assertThat(restarted.flush()).isTrue();
            }
            assertThat(trail.verify(Instant.now()).problems()).singleElement().asString()
                    .startsWith("event 21 records that the trail was cut while Quarry was down (audit/cut/expected/25:");

            trail.open().close();
            assertThat(count(trail.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'quarry:AuditTrailCut'"))
                    .as("a second restart does not record the same cut again").isEqualTo(1);
        }
    }

    /** After a recorded cut, the tail follows the chain again: a second cut while Quarry is down is recorded too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aSecondCutAfterARecordedOneIsRecordedToo(String target) throws Exception {
        String url = StoreTargets.freshUrl(target);
        Path dir = Files.createTempDirectory("quarry-audit-");
        crashAfter(new Trail(Database.open(url), dir, url), 1, 25);
        try (Trail trail = new Trail(Database.open(url), dir, url)) {
            update(trail.db, "DELETE FROM audit_events WHERE seq > 20");
        }
        crashAfter(new Trail(Database.open(url), dir, url), 22, 24); // the restart records the cut as event 21
        try (Trail trail = new Trail(Database.open(url), dir, url)) {
            update(trail.db, "DELETE FROM audit_events WHERE seq > 21");
            trail.open().close();
            assertThat(new AuditQueries(trail.db).find(null, AuditFields.TRAIL_CUT, null, null, null, 10)).extracting(AuditEvent::resource)
                    .hasSize(2).anySatisfy(r -> assertThat(r).startsWith("audit/cut/expected/24:"))
                    .anySatisfy(r -> assertThat(r).startsWith("audit/cut/expected/25:"));
            assertThat(String.join("\n", trail.verify(Instant.now()).problems())).contains(
                    "event 21 records that the trail was cut while Quarry was down (audit/cut/expected/25:",
                    "event 22 records that the trail was cut while Quarry was down (audit/cut/expected/24:");
        }
    }

    /** Starts a writer, records events {@code from..to}, and stops as a crash does: the store goes away before the closing digest. */
    private static void crashAfter(Trail trail, int from, int to) {
        AuditLog log = trail.open();
        for (int i = from; i <= to; i++) {
            log.record(event(i));
            if (i % 5 == 0) log.flush();
        }
        log.flush();
        trail.db.close();
        log.close();
    }

    /**
     * kill -9 (or an OOM) between a batch's commit and the tail recording it: the store is ahead of
     * the tail. The restart knows the batch as its own (the tail named it as pending before the
     * commit), so it adopts nothing and a single writer's trail verifies clean.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aBatchCommittedJustBeforeACrashIsNotTakenForRowsSomeoneElseWrote(String target) throws Exception {
        try (Trail trail = Trail.crashedBetweenCommitAndTail(target)) {
            try (AuditLog restarted = trail.open()) {
                restarted.record(event(7));
                assertThat(restarted.flush()).isTrue();
            }
            assertThat(count(trail.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'quarry:AuditRowsAdopted'")).isZero();
            AuditVerifier.Report report = trail.verify(Instant.now());
            assertThat(report.problems()).isEmpty();
            assertThat(report.notices()).as("what verify --single-writer fails on").isEmpty();
        }
    }

    /** Rows appended after the batch a crash left untailed are still someone else's: adopted, and only they. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void rowsInsertedAfterABatchACrashLeftUntailedAreStillAdopted(String target) throws Exception {
        try (Trail trail = Trail.crashedBetweenCommitAndTail(target)) {
            long forged = insertLinkedForgery(trail.db);
            trail.open().close();
            AuditVerifier.Report report = trail.verify(Instant.now());
            assertThat(report.problems()).isEmpty();
            assertThat(report.notices()).containsExactly("event " + (forged + 1) + " records that its writer continued after events it did not write (audit/seq/"
                    + forged + "-" + forged + "): another node's, or inserted into the store directly");
        }
    }

    /**
     * A batch whose insert conflicts (a row appeared at its seq) is renumbered after that row and
     * named as pending again before it is retried: a crash after the retry's commit leaves a tail
     * that knows the renumbered batch, and only the row someone else wrote stays adopted, once.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aBatchRenumberedAfterAConflictIsStillKnownAsItsOwnAfterACrash(String target) throws Exception {
        try (Trail trail = Trail.crashedBetweenCommitAndTail(target, db -> assertThat(insertLinkedForgery(db)).isEqualTo(4))) {
            trail.open().close();
            AuditVerifier.Report report = trail.verify(Instant.now());
            assertThat(report.problems()).isEmpty();
            assertThat(report.notices()).containsExactly(
                    "event 5 records that its writer continued after events it did not write (audit/seq/4-4): another node's, or inserted into the store directly");
        }
    }

    /** The pending end sits beside the claim without moving it (verify reads the claim), and a tail written before it existed still reads. */
    @Test
    void aPendingBatchIsNamedBesideTheTailsClaimWithoutMovingIt() throws Exception {
        Path dir = Files.createTempDirectory("quarry-audit-");
        Path tailFile = dir.resolve(AuditAnchor.FILE + ".tail");
        Files.writeString(tailFile, "quarry-audit-tail last_event=5 last_event_hash=five\n"); // as Quarry wrote it before
        AuditAnchor anchor = AuditAnchor.inDataDir(dir);
        assertThat(anchor.readTailFile()).contains(new AuditAnchor.TailFile(Optional.of(new AuditAnchor.Tail(5, "five")), Optional.empty()));

        anchor.pending(4, "four");
        assertThat(Files.readString(tailFile)).as("a batch within the claim names nothing new").doesNotContain("pending");
        anchor.pending(9, "nine");
        assertThat(AuditAnchor.inDataDir(dir).readTailFile()).contains(
                new AuditAnchor.TailFile(Optional.of(new AuditAnchor.Tail(5, "five")), Optional.of(new AuditAnchor.Tail(9, "nine"))));
        assertThat(AuditAnchor.inDataDir(dir).readTail()).contains(new AuditAnchor.Tail(5, "five"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tailFile))).isEqualTo("rw-------");

        anchor.tail(9, "nine");
        assertThat(AuditAnchor.inDataDir(dir).readTailFile()).contains(new AuditAnchor.TailFile(Optional.of(new AuditAnchor.Tail(9, "nine")), Optional.empty()));
        Files.writeString(tailFile, "quarry-audit-tail last_event=9 last_event_hash=nine pending_event=x\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(AuditAnchor.inDataDir(dir)::readTailFile).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theTailFileIsOwnerOnlyNeverWrittenThroughALinkAndNeverGoesBack() throws Exception {
        Path dir = Files.createTempDirectory("quarry-audit-");
        Path victim = Files.writeString(dir.resolve("victim"), "not Quarry's");
        Files.createSymbolicLink(dir.resolve(AuditAnchor.FILE + ".tail.new"), victim);
        AuditAnchor anchor = AuditAnchor.inDataDir(dir);

        anchor.tail(5, "five");
        anchor.tail(3, "three");

        assertThat(Files.readString(victim)).isEqualTo("not Quarry's");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(AuditAnchor.FILE + ".tail")))).isEqualTo("rw-------");
        assertThat(anchor.readTail()).contains(new AuditAnchor.Tail(5, "five"));
        assertThat(AuditAnchor.inDataDir(dir).readTail()).as("read back by a new start").contains(new AuditAnchor.Tail(5, "five"));
    }

    /** Two nodes on one store (each with its own anchor, sharing the key) write one chain: every event of both lands. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void twoWritersOnOneStoreWriteOneChainAndEveryEventLands(String target) throws Exception {
        try (Trail trail = Trail.empty(target); Database otherDb = Database.open(trail.url)) {
            Path otherDir = Files.createTempDirectory("quarry-audit-");
            try (AuditLog a = trail.open()) {
                for (String file : List.of("audit-signing.key", "audit-signing.pub")) {
                    Files.copy(trail.dataDir.resolve(file), otherDir.resolve(file));
                }
                try (AuditLog b = new AuditLog(otherDb, SigningKey.inDataDir(otherDir), AuditAnchor.inDataDir(otherDir), Clock.systemUTC(),
                        10, Duration.ofHours(1))) {
                    for (int i = 1; i <= 60; i++) {
                        a.record(event(i));
                        b.record(event(100 + i));
                        if (i % 20 == 0) assertThat(a.flush() && b.flush()).as("both writers keep up").isTrue();
                    }
                    assertThat(b.trouble()).isEmpty();
                }
            }
            assertThat(trail.verify(Instant.now()).problems()).isEmpty();
            assertThat(count(trail.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'quarry:InvokeModel'")).isEqualTo(120);
        }
    }

    /**
     * A row inserted behind Quarry's back takes the next seq: the writer goes on after it, says in the
     * chain that it did, and verify names the row, whether its hash links (anyone can compute one) or not.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aRowInsertedBehindTheWritersBackDoesNotStallIt(String target) throws Exception {
        try (Trail trail = Trail.empty(target)) {
            try (AuditLog log = trail.open()) {
                for (int i = 1; i <= 3; i++) log.record(event(i));
                assertThat(log.flush()).isTrue();
                update(trail.db, "INSERT INTO audit_events (seq, event_id, event_time, action, resource, decision, prev_hash, hash) "
                        + "VALUES (4, 'intruder', 0, 'x', 'x', 'allow', '" + "0".repeat(64) + "', '" + "0".repeat(64) + "')");
                for (int i = 4; i <= 8; i++) log.record(event(i));
                assertThat(log.flush()).as("the writer follows the store's chain instead of retrying seq 4 for good").isTrue();
                long forged = insertLinkedForgery(trail.db);
                assertThat(forged).as("after the adoption event 5 and events 4..8 as 6..10").isEqualTo(11);
                for (int i = 9; i <= 10; i++) log.record(event(i));
                assertThat(log.flush()).isTrue();
            }
            assertThat(count(trail.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'quarry:InvokeModel'")).isEqualTo(10);
            AuditVerifier.Report report = trail.verify(Instant.now());
            assertThat(report.problems()).containsExactly("event 4 does not follow event 3 (an event was removed, replaced or reordered)",
                    "event 4 (intruder) was changed after it was written");
            assertThat(report.notices()).containsExactly(
                    "event 5 records that its writer continued after events it did not write (audit/seq/4-4): another node's, or inserted into the store directly",
                    "event 12 records that its writer continued after events it did not write (audit/seq/11-11): another node's, or inserted into the store directly");
        }
    }

    /**
     * The attack: with access to the store only, append a forged event whose hash links (hashes are
     * unkeyed), and let Quarry's next digest sign it, while it runs or across a restart. The chain
     * verifies, but the writer says which rows it did not write, before anything of its own.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aForgedEventThatLinksIsNotSignedAsQuarrysOwn(String target) throws Exception {
        try (Trail trail = Trail.empty(target)) {
            try (AuditLog log = trail.open()) {
                for (int i = 1; i <= 3; i++) log.record(event(i));
                assertThat(log.flush()).isTrue();
                assertThat(insertLinkedForgery(trail.db)).isEqualTo(4);
                for (int i = 4; i <= 12; i++) log.record(event(i));
                assertThat(log.flush()).isTrue();
            }
            long forged = insertLinkedForgery(trail.db); // while Quarry is down, after its closing digest
            trail.open().close();

            AuditVerifier.Report report = trail.verify(Instant.now());
            assertThat(report.problems()).as("the forgeries link, and digests signed them").isEmpty();
            assertThat(count(trail.db, "SELECT COUNT(*) FROM audit_events WHERE seq = 5 AND action = 'quarry:AuditRowsAdopted'")).isEqualTo(1);
            assertThat(report.notices()).containsExactly(
                    "event 5 records that its writer continued after events it did not write (audit/seq/4-4): another node's, or inserted into the store directly",
                    "event " + (forged + 1) + " records that its writer continued after events it did not write (audit/seq/" + forged + "-" + forged
                            + "): another node's, or inserted into the store directly");
        }
    }

    /**
     * A digest inserted into the store claiming to cover events up to 999999999999 neither stops the
     * writer from signing (it is not signed by the audit key, so nothing is chained to it) nor makes
     * verify count the events after it as covered.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aForgedDigestNeitherStopsSigningNorCoversEvents(String target) throws Exception {
        try (Trail trail = Trail.written(target, 25)) {
            String hash = AuditHash.ofDigest(4, 0, 26, 999_999_999_999L, "f".repeat(64), "f".repeat(64));
            trail.db.transaction(c -> {
                AuditRows.insert(c, new SignedDigest(4, 0, 26, 999_999_999_999L, "f".repeat(64), "f".repeat(64), hash,
                        SigningKey.keyId(SigningKey.publicKeyIn(trail.dataDir)), AuditRows.digest(c, 1).signature()));
                return null;
            });
            insertLinkedForgery(trail.db);
            assertThat(trail.verify(Instant.now()).uncovered()).as("the event after digest 3").isEqualTo(1);

            try (AuditLog log = trail.open()) {
                for (int i = 1; i <= 35; i++) log.record(event(i));
                assertThat(log.flush()).isTrue();
            }
            assertThat(count(trail.db, "SELECT COUNT(*) FROM audit_digests WHERE seq > 4")).as("digests signed after the forged one")
                    .isPositive();
            AuditVerifier.Report report = trail.verify(Instant.now().plus(GRACE).plusSeconds(1));
            assertThat(report.problems()).singleElement().asString().startsWith("digest 4 is not signed by the audit key");
            assertThat(report.uncovered()).isZero();
        }
    }

    /** `quarry audit verify` lists adopted rows as notices; with one node, {@code --single-writer} fails on them. */
    @Test
    void verifyWithASingleWriterFailsOnAdoptedRows() throws Exception {
        TestQuarry quarry = TestQuarry.start();
        quarry.call("POST", "/v1/chat/completions", "qk-nobody", "{}");
        try (Database db = Database.sqliteIn(quarry.dataDir())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (count(db, "SELECT COUNT(*) FROM audit_events") == 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(insertLinkedForgery(db)).isEqualTo(2);
        }
        quarry.call("POST", "/v1/chat/completions", "qk-nobody", "{}");
        quarry.close();

        String data = quarry.dataDir().toString();
        QuarryCli.Output shared = QuarryCli.run("audit", "verify", "--data", data);
        assertThat(shared.code()).as(shared.stdout()).isZero();
        assertThat(shared.stdout()).contains("NOTICE: event 3 records that its writer continued after events it did not write (audit/seq/2-2)");
        QuarryCli.Output single = QuarryCli.run("audit", "verify", "--data", data, "--single-writer");
        assertThat(single.code()).as(single.stdout()).isEqualTo(1);
        assertThat(single.stdout()).contains("TAMPERED: event 3 records that its writer continued after events it did not write (audit/seq/2-2)");
    }

    /**
     * Appends an event as an intruder with the store's credentials can: linked to the last row, its
     * hash computed.
     *
     * @return its seq
     */
    private static long insertLinkedForgery(Database db) {
        AuditRows.Row last = db.read(c -> {
            try (var s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT " + AuditRows.COLUMNS + " FROM audit_events ORDER BY seq DESC LIMIT 1")) {
                r.next();
                return AuditRows.read(r);
            }
        });
        long seq = last.seq() + 1;
        String prev = last.hash();
        AuditEvent fake = new AuditEvent("forged-" + seq, Instant.now(), "p-admin", "admin", "10.0.0.9", "curl/8", "quarry:DeleteBudget",
                "budget/main", "allow", "admin/All", "req_forged", null);
        db.transaction(c -> {
            try (var s = c.prepareStatement(AuditRows.INSERT)) {
                AuditRows.bind(s, seq, fake, prev, AuditHash.ofEvent(seq, fake, prev));
                return s.executeUpdate();
            }
        });
        return seq;
    }

    private static void assertCut(String target, String cut, String... expected) throws Exception {
        try (Trail trail = Trail.written(target, 25)) {
            update(trail.db, cut);
            List<String> problems = trail.verify(Instant.now()).problems();
            assertThat(String.join("\n", problems)).as("problems found").contains(expected);
        }
    }

    private static AuditEvent withUserAgent(AuditEvent e, String userAgent) {
        return new AuditEvent(UUID.randomUUID().toString(), e.time(), e.principalId(), e.principalName(), e.sourceIp(), userAgent, e.action(), e.resource(),
                e.decision(), e.decidingPolicy(), e.requestId(), e.errorCode());
    }

    /** Events of agent sessions keep their session and turn, bounded; they are found by session; a changed session id is caught. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void sessionIdsAreKeptFoundAndChained(String target) throws Exception {
        try (Trail trail = Trail.empty(target)) {
            try (AuditLog log = trail.open()) {
                log.record(event(1));
                log.record(AuditHashTest.inSession(event(2), "sesn_1", "turn_1"));
                log.record(AuditHashTest.inSession(event(3), "s".repeat(100), "t\0".repeat(50)));
                log.record(event(4));
            }
            assertThat(trail.verify(Instant.now()).problems()).isEmpty();
            AuditQueries queries = new AuditQueries(trail.db);
            assertThat(queries.find(null, null, "sesn_1", null, null, 10)).singleElement()
                    .extracting(AuditEvent::requestId, AuditEvent::sessionId, AuditEvent::turnId).containsExactly("req_2", "sesn_1", "turn_1");
            AuditEvent bounded = queries.find(null, null, null, null, null, 10).stream().filter(e -> "req_3".equals(e.requestId()))
                    .findFirst().orElseThrow();
            assertThat(bounded.sessionId()).startsWith("sss").hasSizeLessThanOrEqualTo(40);
            assertThat(bounded.turnId()).startsWith("t").hasSizeLessThanOrEqualTo(40).doesNotContain("\0");
            assertThat(queries.find(null, null, null, null, null, 10)).filteredOn(e -> e.sessionId() == null).hasSize(2);

            update(trail.db, "UPDATE audit_events SET session_id = 'sesn_2' WHERE seq = 2");
            assertThat(String.join("\n", trail.verify(Instant.now()).problems())).contains("event 2 (", "was changed");
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
                for (String statement : sql.split(";")) s.executeUpdate(statement);
                return null;
            }
        });
    }

    /** Holds the store's write lock from another connection, as a long migration or a stalled disk would. */
    private record StoreLock(Connection connection) implements AutoCloseable {
        static StoreLock take(String url, String target) throws Exception {
            Connection c = DriverManager.getConnection(url);
            c.setAutoCommit(false);
            try (var s = c.createStatement()) {
                // SQLite has one write lock for the file, which an uncommitted write holds; PostgreSQL locks per table.
                s.execute(target.equals("sqlite") ? "DELETE FROM audit_digests WHERE seq < 0" : "LOCK TABLE audit_events IN EXCLUSIVE MODE");
            }
            return new StoreLock(c);
        }

        @Override
        public void close() throws Exception {
            connection.rollback();
            connection.close();
        }
    }

    private static AuditEvent event(int i) {
        return new AuditEvent(UUID.randomUUID().toString(), Instant.now(), "p-" + (i % 2), i % 2 == 0 ? "bob" : "alice",
                "10.0.0." + i, "test/1.0", "quarry:InvokeModel", "model/gpt-5.5", i % 3 == 0 ? "deny" : "allow",
                i % 3 == 0 ? null : "models/UseGpt", "req_" + i, i % 3 == 0 ? "PERMISSION_DENIED" : null);
    }

    private static int count(Database db, String sql) {
        return db.read(c -> {
            try (var s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
                r.next();
                return r.getInt(1);
            }
        });
    }

    /** A store with a written trail: every third event a denial, a digest every ten events; its anchor in the data folder. */
    private record Trail(Database db, Path dataDir, String url) implements AutoCloseable {
        static Trail written(String target, int events) throws Exception {
            Trail trail = empty(target);
            try (AuditLog log = trail.open()) {
                for (int i = 1; i <= events; i++) {
                    log.record(event(i));
                    if (i % 5 == 0) log.flush();
                }
            }
            return trail;
        }

        /**
         * Events 1..3 written and tailed, then a batch of events 4.. committed whose writer never
         * gets to record its tail: as a process killed in that window, it never resumes.
         */
        static Trail crashedBetweenCommitAndTail(String target) throws Exception {
            return crashedBetweenCommitAndTail(target, db -> {});
        }

        /** The same, {@code meanwhile} done to the store between events 1..3 and the batch. */
        static Trail crashedBetweenCommitAndTail(String target, Consumer<Database> meanwhile) throws Exception {
            Trail trail = empty(target);
            Database crashed = Database.open(trail.url);
            java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.CountDownLatch frozen = new java.util.concurrent.CountDownLatch(1);
            AuditLog log = new AuditLog(crashed, SigningKey.inDataDir(trail.dataDir), AuditAnchor.inDataDir(trail.dataDir), Clock.systemUTC(),
                    10, Duration.ofHours(1), AuditLog.MAX_QUEUED, () -> {
                        if (!armed.get()) return;
                        frozen.countDown();
                        try {
                            new java.util.concurrent.CountDownLatch(1).await(); // for good: the process is gone
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
            for (int i = 1; i <= 3; i++) log.record(event(i));
            assertThat(log.flush()).isTrue();
            meanwhile.accept(trail.db);
            armed.set(true);
            for (int i = 4; i <= 6; i++) log.record(event(i));
            assertThat(frozen.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("a batch committed").isTrue();
            assertThat(AuditAnchor.inDataDir(trail.dataDir).readTail()).as("the tail the crash left").hasValueSatisfying(
                    t -> assertThat(t.lastEventSeq()).isEqualTo(3));
            assertThat(count(trail.db, "SELECT COUNT(*) FROM audit_events")).as("the store ahead of it").isGreaterThan(3);
            crashed.close();
            return trail;
        }

        static Trail empty(String target) throws Exception {
            String url = StoreTargets.freshUrl(target);
            return new Trail(Database.open(url), Files.createTempDirectory("quarry-audit-"), url);
        }

        AuditLog open() {
            return new AuditLog(db, SigningKey.inDataDir(dataDir), AuditAnchor.inDataDir(dataDir), Clock.systemUTC(), 10, Duration.ofHours(1));
        }

        AuditVerifier.Report verify(Instant now) {
            return AuditVerifier.verify(db, SigningKey.publicKeyIn(dataDir), AuditAnchor.inDataDir(dataDir), now, GRACE);
        }

        @Override
        public void close() {
            db.close();
        }
    }
}
