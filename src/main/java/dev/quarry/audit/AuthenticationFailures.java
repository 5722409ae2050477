package dev.quarry.audit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps failed authentications from filling the store: anyone can send them, and audit rows can
 * never be removed. Failures are counted per minute in buckets, and the first
 * {@value #RECORDED_PER_MINUTE} of a bucket are recorded as themselves; later ones are only
 * counted, and once the minute is over one {@value #AGGREGATED} event per bucket records how many.
 * So the trail still accounts for every failure, at a bounded number of rows a minute.
 *
 * <p>A failure that names a key Quarry knows (deleted, disabled or expired, or a bad signature
 * with a known access key id) carries the key's owner and the key ({@code key/<id>} as what decided)
 * and has a bucket of its own per key: junk failures sent from the same address cannot push it
 * out of the trail. Failures that name no known credential are bucketed per source address, IPv6
 * per /64 (one host usually holds a whole /64); at most {@value #ANONYMOUS_RECORDED_PER_MINUTE} of
 * them are recorded as themselves in a minute across all sources, the rest counted in their bucket.
 *
 * <p>At most {@value #MAX_BUCKETS} buckets are told apart in a minute, bounding memory; failures
 * of further buckets that minute share one count under {@value #OTHER_SOURCES}. What this does not
 * do: a client with many IPv4 addresses or /64s still gets ten rows a minute from each, up to the
 * global cap; and an anonymous failure does not record which unknown credential was tried.
 */
final class AuthenticationFailures {
    static final String AGGREGATED = "quarry:AuthenticationFailuresAggregated";
    /** How a summary's resource begins for anonymous failures; the source, then {@code /further/} and the count follow. */
    static final String RESOURCE = "source/";
    static final int RECORDED_PER_MINUTE = 10;
    static final int ANONYMOUS_RECORDED_PER_MINUTE = 1_000;
    static final int MAX_BUCKETS = 10_000;
    static final String OTHER_SOURCES = "other-sources";
    private static final String FAILURE = "AUTHENTICATION";
    /** How what decided a known key's refusal begins (see {@code KeyRefused}); the key id follows. */
    private static final String KEY = "key/";

    /** One bucket's minute: the failure that opened it (whose principal a summary names), how many were recorded and counted. */
    private static final class Count {
        final AuditEvent first;
        int recorded;
        int further;

        Count(AuditEvent first) {
            this.first = first;
        }
    }

    private final Map<String, Count> seen = new HashMap<>();
    private final List<AuditEvent> summaries = new ArrayList<>();
    private int anonymousRecorded;
    private long minute = Long.MIN_VALUE;

    /**
     * Whether the event is a failed authentication: of no known credential (no principal: see
     * {@link #anonymousRefusal}), or of a
     * known key (its owner as principal, the key as what decided). A principal's call that failed
     * upstream for the provider's credentials is not one.
     */
    static boolean isFailure(AuditEvent e) {
        if (e.principalId() == null) return FAILURE.equals(e.errorCode()) || anonymousRefusal(e);
        return FAILURE.equals(e.errorCode()) && e.decidingPolicy() != null && e.decidingPolicy().startsWith(KEY);
    }

    /**
     * A call refused before anyone was authenticated, for something its sender controls: no valid
     * key, or a signed body too large or not JSON, so that its signature could not be checked.
     * Anyone can send those, so they share the anonymous buckets. A fault of ours ({@code INTERNAL})
     * is not the sender's doing and is always recorded as itself, as are Quarry's own events about
     * the trail, which belong to no request.
     */
    private static boolean anonymousRefusal(AuditEvent e) {
        return e.requestId() != null && e.errorCode() != null && !e.errorCode().equals("INTERNAL");
    }

    /** Counts a failed authentication; true when it is to be recorded as itself, false when only counted. */
    synchronized boolean admit(AuditEvent failure) {
        roll(failure.time());
        boolean anonymous = failure.principalId() == null;
        String bucket = anonymous ? RESOURCE + sourceBucket(failure.sourceIp()) : failure.decidingPolicy();
        if (!seen.containsKey(bucket) && seen.size() >= MAX_BUCKETS) bucket = RESOURCE + OTHER_SOURCES;
        Count count = seen.computeIfAbsent(bucket, b -> new Count(failure));
        if (count.recorded >= RECORDED_PER_MINUTE || anonymous && anonymousRecorded >= ANONYMOUS_RECORDED_PER_MINUTE) {
            count.further++;
            return false;
        }
        count.recorded++;
        if (anonymous) anonymousRecorded++;
        return true;
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
        return !summaries.isEmpty() || seen.values().stream().anyMatch(c -> c.further > 0);
    }


    /**
     * The source's bucket: an IPv6 address's /64, anything else as it is. Only a literal IPv6
     * address is parsed (hex digits, colons and dots), so no name is ever looked up.
     */
    static String sourceBucket(String source) {
        if (source == null) return "unknown";
        if (!source.contains(":") || !source.matches("[0-9A-Fa-f:.]+")) return source;
        try {
            byte[] address = InetAddress.getByName(source).getAddress();
            if (address.length != 16) return source;
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) prefix.append(Integer.toHexString((address[i] & 0xff) << 8 | address[i + 1] & 0xff)).append(':');
            return prefix + ":/64";
        } catch (UnknownHostException e) {
            return source;
        }
    }

    private void roll(Instant now) {
        long current = now.toEpochMilli() / 60_000;
        if (current != minute) {
            close(now);
            minute = current;
        }
    }

    private void close(Instant now) {
        seen.forEach((bucket, count) -> {
            if (count.further > 0) summaries.add(summary(now, bucket, count));
        });
        seen.clear();
        anonymousRecorded = 0;
    }

    private static AuditEvent summary(Instant at, String bucket, Count count) {
        if (bucket.equals(RESOURCE + OTHER_SOURCES)) {
            return new AuditEvent(UUID.randomUUID().toString(), at, null, null, null, null, AGGREGATED,
                    bucket + "/further/" + count.further, "deny", null, null, FAILURE);
        }
        AuditEvent first = count.first;
        return new AuditEvent(UUID.randomUUID().toString(), at, first.principalId(), first.principalName(), first.onBehalfOf(),
                first.principalId() == null ? first.sourceIp() : null, null, AGGREGATED, bucket + "/further/" + count.further, "deny",
                first.decidingPolicy(), null, FAILURE, null, null);
    }
}
