package dev.quarry.identity;

import java.time.Instant;

/**
 * What authenticating needs to know of a stored key to accept or refuse it, remembered in memory.
 *
 * @param disabledAt       when it was disabled, {@code null} while enabled
 * @param expiresAt        when it stops working, {@code null} for never
 * @param sessionTokenHash for the temporary key of an assumed role, the hash of the session token
 *                         SigV4 requests must carry; otherwise {@code null}
 * @param assumerGone      for such a key, whether the principal that assumed the role no longer
 *                         exists: the session ended with it
 */
record StoredKey(String keyId, Principal principal, String prefix, Instant disabledAt, Instant expiresAt, boolean deleted,
                 String sessionTokenHash, boolean assumerGone) {

    /** A key just issued by this process, before anything has happened to it. */
    static StoredKey issued(IssuedKey key) {
        return new StoredKey(key.keyId(), key.principal(), key.prefix(), null, key.expiresAt(), false, null, false);
    }
}
