package dev.quarry.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps failed authentications from filling the store: anyone can send them, and audit rows can
 * never be removed. In each minute the first {@link #RECORDED_PER_MINUTE} failures from a source
 * address are recorded as themselves (enough to see which credentials and user agents were tried);
 * later ones from that source in that minute are only counted, and once the minute is over one
 * {@value #AGGREGATED} event per source records how many. So the trail still says what happened,
 * and one source costs at most eleven rows a minute, whatever it sends.
 *
 * <p>At most {@link #MAX_SOURCES} sources are told apart in a minute, bounding memory; failures
 * from further sources that minute share one count under {@value #OTHER_SOURCES}.
 */
final class AuthenticationFailures {
    static final String AGGREGATED = "quarry:AuthenticationFailuresAggregated";
    /** How a summary's resource begins; the source, then {@code /further/} and the count follow. */
    static final String RESOURCE = "source/";
    static final int RECORDED_PER_MINUTE = 10;
    static final int MAX_SOURCES = 10_000;
    static final String OTHER_SOURCES = "other-sources";
    private static final String FAILURE = "AUTHENTICATION";

    private final Map<String, Integer> seen = new HashMap<>();
    private final List<AuditEvent> summaries = new ArrayList<>();
    private long minute = Long.MIN_VALUE;

    /** Whether the event is a failed authentication: no principal, refused for its credentials. */
    static boolean isFailure(AuditEvent e) {
        return FAILURE.equals(e.errorCode()) && e.principalId() == null;
    }

    /** Counts a failed authentication; true when it is to be recorded as itself, false when only counted. */
    synchronized boolean admit(AuditEvent failure) {
        roll(failure.time());
        String source = failure.sourceIp() == null ? "unknown" : failure.sourceIp();
        if (!seen.containsKey(source) && seen.size() >= MAX_SOURCES) source = OTHER_SOURCES;
        int count = seen.merge(source, 1, Integer::sum);
        return count <= RECORDED_PER_MINUTE;
    }

    /** The summaries of minutes that ended by {@code now}, or of every count held when {@code closing}. */
    synchronized List<AuditEvent> ended(Instant now, boolean closing) {
        if (closing) close(now);
        else roll(now);
        List<AuditEvent> done = List.copyOf(summaries);
        summaries.clear();
        return done;
    }

    /** Whether counts are held that no summary records yet. */
    synchronized boolean holding() {
        return !summaries.isEmpty() || seen.values().stream().anyMatch(n -> n > RECORDED_PER_MINUTE);
    }

    private void roll(Instant now) {
        long current = now.toEpochMilli() / 60_000;
        if (current != minute) {
            close(now);
            minute = current;
        }
    }

    private void close(Instant now) {
        seen.forEach((source, count) -> {
            if (count > RECORDED_PER_MINUTE) summaries.add(summary(now, source, count - RECORDED_PER_MINUTE));
        });
        seen.clear();
    }

    private static AuditEvent summary(Instant at, String source, int further) {
        return new AuditEvent(UUID.randomUUID().toString(), at, null, null, null, source.equals(OTHER_SOURCES) ? null : source, null,
                AGGREGATED, RESOURCE + source + "/further/" + further, "deny", null, null, FAILURE);
    }
}
