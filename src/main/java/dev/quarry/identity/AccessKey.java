package dev.quarry.identity;

import java.util.Objects;

/** A SigV4 key pair as verification needs it: the key it is a form of and the secret in the clear. */
record AccessKey(String id, StoredKey key, String secret) {
    AccessKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "AccessKey[" + id + " of " + key.principal().name() + "]";
    }
}
