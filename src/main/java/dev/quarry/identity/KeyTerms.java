package dev.quarry.identity;

import java.time.Instant;

/**
 * How a new key is issued: when it stops working ({@code null}: never) and a note for whoever
 * lists keys later (what it is for; {@code null}: none).
 */
public record KeyTerms(Instant expiresAt, String description) {
    public static final KeyTerms NONE = new KeyTerms(null, null);
    static final int MAX_DESCRIPTION = 500;
}
