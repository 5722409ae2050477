package dev.quarry.audit;

import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** Whether the store still holds every digest the anchor recorded, and the events they covered. */
final class AnchorCheck {
    private AnchorCheck() {}

    /**
     * @param storedDigests the digest hash of each digest the store holds, by seq
     * @param lastEvent     the highest event seq the store holds, 0 when none
     * @return what is missing or different, empty when the store reaches as far as the anchor
     */
    static List<String> against(AuditAnchor anchor, PublicKey key, Map<Long, String> storedDigests, long lastEvent) {
        List<String> problems = new ArrayList<>();
        List<SignedDigest> anchored;
        try {
            anchored = anchor.read();
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
        if (lastEvent < anchoredEvents) {
            problems.add("events after seq " + lastEvent + " are missing: the anchor covers events up to " + anchoredEvents
                    + ", the store ends at " + lastEvent + " (removed)");
        }
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
