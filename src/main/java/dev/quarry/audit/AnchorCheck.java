package dev.quarry.audit;

import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/** Whether the store still holds every digest the anchor recorded, and the events they covered. */
final class AnchorCheck {
    private AnchorCheck() {}

    /**
     * @param storedDigests the digest hash of each digest the store holds, by seq
     * @param storedEvents  the hash of each event the store holds, by seq
     * @return what is missing or different, empty when the store reaches as far as the anchor
     */
    static List<String> against(AuditAnchor anchor, PublicKey key, Map<Long, String> storedDigests, Map<Long, String> storedEvents) {
        List<String> problems = new ArrayList<>();
        List<SignedDigest> anchored;
        Optional<AuditAnchor.Tail> tail;
        try {
            anchored = anchor.read();
            tail = anchor.readTail();
        } catch (IllegalStateException | UncheckedIOException e) {
            return List.of(e.getMessage() + " (the anchor was edited)");
        }
        if (!anchor.exists() && !storedDigests.isEmpty()) {
            return List.of("there is no audit anchor at " + anchor.file() + ", so a cut tail cannot be seen (pass --anchor with a copy)");
        }
        SortedSet<Long> missing = new TreeSet<>();
        long anchoredEvents = 0;
        for (SignedDigest a : anchored) {
            if (!a.signedBy(key)) {
                problems.add("the anchor line of digest " + a.seq() + " is not signed by the audit key " + SigningKey.keyId(key) + " (the anchor was edited)");
                continue;
            }
            anchoredEvents = Math.max(anchoredEvents, a.lastEventSeq());
            String stored = storedDigests.get(a.seq());
            if (stored == null) missing.add(a.seq());
            else if (!stored.equals(a.digestHash())) problems.add("digest " + a.seq() + " is not the one the anchor holds (replaced)");
        }
        for (long[] range : ranges(missing)) {
            problems.add("digests " + range[0] + ".." + range[1] + " are missing: the anchor holds them, the store does not (removed)");
        }
        long lastEvent = storedEvents.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        long written = Math.max(anchoredEvents, tail.map(AuditAnchor.Tail::lastEventSeq).orElse(0L));
        if (lastEvent < written) {
            problems.add("events after seq " + lastEvent + " are missing: the anchor covers events up to " + written
                    + ", the store ends at " + lastEvent + " (removed)");
        }
        tail.filter(t -> storedEvents.containsKey(t.lastEventSeq()) && !storedEvents.get(t.lastEventSeq()).equals(t.lastEventHash()))
                .ifPresent(t -> problems.add("event " + t.lastEventSeq() + " is not the one the anchor's tail recorded (replaced)"));
        return problems;
    }

    private static List<long[]> ranges(SortedSet<Long> seqs) {
        List<long[]> ranges = new ArrayList<>();
        for (long seq : seqs) {
            if (!ranges.isEmpty() && ranges.getLast()[1] == seq - 1) ranges.getLast()[1] = seq;
            else ranges.add(new long[] {seq, seq});
        }
        return ranges;
    }
}
