package dev.quarry.identity;

import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;

/**
 * A refused credential that names a key Quarry knows: deleted, disabled or expired, a role session
 * whose assumer is gone, or a wrong signature or session token with a known access key id. Unlike
 * a stranger's failure it is an attempt on a real identity, so the audit trail records it with the
 * key and its owner instead of counting it with anonymous failures. Carries the key id, never the
 * secret.
 */
public final class KeyRefused extends QuarryException {
    private final String keyId;
    private final Principal owner;

    KeyRefused(QuarryError error, StoredKey key) {
        super(error);
        this.keyId = key.keyId();
        this.owner = key.principal();
    }

    public String keyId() {
        return keyId;
    }

    public Principal owner() {
        return owner;
    }

    /** What the audit records as having decided the refusal: the key. */
    public String decidedBy() {
        return "key/" + keyId;
    }
}
