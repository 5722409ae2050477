package dev.quarry.identity;

import java.time.Instant;

/**
 * A key as listed: never its secrets. Last use is written in batches ({@link KeyUsageWriter}),
 * so it may trail the newest use by up to half a minute.
 */
public record KeyInfo(String id, String principal, String prefix, String accessKeyId, String description, Instant createdAt,
                      Instant lastUsedAt, Instant disabledAt, Instant expiresAt) {

    public String status(Instant now) {
        if (disabledAt != null) return "disabled";
        if (expiresAt != null && !now.isBefore(expiresAt)) return "expired";
        return "active";
    }
}
