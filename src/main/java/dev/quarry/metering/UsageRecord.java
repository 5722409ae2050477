package dev.quarry.metering;

import dev.quarry.canonical.Usage;
import java.time.Instant;
import java.util.Objects;

/**
 * What one request used and how it ended.
 *
 * @param status    {@code completed}, {@code failed} (an error, before or during the answer) or
 *                  {@code cancelled} (the client went away); usage counts what was produced
 * @param errorKind the canonical error kind when not completed, else {@code null}
 */
public record UsageRecord(
        String requestId,
        String principalId,
        String surface,
        String operation,
        String model,
        String provider,
        String upstreamModel,
        Usage usage,
        long latencyMillis,
        String status,
        String errorKind,
        Instant createdAt) {

    public UsageRecord {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(principalId, "principalId");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(status, "status");
    }
}
