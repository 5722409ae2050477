package dev.quarry.identity;

import java.time.Instant;

/**
 * Temporary credentials of an assumed role: a key of the role principal that expires, and the
 * session token SigV4 clients send as {@code X-Amz-Security-Token} (AWS SDKs do so whenever their
 * credentials carry one). The token exists in the clear only here; the store keeps its hash.
 */
public record RoleSession(String role, String assumedBy, IssuedKey key, String sessionToken, Instant expiration) {}
