package dev.quarry.audit;

import dev.quarry.store.Database;
import java.security.PublicKey;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the whole trail: each event's hash, each link to the event before, the numbering, and
 * each digest's hash, signature, link to the digest before and agreement with the events it
 * covers. An attacker who edits an event and re-chains every later hash still fails at the next
 * digest, whose signature they cannot make without the private key. Removing the newest digests
 * with their events, or every row, leaves a chain that checks out by itself: the {@link AuditAnchor}
 * outside the store is what shows it was longer; a cut the writer found at start-up stays in the
 * chain as an event of its own, reported here for good.
 *
 * <p>Event hashes are unkeyed: anyone who can write to the store can append rows that link, and a
 * writer that meets them continues after them. It says so in the chain ({@value
 * AuditFields#ROWS_ADOPTED}), and each such range is listed here as a notice: with several nodes on
 * one store that is their ordinary interleaving, and nothing here tells it from rows inserted
 * directly; with a single node, every range is rows it did not write.
 */
public final class AuditVerifier {

    /**
     * @param problems what is wrong, in order; empty when the trail is intact
     * @param notices  the events a writer adopted, not having written them: problems when only one node writes
     */
    public record Report(long events, long digests, long uncovered, List<String> problems, List<String> notices) {
        public boolean intact() {
            return problems.isEmpty();
        }
    }

    private AuditVerifier() {}

    /**
     * @param anchor          the anchor file the store must hold every digest of
     * @param maxUncoveredAge events older than this must be covered by a digest; a younger tail
     *                        may simply be waiting for the next one
     */
    public static Report verify(Database db, PublicKey key, AuditAnchor anchor, Instant now, Duration maxUncoveredAge) {
        List<String> problems = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        Map<Long, String> hashBySeq = new HashMap<>();
        Map<Long, Instant> timeBySeq = new HashMap<>();
        long events = db.read(c -> {
            long count = 0, expectedSeq = 1;
            String prevHash = AuditHash.GENESIS;
            try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT " + AuditRows.COLUMNS + " FROM audit_events ORDER BY seq")) {
                while (r.next()) {
                    AuditRows.Row row = AuditRows.read(r);
                    count++;
                    if (row.seq() != expectedSeq) {
                        problems.add("events " + expectedSeq + ".." + (row.seq() - 1) + " are missing (removed)");
                    } else if (!row.prevHash().equals(prevHash)) {
                        problems.add("event " + row.seq() + " does not follow event " + (row.seq() - 1) + " (an event was removed, replaced or reordered)");
                    }
                    if (row.event().action().equals(AuditFields.TRAIL_CUT)) {
                        problems.add("event " + row.seq() + " records that the trail was cut while Quarry was down (" + row.event().resource() + ")");
                    }
                    if (row.event().action().equals(AuditFields.ROWS_ADOPTED)) {
                        notices.add("event " + row.seq() + " records that its writer continued after events it did not write ("
                                + row.event().resource() + "): another node's, or inserted into the store directly");
                    }
                    if (!AuditHash.ofEvent(row.seq(), row.event(), row.prevHash()).equals(row.hash())) {
                        problems.add("event " + row.seq() + " (" + row.event().eventId() + ") was changed after it was written");
                    }
                    hashBySeq.put(row.seq(), row.hash());
                    timeBySeq.put(row.seq(), row.event().time());
                    prevHash = row.hash();
                    expectedSeq = row.seq() + 1;
                }
            }
            return count;
        });

        // Chaining and coverage follow the digests the key signed: a forged one covers nothing.
        long[] coveredThrough = {0};
        Map<Long, String> digestBySeq = new HashMap<>();
        long digests = db.read(c -> {
            long count = 0, expectedSeq = 1;
            String prevDigest = AuditHash.GENESIS;
            try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT " + AuditRows.DIGEST_COLUMNS + " FROM audit_digests ORDER BY seq")) {
                while (r.next()) {
                    count++;
                    SignedDigest d = AuditRows.readDigest(r);
                    long seq = d.seq();
                    if (seq != expectedSeq) problems.add("digests " + expectedSeq + ".." + (seq - 1) + " are missing (removed)");
                    digestBySeq.put(seq, d.digestHash());
                    expectedSeq = seq + 1;
                    if (!AuditHash.ofDigest(seq, d.createdAt(), d.firstEventSeq(), d.lastEventSeq(), d.lastEventHash(), d.prevDigestHash())
                            .equals(d.digestHash())) {
                        problems.add("digest " + seq + " was changed after it was signed");
                        continue;
                    }
                    if (!d.signedBy(key)) {
                        problems.add("digest " + seq + " is not signed by the audit key " + SigningKey.keyId(key));
                        continue;
                    }
                    if (!d.prevDigestHash().equals(prevDigest)) problems.add("digest " + seq + " does not follow the digest signed before it");
                    if (d.firstEventSeq() != coveredThrough[0] + 1) problems.add("digest " + seq + " does not start where the previous digest ended");
                    if (!d.lastEventHash().equals(hashBySeq.get(d.lastEventSeq()))) {
                        problems.add("the events up to " + d.lastEventSeq() + " are not the ones digest " + seq + " signed (rewritten or removed)");
                    }
                    coveredThrough[0] = d.lastEventSeq();
                    prevDigest = d.digestHash();
                }
            }
            return count;
        });
        problems.addAll(AnchorCheck.against(anchor, key, digestBySeq, hashBySeq));

        long uncovered = hashBySeq.keySet().stream().filter(seq -> seq > coveredThrough[0]).count();
        Instant oldestUncovered = timeBySeq.entrySet().stream().filter(e -> e.getKey() > coveredThrough[0])
                .map(Map.Entry::getValue).min(Instant::compareTo).orElse(now);
        if (oldestUncovered.isBefore(now.minus(maxUncoveredAge))) {
            problems.add(uncovered + " events after event " + coveredThrough[0] + " are older than " + maxUncoveredAge.toSeconds()
                    + "s but no digest covers them (a digest was removed, or the writer stopped signing)");
        }
        return new Report(events, digests, uncovered, problems, notices);
    }
}
